#include "output/yaml_results.h"

#include "core/json.h"
#include "template/ansible_extras.h"

namespace drover::output {

namespace {
// Python's str(x).lower() of a header value (True -> "true").
std::string HeaderText(const Value& v) {
  std::string s = v.is_string() ? v.as_string()
                  : v.is_bool() ? (v.as_bool() ? "true" : "false")
                  : v.is_null() ? "none"
                                : ToJson(v, JsonStyle{});
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Python's str.rstrip() for the ASCII whitespace a YAML dump can end with.
std::string RStrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\f' || s.back() == '\v'))
    s.pop_back();
  return s;
}
}  // namespace

std::string YamlDumpResult(const Map& cleaned) {
  Map rest = cleaned;
  rest.erase("exception");
  std::string dumped;
  for (const char* header : {"changed", "skipped"}) {
    if (const Value* v = rest.find(header)) {
      dumped += std::string(header) + "=" + HeaderText(*v) + " ";
      rest.erase(header);
    }
  }
  for (const char* stream : {"stdout", "stderr"}) {
    const std::string lines = std::string(stream) + "_lines";
    if (rest.contains(stream) && rest.contains(lines)) rest.set(lines, Value("<omitted>"));
  }
  if (!rest.empty()) {
    tmpl::YamlDumpStyle style;
    style.flow = 0;
    style.width = 1000;
    style.literal_multiline = true;
    dumped += "\n" + tmpl::DumpYaml(Value(std::move(rest)), style);
  }
  std::string indented;
  for (char c : dumped) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
  return RStrip(indented);
}

}  // namespace drover::output
