#include "cli/extra_vars.h"

#include "core/yaml.h"

namespace drover::cli {
namespace {

// Ansible's parse_kv for `k=v k2='v 2'`: shell-like words split on
// whitespace, quotes removed, each word split at the first '='.
Result<Value> ParseKeyValues(const std::string& spec) {
  Map out;
  std::vector<std::string> words;
  std::string cur;
  char quote = 0;
  bool have = false;
  for (size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < spec.size()) {
        cur += spec[++i];
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (have || !cur.empty()) words.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
    }
  }
  if (quote) return MakeError("unbalanced quotes in extra vars: " + spec);
  if (have || !cur.empty()) words.push_back(cur);
  for (const std::string& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      return MakeError("extra vars '" + spec +
                       "': expected key=value, @file, or a YAML/JSON mapping");
    out.set(w.substr(0, eq), Value(w.substr(eq + 1)));
  }
  return Value(std::move(out));
}

}  // namespace

Result<Value> LoadExtraVars(const std::vector<std::string>& specs) {
  Map merged;
  for (const std::string& spec : specs) {
    Result<Value> part = Value();
    if (!spec.empty() && spec[0] == '@') {
      part = LoadYamlFile(spec.substr(1));
    } else if (!spec.empty() && (spec[0] == '{' || spec[0] == '[')) {
      part = LoadYaml(spec, "<extra vars>");
    } else {
      part = ParseKeyValues(spec);
    }
    if (!part) return part.take_error();
    if (part->is_null()) continue;
    if (!part->is_map())
      return MakeError("extra vars '" + spec + "' must be a mapping, got a " +
                       std::string(part->type_name()));
    for (auto& [k, v] : part->as_map()) merged.set(k, v);
  }
  return Value(std::move(merged));
}

}  // namespace drover::cli
