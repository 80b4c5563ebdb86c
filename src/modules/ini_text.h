// ini_file's edit, pure: community.general.ini_file 6.x's do_ini on a
// file's text (read as Python's text mode reads it: BOM dropped, newlines
// made '\n'), giving the new text, whether it changed and Ansible's msg.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drover::modules {

struct IniRequest {
  std::string section;  // "": the lines before the first section
  std::optional<std::string> option;
  std::vector<std::string> values;  // deduplicated by the edit
  bool present = true;
  bool exclusive = true;
  bool no_extra_spaces = false;
  bool allow_no_value = false;
};

struct IniEdit {
  std::string before;  // the original text as Python read it
  std::string after;
  bool changed = false;
  std::string msg;
};

// `original` is nullopt when the file does not exist.
IniEdit EditIni(const std::optional<std::string>& original, const IniRequest& request);

}  // namespace drover::modules
