// git_config (community.general.git_config): one round trip reads the
// setting (git config --includes [--SCOPE|-f FILE] NAME, run from / or the
// repository, in the C locale) and, outside check mode, sets or unsets it
// only when it differs, as Ansible's module decides; list_all lists the
// scope's settings. Results are Ansible's: changed, msg, config_value(s),
// and a diff whose headers are the git command line.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string RStrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string Words(const std::vector<std::string>& words, bool quoted) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + (quoted ? ShellQuote(w) : w);
  return out;
}

class GitConfig : public Module {
 public:
  std::string_view Name() const override { return "git_config"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"list_all", ArgType::kBool, Value(false), false, {}, {}},
        {"name", ArgType::kStr, {}, false, {}, {}},
        {"repo", ArgType::kPath, {}, false, {}, {}},
        {"file", ArgType::kPath, {}, false, {}, {}},
        {"scope", ArgType::kStr, {}, false, {}, {"file", "local", "global", "system"}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"value", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const bool list_all = args.find("list_all")->as_bool();
    const std::string name = ArgText(args, "name");
    const std::optional<std::string> repo = OptionalArgText(args, "repo");
    std::string scope = ArgText(args, "scope");
    const bool unset = ArgText(args, "state") == "absent";
    if (list_all && !name.empty())
      return Failed("parameters are mutually exclusive: list_all|name");
    if (list_all && OptionalArgText(args, "value"))
      return Failed("parameters are mutually exclusive: list_all|value");
    if (!list_all && name.empty())
      return Failed("one of the following is required: list_all, name");
    if (scope == "local" && !repo)
      return Failed("scope is local but all of the following are missing: repo");
    if (scope == "file" && !OptionalArgText(args, "file"))
      return Failed("scope is file but all of the following are missing: file");
    if (scope.empty() && !list_all) scope = "system";
    const std::string new_value = unset ? "" : ArgText(args, "value");

    std::vector<std::string> cmd = {"git", "config", "--includes"};
    if (list_all) cmd.push_back("-l");
    if (scope == "file") {
      cmd.push_back("-f");
      cmd.push_back(ArgText(args, "file"));
    } else if (!scope.empty()) {
      cmd.push_back("--" + scope);
    }
    if (!name.empty()) cmd.push_back(name);
    const std::string dir = (scope == "local" || (list_all && repo)) ? *repo : "/";

    // Read, and (outside check mode) write only when the value differs.
    std::string script =
        "command -v git >/dev/null 2>&1 || { echo DROVER_NO_GIT; exit 0; }\n"
        "export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C\n"
        "cd " +
        ShellQuote(dir) +
        " || exit 1\n__gp=$(command -v git)\n"
        "printf 'DROVER_GIT|%s\\n' \"$__gp\"\n"
        "__ef=$(mktemp) || exit 1\n"
        "__o=$(" +
        Words(cmd, true) +
        " 2>\"$__ef\"); __rc=$?\n"
        "printf 'DROVER_RC|%s\\n' \"$__rc\"\n"
        "printf 'DROVER_ERR|%s\\n' \"$(tr '\\n' '\\001' <\"$__ef\")\"; rm -f \"$__ef\"\n"
        "printf 'DROVER_OUT\\n%s\\n' \"$__o\"\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_NO_GIT", 0) == 0)
      return Failed("Failed to find required executable \"git\" on the host");
    if (r->exit_status != 0) return Failed("git_config: cannot use " + dir + ": " + r->stderr_data);
    const std::string git = TaggedLine(out, "DROVER_GIT").value_or("git");
    const int rc = std::atoi(TaggedLine(out, "DROVER_RC").value_or("0").c_str());
    std::string err = TaggedLine(out, "DROVER_ERR").value_or("");
    for (char& c : err)
      if (c == '\001') c = '\n';
    const size_t at = out.find("DROVER_OUT\n");
    std::string value_out = at == std::string::npos ? "" : out.substr(at + 11);
    if (!value_out.empty()) value_out.pop_back();  // the printf's newline
    cmd[0] = git;

    if (list_all && !scope.empty() && rc == 128 &&
        err.find("unable to read config file") != std::string::npos)
      return Map{{"changed", false}, {"msg", Value("")}, {"config_values", Value(Map{})}};
    if (rc >= 2) {
      Map f = Failed(err);
      f.set("rc", rc);
      f.set("cmd", Value(Words(cmd, false)));
      return f;
    }
    if (list_all) {
      Map values;
      for (const Value& l : SplitLines(RStrip(value_out))) {
        const std::string& s = l.as_string();
        size_t eq = s.find('=');
        if (eq == std::string::npos) return Failed("cannot parse git config line: " + s);
        values.set(s.substr(0, eq), Value(s.substr(eq + 1)));
      }
      return Map{{"changed", false}, {"msg", Value("")}, {"config_values", Value(values)}};
    }
    if (new_value.empty() && !unset)
      return Map{
          {"changed", false}, {"msg", Value("")}, {"config_value", Value(RStrip(value_out))}};
    if (unset && value_out.empty())
      return Map{{"changed", false}, {"msg", Value("no setting to unset")}};
    const std::string old_value = RStrip(value_out);
    if (!unset && old_value == new_value) return Map{{"changed", false}, {"msg", Value("")}};

    if (!ctx.check_mode) {
      std::vector<std::string> write = cmd;
      if (unset)
        write.insert(write.end() - 1, "--unset");
      else
        write.push_back(new_value);
      Result<connection::ExecResult> w =
          ctx.Exec("export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C\ncd " + ShellQuote(dir) +
                   " || exit 1\n" + Words(write, true));
      if (!w) return w.take_error();
      if (!w->stderr_data.empty()) {
        Map f = Failed(w->stderr_data);
        f.set("rc", w->exit_status);
        List c;
        for (const std::string& s : write) c.push_back(Value(s));
        f.set("cmd", Value(c));
        return f;
      }
      if (unset) cmd = write;
    }
    const std::string header = Words(cmd, false);
    Map diff{{"before_header", Value(header)},
             {"before", Value(old_value + "\n")},
             {"after_header", Value(header)},
             {"after", Value(new_value + "\n")}};
    Map result{{"msg", Value("setting changed")}, {"diff", Value(diff)}, {"changed", true}};
    if (ctx.diff_mode)
      result.set("_drover_diff",
                 Value(UnifiedDiff(old_value + "\n", new_value + "\n", header, header)));
    return result;
  }
};

}  // namespace

const Module& GitConfigModule() {
  static const GitConfig m;
  return m;
}

}  // namespace drover::modules
