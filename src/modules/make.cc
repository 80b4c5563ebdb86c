// make (community.general.make): one round trip asks `make -q` whether the
// target is up to date and, outside check mode, runs make only when it is
// not, as Ansible's module does (gmake preferred over make). Results are
// Ansible's: changed, stdout, stderr (trailing newlines stripped), target,
// params, chdir, file, jobs, command.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string StripNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Python's str() of a params value.
std::string PyStr(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_int()) return std::to_string(v.as_int());
  return ArgText(Map{{"v", v}}, "v");
}

class Make : public Module {
 public:
  std::string_view Name() const override { return "make"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"target", ArgType::kStr, {}, false, {}, {}}, {"params", ArgType::kDict, {}, false, {}, {}},
        {"chdir", ArgType::kPath, {}, true, {}, {}},  {"file", ArgType::kPath, {}, false, {}, {}},
        {"make", ArgType::kPath, {}, false, {}, {}},  {"jobs", ArgType::kInt, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string chdir = ArgText(args, "chdir");
    std::vector<std::string> rest;  // after the make path
    if (const Value* j = args.find("jobs"); j && !j->is_null()) {
      rest.push_back("-j");
      rest.push_back(std::to_string(j->as_int()));
    }
    if (std::optional<std::string> f = OptionalArgText(args, "file")) {
      rest.push_back("-f");
      rest.push_back(*f);
    }
    if (std::optional<std::string> t = OptionalArgText(args, "target")) rest.push_back(*t);
    const Value* params = args.find("params");
    if (params && params->is_map())
      for (const auto& [k, v] : params->as_map()) rest.push_back(k + "=" + PyStr(v));
    std::string words;
    for (const std::string& w : rest) words += " " + ShellQuote(w);

    std::string script =
        "__mk=" +
        (OptionalArgText(args, "make") ? ShellQuote(ArgText(args, "make"))
                                       : std::string("$(command -v gmake || command "
                                                     "-v make)")) +
        "\n[ -n \"$__mk\" ] || { echo DROVER_NO_MAKE; exit 0; }\n"
        "printf 'DROVER_MAKE|%s\\n' \"$__mk\"\n"
        "cd " +
        ShellQuote(chdir) +
        " || exit 1\n"
        "__o=$(mktemp) && __e=$(mktemp) || exit 1\n"
        "\"$__mk\"" +
        words + " -q >\"$__o\" 2>\"$__e\"; __rc=$?\n";
    if (!ctx.check_mode)
      script += "if [ $__rc -ne 0 ]; then echo DROVER_RAN; \"$__mk\"" + words +
                " >\"$__o\" 2>\"$__e\"; __rc=$?; fi\n";
    script +=
        "printf 'DROVER_RC|%s\\n' $__rc; echo DROVER_OUT; cat \"$__o\"; echo DROVER_ERR; cat "
        "\"$__e\"; rm -f \"$__o\" \"$__e\"\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_NO_MAKE", 0) == 0)
      return Failed("Failed to find required executable \"make\" on the host");
    if (r->exit_status != 0)
      return Failed("make: cannot change to " + chdir + ": " + r->stderr_data);
    const std::string make = TaggedLine(out, "DROVER_MAKE").value_or("make");
    const int rc = std::atoi(TaggedLine(out, "DROVER_RC").value_or("0").c_str());
    const bool ran = out.find("DROVER_RAN\n") != std::string::npos;
    const size_t o = out.find("DROVER_OUT\n"), e = out.find("DROVER_ERR\n", o);
    const std::string stdout_text = StripNewlines(out.substr(o + 11, e - o - 11));
    const std::string stderr_text = StripNewlines(out.substr(e + 11));
    std::string command = ShellQuote(make);
    for (const std::string& w : rest) command += " " + ShellQuote(w);
    if (ran && rc != 0) {
      Map f = Failed(stderr_text);
      f.set("rc", rc);
      f.set("stdout", Value(stdout_text));
      f.set("stderr", Value(stderr_text));
      f.set("cmd", Value(command));
      return f;
    }
    Map result{{"changed", ctx.check_mode ? rc != 0 : ran},
               {"failed", false},
               {"stdout", Value(stdout_text)},
               {"stderr", Value(stderr_text)},
               {"command", Value(command)}};
    for (const char* k : {"target", "params", "chdir", "file", "jobs"})
      result.set(k, *args.find(k));
    return result;
  }
};

}  // namespace

const Module& MakeModule() {
  static const Make m;
  return m;
}

}  // namespace drover::modules
