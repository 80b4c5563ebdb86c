#include "vars/extra_vars.h"

#include "vars/hash_behaviour.h"
#include "vars/vars_file.h"

namespace drover::vars {
namespace {

// Ansible's split_args for key=value text: whitespace separates words,
// quotes group (and are kept), so `a="b c"` is one word.
Result<std::vector<std::string>> SplitArgs(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  char quote = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      cur += c;
      if (c == '\\' && i + 1 < text.size()) {
        cur += text[++i];
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      cur += c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return MakeError("error parsing argument string, try quoting the entire line.");
  if (in_word) words.push_back(cur);
  return words;
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Result<Map> ParseKeyValues(const std::string& text) {
  Result<std::vector<std::string>> words = SplitArgs(text);
  if (!words) return words.take_error();
  Map out;
  std::string raw;
  for (const std::string& w : *words) {
    size_t pos = 0;
    bool found = false;
    while ((pos = w.find('=', pos + 1)) != std::string::npos) {
      if (w[pos - 1] != '\\') {
        found = true;
        break;
      }
    }
    if (!found) {
      if (!raw.empty()) raw += ' ';
      raw += w;
      continue;
    }
    out.set(Strip(w.substr(0, pos)), Unquote(Strip(w.substr(pos + 1))));
  }
  if (!raw.empty()) out.set("_raw_params", raw);
  return out;
}

}  // namespace

Result<Map> LoadExtraVars(const std::vector<std::string>& args, Warnings* warnings) {
  Map merged;
  for (const std::string& arg : args) {
    if (arg.empty()) continue;
    Result<Map> data = Map{};
    if (arg[0] == '@') {
      data = LoadVarsFile(arg.substr(1), warnings);
    } else if (arg[0] == '/' || arg[0] == '.') {
      Error e = MakeError("Please prepend extra_vars filename '" + arg + "' with '@'");
      e.code = ExitCode::kBadOptions;
      return e;
    } else if (arg[0] == '[' || arg[0] == '{') {
      Result<Value> doc = LoadYaml(arg, "<extra vars>", warnings);
      if (!doc) return doc.take_error();
      if (!doc->is_map()) {
        Error e = MakeError("Invalid extra vars data supplied. '" + arg +
                            "' could not be made into a dictionary");
        e.code = ExitCode::kBadOptions;
        return e;
      }
      data = doc->as_map();
    } else {
      data = ParseKeyValues(arg);
    }
    if (!data) return data.take_error();
    for (auto& [k, v] : *data) CombineInto(merged, k, std::move(v));
  }
  return merged;
}

Map LoadTimeVars(const Map& extra_vars, const Value* vars, const std::string* playbook_dir) {
  Map known = extra_vars;
  // `vars`: a mapping, or a list of mappings whose later entries win.
  if (vars && vars->is_map())
    for (const auto& [k, val] : vars->as_map())
      if (!known.contains(k)) known.set(k, val);
  if (vars && vars->is_list())
    for (auto m = vars->as_list().rbegin(); m != vars->as_list().rend(); ++m)
      if (m->is_map())
        for (const auto& [k, val] : m->as_map())
          if (!known.contains(k)) known.set(k, val);
  if (playbook_dir) known.set("playbook_dir", Value(*playbook_dir));
  return known;
}

}  // namespace drover::vars
