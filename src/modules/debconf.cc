// debconf (ansible.builtin.debconf) without Python on the host:
// `debconf-show PKG` decides; `debconf-set-selections [-u]` acts, the
// answer on stdin (never on a command line), only when it differs and not
// in check mode. Results are Ansible's: changed, msg, current, previous
// and diff (before/after) when changed; current (every answer of the
// package) when not.
#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Strip(const std::string& s, const char* chars = " \t\r\n\v\f") {
  size_t b = s.find_first_not_of(chars);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Ansible's get_selections: "* question: value" lines.
Map ParseDebconfShow(const std::string& out) {
  Map selections;
  for (const Value& v : SplitLines(out)) {
    const std::string& line = v.as_string();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    selections.set(Strip(Strip(line.substr(0, colon), "*")), Value(Strip(line.substr(colon + 1))));
  }
  return selections;
}

class Debconf : public Module {
 public:
  std::string_view Name() const override { return "debconf"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {"pkg"}, {}},
        {"question", ArgType::kStr, {}, false, {"selection", "setting"}, {}},
        {"vtype",
         ArgType::kStr,
         {},
         false,
         {},
         {"boolean", "error", "multiselect", "note", "password", "seen", "select", "string", "text",
          "title"}},
        {"value", ArgType::kStr, {}, false, {"answer"}, {}},
        {"unseen", ArgType::kBool, Value(false), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string pkg = ArgText(args, "name");
    const std::optional<std::string> question = OptionalArgText(args, "question");
    const std::optional<std::string> vtype = OptionalArgText(args, "vtype");
    std::optional<std::string> value = OptionalArgText(args, "value");
    {
      const int given = (question ? 1 : 0) + (vtype ? 1 : 0) + (value ? 1 : 0);
      if (given > 0 && given < 3)
        return Failed("parameters are required together: question, vtype, value");
    }
    Result<connection::ExecResult> r = ctx.Exec(
        "command -v debconf-show >/dev/null 2>&1 || { echo DROVER_NO_DEBCONF; exit 0; }\n"
        "debconf-show " +
        ShellQuote(pkg) + "\n");
    if (!r) return r.take_error();
    if (r->stdout_data.find("DROVER_NO_DEBCONF") != std::string::npos)
      return Failed("Failed to find required executable \"debconf-show\" on the host");
    if (r->exit_status != 0) return Failed(r->stderr_data);
    Map prev = ParseDebconfShow(r->stdout_data);

    bool changed = false;
    if (question) {
      const Value* existing = prev.find(*question);
      if (!existing) {
        changed = true;
      } else if (*vtype == "boolean") {
        value = Lower(*value);
        changed = *value != Lower(existing->as_string());
      } else {
        changed = *value != existing->as_string();
      }
    }
    if (!changed) return Map{{"changed", false}, {"msg", ""}, {"current", Value(prev)}};

    std::string msg;
    if (!ctx.check_mode) {
      std::string set_value = *value;
      if (*vtype == "boolean" && set_value == "True") set_value = "true";
      if (*vtype == "boolean" && set_value == "False") set_value = "false";
      const bool unseen = args.find("unseen")->as_bool();
      Result<connection::ExecResult> w =
          ctx.Exec(std::string("debconf-set-selections") + (unseen ? " -u" : ""),
                   pkg + " " + *question + " " + *vtype + " " + set_value + "\n");
      if (!w) return w.take_error();
      if (w->exit_status != 0) return Failed(w->stderr_data);
      msg = w->stdout_data;
    }
    Map curr{{*question, Value(*value)}};
    Map before;
    const Value* old = prev.find(*question);
    before.set(*question, old ? *old : Value(""));
    if (old)
      prev = before;
    else
      prev.set(*question, Value(""));
    Map result{{"changed", true},
               {"msg", Value(msg)},
               {"current", Value(curr)},
               {"previous", Value(prev)}};
    if (ctx.diff_mode) {
      Map after = prev;
      after.set(*question, Value(*value));
      result.set("diff", Value(Map{{"before", Value(prev)}, {"after", Value(after)}}));
      // As Ansible's callback shows dict diffs: sorted JSON, indent 4.
      JsonStyle style;
      style.indent = 4;
      style.sort_keys = true;
      result.set("_drover_diff", Value(UnifiedDiff(ToJson(Value(prev), style) + "\n",
                                                   ToJson(Value(after), style) + "\n", "", "")));
    } else {
      result.set("diff", Value(Map{}));
    }
    return result;
  }
};

}  // namespace

const Module& DebconfModule() {
  static const Debconf m;
  return m;
}

}  // namespace drover::modules
