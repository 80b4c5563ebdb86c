// django_manage (community.general.django_manage): runs `./manage.py
// COMMAND ...` in the project directory with the host's own python (the
// virtualenv's bin first on PATH when given), in one round trip. The
// command line is built as the module builds it (--noinput for the commands
// that need it, --settings/--pythonpath/--database, the boolean flags, then
// apps/cache_table/fixtures at the end), and `changed` is decided from the
// output lines exactly as the module's *_filter_output / *_check_changed
// functions decide (migrate: a line with "Applying", "Migrating forwards "
// or "Installed N object(s)"). A missing virtualenv is created with the
// host's `virtualenv`, as the module (deprecated) still does. The module
// does not support check mode: the task is skipped, as Ansible skips it.
#include <algorithm>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

bool Contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

bool InstalledObjects(const std::string& line) {
  return Contains(line, "Installed") && !Contains(line, "Installed 0 object");
}

// The module's <command>_filter_output: a line that shows a change.
bool LineShowsChange(const std::string& command, const std::string& line) {
  if (command == "flush" || command == "loaddata") return InstalledObjects(line);
  if (command == "syncdb") return Contains(line, "Creating table ") || InstalledObjects(line);
  if (command == "migrate")
    return Contains(line, "Migrating forwards ") || InstalledObjects(line) ||
           Contains(line, "Applying");
  if (command == "collectstatic") return !line.empty() && !Contains(line, "0 static files");
  return false;
}

bool OutputShowsChange(const std::string& command, const std::string& out) {
  if (command == "createcachetable") return !Contains(out, "already exists");
  size_t at = 0;
  while (true) {  // Python's out.split('\n')
    size_t nl = out.find('\n', at);
    if (LineShowsChange(command, out.substr(at, nl == std::string::npos ? nl : nl - at)))
      return true;
    if (nl == std::string::npos) return false;
    at = nl + 1;
  }
}

// The parameters each known command accepts (command_allowed_param_map).
const std::vector<std::string>* AllowedParams(const std::string& command) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> allowed = {
      {"cleanup", {}},
      {"createcachetable", {"cache_table", "database"}},
      {"flush", {"database"}},
      {"loaddata", {"database", "fixtures"}},
      {"syncdb", {"database"}},
      {"test", {"failfast", "testrunner", "apps"}},
      {"validate", {}},
      {"migrate", {"apps", "skip", "merge", "database"}},
      {"collectstatic", {"clear", "link"}},
  };
  for (const auto& [name, params] : allowed)
    if (name == command) return &params;
  return nullptr;
}

bool Truthy(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  return !ArgText(args, key).empty();
}

// Variables: V (virtualenv or empty), D (project path); the command line
// follows as "$@".
constexpr const char* kDjangoScript = R"SH(
if [ -n "$V" ]; then
  if [ ! -e "$V/bin/activate" ]; then
    command -v virtualenv >/dev/null 2>&1 ||
      fail "Failed to find required executable \"virtualenv\" in paths: $PATH"
    run virtualenv "$V"
    if [ "$RC" != 0 ]; then field venv_out "$OUT"; field venv_err "$ERR"; field venv_failed 1; exit 0; fi
    field venv_created 1
  fi
  PATH="$V/bin:$PATH"; VIRTUAL_ENV=$V; export PATH VIRTUAL_ENV
fi
cd "$D" 2>/dev/null || fail "Unable to change directory before execution: [Errno 2] No such file or directory: '$D'"
run "$@"
field rc "$RC"; field out "$OUT"; field err "$ERR"; field path "$PATH"
)SH";

