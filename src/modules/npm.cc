// npm (community.general.npm) with the host's own npm: one round trip runs
// `npm list --json --long` (and `npm outdated` for state=latest) in `path`,
// the controller decides from them as Ansible's module does (a dependency
// missing or invalid, `name@version` not installed, anything outdated, a
// package to remove), and a second round trip runs `npm install`, `npm
// update` or `npm uninstall` only then. Check mode only queries.
//
// `ci: true` is Ansible's: `npm ci` runs on every run and the task always
// reports changed (Ansible's module never asks npm whether it is needed).
// The registry is the host's npm configuration unless `registry` is given.
// The result has Ansible's only key, `changed` (and cmd/rc/stdout/stderr
// when a command fails).
#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

struct NpmOptions {
  bool global = false, production = false, ignore_scripts = false, unsafe_perm = false;
  bool no_optional = false, no_bin_links = false;
  std::string name_version, registry;
};

// Ansible's Npm._exec: the arguments after the executable for `args`.
std::vector<std::string> NpmArgs(const NpmOptions& o, std::vector<std::string> args,
                                 bool add_package_name) {
  const bool installs = args[0] == "install" || args[0] == "update" || args[0] == "ci";
  if (o.global) args.push_back("--global");
  if (o.production && installs) args.push_back("--production");
  if (o.ignore_scripts) args.push_back("--ignore-scripts");
  if (o.unsafe_perm) args.push_back("--unsafe-perm");
  if (!o.name_version.empty() && add_package_name) args.push_back(o.name_version);
  if (!o.registry.empty()) args.insert(args.end(), {"--registry", o.registry});
  if (o.no_optional) args.push_back("--no-optional");
  if (o.no_bin_links) args.push_back("--no-bin-links");
  return args;
}

std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += " " + ShellQuote(w);
  return out;
}

// Ansible's Npm.list: (installed, missing) from `npm list --json --long`.
Result<std::pair<std::vector<std::string>, std::vector<std::string>>> ParseNpmList(
    const std::string& out, const std::string& name, const std::string& name_version) {
  std::vector<std::string> installed, missing;
  Value data{Map{}};
  if (!out.empty()) {
    Result<Value> parsed = ParseJson(out, "npm list --json");
    if (!parsed) {
      Error e;
      e.message = "Failed to parse NPM output with error " + parsed.error().message;
      return e;
    }
    data = std::move(*parsed);
  }
  const Value* deps = data.is_map() ? data.as_map().find("dependencies") : nullptr;
  if (deps == nullptr) {
    missing.push_back(name);
    return std::pair{installed, missing};
  }
  if (deps->is_map()) {
    for (const auto& [dep, props] : deps->as_map()) {
      const Map empty;
      const Map& p = props.is_map() ? props.as_map() : empty;
      const Value* m = p.find("missing");
      const Value* inv = p.find("invalid");
      if ((m && m->truthy()) || (inv && inv->truthy())) {
        missing.push_back(dep);
        continue;
      }
      installed.push_back(dep);
      const Value* v = p.find("version");
      if (v && v->truthy()) installed.push_back(dep + "@" + (v->is_string() ? v->as_string() : ""));
    }
  }
  if (!name_version.empty() &&
      std::find(installed.begin(), installed.end(), name_version) == installed.end())
    missing.push_back(name);
  return std::pair{installed, missing};
}

