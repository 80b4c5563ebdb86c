#include "modules/apt_sources.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace drover::modules {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool IsSourceType(const std::string& w) {
  return w == "deb" || w == "deb-src";
}

std::string Render(const AptSourceLine& l) {
  std::string out = l.enabled ? "" : "# ";
  out += l.source;
  if (!l.comment.empty()) out += " # " + l.comment;
  return out + "\n";
}

}  // namespace

AptSourceLine ParseAptSourceLine(const std::string& raw) {
  AptSourceLine l;
  std::string line = Trim(raw);
  if (!line.empty() && line[0] == '#') {
    l.enabled = false;
    line.erase(0, 1);
  }
  size_t hash = line.find('#');
  if (hash != std::string::npos && hash > 0) {
    l.comment = Trim(line.substr(hash + 1));
    line = line.substr(0, hash);
  }
  l.source = Trim(line);
  if (!l.source.empty()) {
    std::vector<std::string> words = Words(l.source);
    if (IsSourceType(words[0])) {
      l.valid = true;
      l.source.clear();
      for (const std::string& w : words) l.source += (l.source.empty() ? "" : " ") + w;
    }
  }
  return l;
}

std::string SuggestAptSourceFilename(const std::string& source) {
  // re.sub(r'\[[^\]]+\]', '', line); re.sub(r'\w+://', '', line)
  std::string line;
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '[') {
      size_t close = source.find(']', i + 1);
      if (close != std::string::npos && close > i + 1) {
        i = close;
        continue;
      }
    }
    line += source[i];
  }
  for (size_t at; (at = line.find("://")) != std::string::npos;) {
    size_t b = at;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(line[b - 1])) || line[b - 1] == '_'))
      --b;
    if (b == at) break;  // no \w before "://": nothing to strip
    line.erase(b, at + 3 - b);
  }
  std::vector<std::string> parts;
  for (const std::string& w : Words(line))
    if (!IsSourceType(w)) parts.push_back(w);
  std::string first = parts.empty() ? "" : parts[0];
  if (size_t at = first.find('@'); at != std::string::npos) first = first.substr(at + 1);
  std::string cleaned;
  for (char c : first) cleaned += std::isalnum(static_cast<unsigned char>(c)) ? c : ' ';
  std::string name;
  for (const std::string& w : Words(cleaned)) name += (name.empty() ? "" : "_") + w;
  return name + ".list";
}

void AptSources::Load(const std::string& path, const std::string& text) {
  std::vector<AptSourceLine>& lines = files_[path];
  if (std::find(order_.begin(), order_.end(), path) == order_.end()) order_.push_back(path);
  // Python iterates a text file by lines ending in '\n'.
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    lines.push_back(
        ParseAptSourceLine(text.substr(start, nl == std::string::npos ? nl : nl - start)));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void AptSources::Add(const std::string& source, const std::string& file) {
  bool found = false;
  for (const std::string& path : order_)
    for (AptSourceLine& l : files_[path])
      if (l.valid && l.source == source) {
        l.enabled = true;
        found = true;
      }
  if (found) return;
  if (std::find(order_.begin(), order_.end(), file) == order_.end()) order_.push_back(file);
  AptSourceLine l;
  l.valid = true;
  l.source = source;
  files_[file].push_back(l);
}

void AptSources::Remove(const std::string& source) {
  for (const std::string& path : order_)
    std::erase_if(files_[path], [&](const AptSourceLine& l) {
      return l.valid && l.enabled && l.source == source;
    });
}

std::map<std::string, std::string> AptSources::Dump() const {
  std::map<std::string, std::string> out;
  for (const auto& [path, lines] : files_) {
    if (lines.empty()) continue;
    std::string text;
    for (const AptSourceLine& l : lines) text += Render(l);
    out[path] = text;
  }
  return out;
}

}  // namespace drover::modules
