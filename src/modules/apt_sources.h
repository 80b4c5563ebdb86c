// The pure side of apt_repository: apt's one-line source files parsed,
// edited and written back as Ansible's SourcesList does (every line kept,
// valid ones normalized), and the file name Ansible derives from a repo
// line. The module (apt_repository.cc) reads the files on the host and
// writes back only those whose text changed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace drover::modules {

struct AptSourceLine {
  bool valid = false;   // a deb/deb-src line
  bool enabled = true;  // not commented out
  std::string source;   // the line without '#' and comment, words joined by one space
  std::string comment;  // after a '#' inside the line
};

// Ansible's SourcesList._parse of one line.
AptSourceLine ParseAptSourceLine(const std::string& line);

// The name Ansible's _suggest_filename derives: "deb [arch=amd64]
// https://u:p@download.example.org/linux stable main" ->
// "download_example_org_linux.list" (only the URL's host and path count).
std::string SuggestAptSourceFilename(const std::string& source);

class AptSources {
 public:
  // `files` in the order apt lists them: path -> text.
  void Load(const std::string& path, const std::string& text);
  // Adds the source (enabling every disabled copy), in `file` (a path)
  // when no line has it yet.
  void Add(const std::string& source, const std::string& file);
  // Removes every enabled line with the source.
  void Remove(const std::string& source);
  // Ansible's dump: path -> normalized text, files without lines left out.
  std::map<std::string, std::string> Dump() const;
  // Paths in load order (then new ones).
  const std::vector<std::string>& Paths() const { return order_; }

 private:
  std::map<std::string, std::vector<AptSourceLine>> files_;
  std::vector<std::string> order_;
};

}  // namespace drover::modules