class Npm : public Module {
 public:
  std::string_view Name() const override { return "npm"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, false, {}, {}},
        {"path", ArgType::kPath, {}, false, {}, {}},
        {"version", ArgType::kStr, {}, false, {}, {}},
        {"production", ArgType::kBool, Value(false), false, {}, {}},
        {"executable", ArgType::kPath, {}, false, {}, {}},
        {"registry", ArgType::kStr, {}, false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent", "latest"}},
        {"ignore_scripts", ArgType::kBool, Value(false), false, {}, {}},
        {"unsafe_perm", ArgType::kBool, Value(false), false, {}, {}},
        {"ci", ArgType::kBool, Value(false), false, {}, {}},
        {"no_optional", ArgType::kBool, Value(false), false, {}, {}},
        {"no_bin_links", ArgType::kBool, Value(false), false, {}, {}},
        {"global", ArgType::kBool, Value(false), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    auto flag = [&](const char* k) { return args.find(k)->as_bool(); };
    const std::string name = ArgText(args, "name"), path = ArgText(args, "path");
    const std::string version = ArgText(args, "version"), state = ArgText(args, "state");
    const std::string executable = ArgText(args, "executable");
    NpmOptions o{flag("global"),
                 flag("production"),
                 flag("ignore_scripts"),
                 flag("unsafe_perm"),
                 flag("no_optional"),
                 flag("no_bin_links"),
                 name,
                 ArgText(args, "registry")};
    if (!version.empty() && state != "absent" && !name.empty())
      o.name_version = name + "@" + version;
    if (path.empty() && !o.global) return Failed("path must be specified when not using global");
    if (state == "absent" && name.empty())
      return Failed("uninstalling a package is only available for named packages");

    // The executable and the directory, then the queries.
    std::string setup = HostScriptPrelude(false);
    if (!executable.empty()) {
      setup += "NPM=" + ShellQuote(executable) + "\nset -f\nnpm() { $NPM \"$@\"; }\nset +f\n";
    } else {
      setup +=
          "NPM=$(command -v npm) || fail \"Failed to find required executable \\\"npm\\\" in "
          "paths: $PATH\"\nnpm() { \"$NPM\" \"$@\"; }\n";
    }
    if (!path.empty())
      setup += "P=" + ShellQuote(path) +
               "\n[ -e \"$P\" ] || mkdir -p \"$P\" || fail \"cannot create $P\"\n"
               "[ -d \"$P\" ] || fail \"path $P is not a directory\"\ncd \"$P\" || fail \"cannot "
               "enter $P\"\n";
    setup += "field npm \"$NPM\"\n";
    const bool ci = flag("ci");
    std::string query = setup;
    if (!ci) {
      query += "run npm" + Words(NpmArgs(o, {"list", "--json", "--long"}, false)) +
               "\nfield list \"$OUT\"\n";
      if (state == "latest")
        query += "run npm" + Words(NpmArgs(o, {"outdated"}, true)) + "\nfield outdated \"$OUT\"\n";
    }
    Result<connection::ExecResult> r = ctx.Exec(query);
    if (!r) return r.take_error();
    HostFields fields = ParseHostFields(r->stdout_data);
    if (auto f = FieldValue(fields, "fail")) return Failed(*f);
    auto npm = FieldValue(fields, "npm");
    if (!npm) return Failed("npm: the host failed: " + r->stderr_data);

    std::vector<std::vector<std::string>> actions;
    if (ci) {
      actions.push_back(NpmArgs(o, {"ci"}, true));
    } else {
      auto listed = ParseNpmList(FieldValue(fields, "list").value_or(""), name, o.name_version);
      if (!listed) return Failed(listed.error().message);
      const auto& [installed, missing] = *listed;
      if (state == "present" || state == "latest") {
        if (!missing.empty()) actions.push_back(NpmArgs(o, {"install"}, true));
        if (state == "latest" && HasOutdated(FieldValue(fields, "outdated").value_or("")))
          actions.push_back(NpmArgs(o, {"update"}, true));
      } else if (std::find(installed.begin(), installed.end(), name) != installed.end()) {
        actions.push_back(NpmArgs(o, {"uninstall"}, true));
      }
    }
    if (actions.empty()) return Map{{"changed", false}};
    if (ctx.check_mode) return Map{{"changed", true}};

    std::string act = setup;
    for (size_t i = 0; i < actions.size(); ++i)
      act += "run npm" + Words(actions[i]) + "\n[ \"$RC\" = 0 ] || { field step " +
             std::to_string(i) +
             "; field rc \"$RC\"; field stdout \"$OUT\"; field stderr \"$ERR\"; exit 0; }\n";
    act += "field done 1\n";
    r = ctx.Exec(act);
    if (!r) return r.take_error();
    fields = ParseHostFields(r->stdout_data);
    if (auto f = FieldValue(fields, "fail")) return Failed(*f);
    if (auto step = FieldValue(fields, "step")) {
      std::vector<std::string> cmd;
      if (executable.empty()) {
        cmd.push_back(*npm);
      } else {
        for (size_t b = 0; b <= executable.size();) {  // Python's split(' ')
          size_t e = executable.find(' ', b);
          if (e == std::string::npos) e = executable.size();
          cmd.push_back(executable.substr(b, e - b));
          b = e + 1;
        }
      }
      const auto& words = actions[std::stoul(*step)];
      cmd.insert(cmd.end(), words.begin(), words.end());
      std::string err = FieldValue(fields, "stderr").value_or("");
      return Map{
          {"failed", true},
          {"changed", false},
          {"cmd", Value(ShellJoin(cmd))},
          {"rc", Value(static_cast<int64_t>(std::stoll(FieldValue(fields, "rc").value_or("1"))))},
          {"stdout", Value(FieldValue(fields, "stdout").value_or(""))},
          {"stderr", Value(err)},
          {"msg", Value(RStrip(err))}};
    }
    if (!FieldValue(fields, "done")) return Failed("npm: the host failed: " + r->stderr_data);
    return Map{{"changed", true}};
  }

 private:
  // Ansible's list_outdated: any non-empty line of `npm outdated`.
  static bool HasOutdated(const std::string& out) {
    for (size_t b = 0; b < out.size();) {
      size_t e = out.find('\n', b);
      if (e == std::string::npos) e = out.size();
      if (e > b && !(e == b + 1 && out[b] == '\r')) return true;
      b = e + 1;
    }
    return false;
  }
};

}  // namespace

const Module& NpmModule() {
  static const Npm m;
  return m;
}

}  // namespace drover::modules