class DjangoManage : public Module {
 public:
  std::string_view Name() const override { return "django_manage"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"command", ArgType::kStr, {}, true, {}, {}},
        {"project_path", ArgType::kPath, {}, true, {"app_path", "chdir"}, {}},
        {"settings", ArgType::kPath, {}, false, {}, {}},
        {"pythonpath", ArgType::kPath, {}, false, {"python_path"}, {}},
        {"virtualenv", ArgType::kPath, {}, false, {"virtual_env"}, {}},
        {"apps", ArgType::kStr, {}, false, {}, {}},
        {"cache_table", ArgType::kStr, {}, false, {}, {}},
        {"clear", ArgType::kBool, Value(false), false, {}, {}},
        {"database", ArgType::kStr, {}, false, {}, {}},
        {"failfast", ArgType::kBool, Value(false), false, {"fail_fast"}, {}},
        {"fixtures", ArgType::kStr, {}, false, {}, {}},
        {"testrunner", ArgType::kStr, {}, false, {"test_runner"}, {}},
        {"skip", ArgType::kBool, {}, false, {}, {}},
        {"merge", ArgType::kBool, {}, false, {}, {}},
        {"link", ArgType::kBool, {}, false, {}, {}},
        {"ack_venv_creation_deprecation", ArgType::kBool, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (ctx.check_mode)
      return Map{
          {"changed", false},
          {"msg", "remote module (community.general.django_manage) does not support check mode"},
          {"skipped", true}};
    Result<std::vector<std::string>> split = connection::ShellSplit(ArgText(args, "command"));
    if (!split) return Failed("django_manage: command: " + split.error().message);
    if (split->empty()) return Failed("django_manage: command is empty");
    const std::string command = split->front();
    const std::vector<std::string>* allowed = AllowedParams(command);
    for (const char* param : {"apps", "clear", "database", "failfast", "fixtures", "testrunner"}) {
      if (!Truthy(args, param)) continue;
      if (!allowed || std::find(allowed->begin(), allowed->end(), param) == allowed->end())
        return Failed(std::string(param) + " param is incompatible with command=" + command);
    }
    if (command == "loaddata" && !Truthy(args, "fixtures"))
      return Failed("fixtures param is required for command=loaddata");

    std::vector<std::string> argv{"./manage.py"};
    argv.insert(argv.end(), split->begin(), split->end());
    static const std::vector<std::string> noinput = {"flush", "syncdb", "migrate", "test",
                                                     "collectstatic"};
    if (std::find(noinput.begin(), noinput.end(), command) != noinput.end() &&
        std::find(split->begin(), split->end(), "--noinput") == split->end())
      argv.push_back("--noinput");
    for (const char* param : {"settings", "pythonpath", "database"})
      if (Truthy(args, param))
        argv.push_back(std::string("--") + param + "=" + ArgText(args, param));
    for (const char* param : {"clear", "failfast", "skip", "merge", "link"})
      if (Truthy(args, param)) argv.push_back(std::string("--") + param);
    for (const char* param : {"apps", "cache_table", "fixtures"}) {
      if (!Truthy(args, param)) continue;
      if (std::string(param) == "cache_table") {
        argv.push_back(ArgText(args, param));
        continue;
      }
      Result<std::vector<std::string>> words = connection::ShellSplit(ArgText(args, param));
      if (!words)
        return Failed(std::string("django_manage: ") + param + ": " + words.error().message);
      argv.insert(argv.end(), words->begin(), words->end());
    }

    const std::string project = ArgText(args, "project_path");
    const std::string venv = ArgText(args, "virtualenv");
    std::string s = HostScriptPrelude(false);
    s += "V=" + ShellQuote(venv) + "; D=" + ShellQuote(project) + "\nset -- " + ShellJoin(argv) +
         "\n" + kDjangoScript;
    Result<connection::ExecResult> r = ctx.Exec(s);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    List cmd;
    for (const std::string& word : argv) cmd.push_back(Value(word));
    if (FieldValue(f, "venv_failed")) {
      List vcmd{Value("virtualenv"), Value(venv)};
      return FailWith(vcmd, FieldValue(f, "venv_out").value_or(""),
                      FieldValue(f, "venv_err").value_or(""));
    }
    auto rc = FieldValue(f, "rc");
    if (!rc) return Failed("django_manage: the host failed: " + RStrip(r->stderr_data));
    std::string out = FieldValue(f, "out").value_or("");
    const std::string err = FieldValue(f, "err").value_or("");
    if (*rc != "0") {
      if (command == "createcachetable" && Contains(err, "table") &&
          Contains(err, "already exists")) {
        out = "already exists.";
      } else if (Contains(err, "Unknown command:")) {
        return FailWith(cmd, err, "Unknown django command: " + command);
      } else {
        Map failed = FailWith(cmd, out, err);
        failed.set("path", Value(FieldValue(f, "path").value_or("")));
        return failed;
      }
    }
    auto optional = [&](const char* key) {
      std::optional<std::string> v = OptionalArgText(args, key);
      return v ? Value(*v) : Value();
    };
    Map result{{"changed", OutputShowsChange(command, out)},
               {"out", Value(out)},
               {"cmd", Value(cmd)},
               {"app_path", Value(project)},
               {"project_path", Value(project)},
               {"virtualenv", optional("virtualenv")},
               {"settings", optional("settings")},
               {"pythonpath", optional("pythonpath")}};
    if (FieldValue(f, "venv_created") && !Truthy(args, "ack_venv_creation_deprecation"))
      result.set("deprecations",
                 Value(List{Value(Map{
                     {"msg",
                      "The behavior of \"creating the virtual environment when missing\" is being "
                      "deprecated and will be removed in community.general version 9.0.0. Set the "
                      "module parameter `ack_venv_creation_deprecation: true` to prevent this "
                      "message from showing up when creating a virtualenv."},
                     {"version", "9.0.0"},
                     {"collection_name", "community.general"}})}));
    return result;
  }

 private:
  // The module's _fail: msg from stdout and stderr, with the command.
  static Map FailWith(const List& cmd, const std::string& out, const std::string& err) {
    std::string msg;
    if (!out.empty()) msg += "stdout: " + out;
    if (!err.empty()) msg += "\n:stderr: " + err;
    Map failed = Failed(msg);
    failed.set("cmd", Value(cmd));
    return failed;
  }
};

}  // namespace

const Module& DjangoManageModule() {
  static const DjangoManage m;
  return m;
}

}  // namespace drover::modules
