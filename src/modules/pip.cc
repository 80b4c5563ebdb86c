// pip (ansible.builtin.pip) with the host's own python/pip, in one round
// trip as Ansible's module works: it creates the virtualenv when
// `virtualenv` has no bin/activate (virtualenv_command, e.g.
// `/usr/bin/python3 -m venv`), finds pip (the venv's pip3/pip, `executable`,
// python3 -m pip.__main__ when the host's python3 has pip, else pip3), and
// runs `pip install|uninstall` with the packages; changed comes from pip's
// "Successfully installed/uninstalled", or for requirements files and VCS
// URLs from `pip list --format=freeze` before and after. Check mode runs
// only `pip list --format=freeze` and decides as Ansible's does (PEP 440
// specifiers: pip_logic.h); like Ansible's, it reports changed whenever
// extra_args, requirements or state=latest are given.
//
// Partial: pip/setuptools versions are not looked up through python when
// only `pip freeze` works (Ansible's _get_package_info).
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/pip_logic.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += " " + ShellQuote(w);
  return out;
}

// Sets P (the pip argv, as positional words in PIPW) or fails as Ansible's
// _get_pip does.
std::string FindPipScript(const std::string& env, const std::string& executable) {
  std::string s = "ENV=" + ShellQuote(env) + "; EXE=" + ShellQuote(executable) + "\n";
  s += R"SH(PIP1= PIP2= PIP3=
if [ -n "$EXE" ]; then
  case $EXE in
    /*) PIP1=$EXE ;;
    *) PIP1=$(command -v "$EXE") || fail "Unable to find any of $EXE to use.  pip needs to be installed." ;;
  esac
elif [ -z "$ENV" ] && PY=$(command -v python3) &&
    "$PY" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("pip") is None)' 2>/dev/null; then
  PIP1=$PY PIP2=-m PIP3=pip.__main__
elif [ -n "$ENV" ]; then
  for b in pip3 pip; do
    if [ -f "$ENV/bin/$b" ] && [ -x "$ENV/bin/$b" ]; then PIP1=$ENV/bin/$b; break; fi
  done
  [ -n "$PIP1" ] || fail "Unable to find pip in the virtualenv, $ENV, under any of these names: pip3, pip. Make sure pip is present in the virtualenv."
else
  PIP1=$(command -v pip3) || fail "Unable to find any of pip3 to use.  pip needs to be installed."
fi
pip_() { "$PIP1" ${PIP2:+"$PIP2"} ${PIP3:+"$PIP3"} "$@"; }
field pip1 "$PIP1"; field pip2 "$PIP2"; field pip3 "$PIP3"
# Ansible's _get_packages: FREEZE, FREEZE_CMD.
get_packages() {
  run env LANG=C.UTF-8 LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8 "$PIP1" ${PIP2:+"$PIP2"} ${PIP3:+"$PIP3"} list --format=freeze
  FREEZE_CMD="$PIP1${PIP2:+ $PIP2}${PIP3:+ $PIP3} list --format=freeze"
  if [ "$RC" != 0 ]; then
    run pip_ freeze
    FREEZE_CMD="$PIP1${PIP2:+ $PIP2}${PIP3:+ $PIP3} freeze"
    [ "$RC" = 0 ] || { field fail_cmd "$FREEZE_CMD"; field out "$OUT"; field err "$ERR"; exit 0; }
  fi
  FREEZE=$OUT FREEZE_ERR=$ERR
}
)SH";
  return s;
}

class Pip : public Module {
 public:
  std::string_view Name() const override { return "pip"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state",
         ArgType::kStr,
         Value("present"),
         false,
         {},
         {"present", "absent", "latest", "forcereinstall"}},
        {"name", ArgType::kList, {}, false, {}, {}},
        {"version", ArgType::kStr, {}, false, {}, {}},
        {"requirements", ArgType::kStr, {}, false, {}, {}},
        {"virtualenv", ArgType::kPath, {}, false, {}, {}},
        {"virtualenv_site_packages", ArgType::kBool, Value(false), false, {}, {}},
        {"virtualenv_command", ArgType::kPath, Value("virtualenv"), false, {}, {}},
        {"virtualenv_python", ArgType::kStr, {}, false, {}, {}},
        {"extra_args", ArgType::kStr, {}, false, {}, {}},
        {"editable", ArgType::kBool, Value(false), false, {}, {}},
        {"chdir", ArgType::kPath, {}, false, {}, {}},
        {"executable", ArgType::kPath, {}, false, {}, {}},
        {"umask", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string state = ArgText(args, "state");
    std::vector<std::string> names;
    const Value* name_value = args.find("name");
    if (name_value && name_value->is_list())
      for (const Value& v : name_value->as_list())
        names.push_back(v.is_string() ? v.as_string() : ArgTextOf(v));
    const bool have_name = name_value && !name_value->is_null();
    const std::optional<std::string> version = OptionalArgText(args, "version");
    const std::optional<std::string> requirements = OptionalArgText(args, "requirements");
    std::optional<std::string> extra_args = OptionalArgText(args, "extra_args");
    std::optional<std::string> chdir = OptionalArgText(args, "chdir");
    std::string env = ArgText(args, "virtualenv");
    const std::string executable = ArgText(args, "executable");
    const std::string umask = ArgText(args, "umask");
    if (!have_name && !requirements)
      return Failed("one of the following is required: name, requirements");
    if (have_name && requirements)
      return Failed("parameters are mutually exclusive: name|requirements");
    if (!executable.empty() && !env.empty())
      return Failed("parameters are mutually exclusive: executable|virtualenv");
    if (!env.empty() && chdir && env[0] != '/') env = *chdir + "/" + env;
    if (!umask.empty() && umask.find_first_not_of("01234567") != std::string::npos)
      return Failed("umask must be an octal integer");
    if (state == "latest" && version) return Failed("version is incompatible with state=latest");
    const std::string cwd = chdir.value_or("");  // "": the host's temporary directory

    // The virtualenv command, as Ansible's setup_virtualenv builds it.
    const std::string venv_command = ArgText(args, "virtualenv_command");
    Result<std::vector<std::string>> venv_words = connection::ShellSplit(venv_command);
    if (!venv_words) return Failed(venv_words.error().message);
    if (venv_words->empty()) return Failed("virtualenv_command is empty");
    const bool is_venv_module = venv_command.find("pyvenv") != std::string::npos ||
                                venv_command.find("-m venv") != std::string::npos;
    const std::string venv_python = ArgText(args, "virtualenv_python");
    const bool site_packages = args.find("virtualenv_site_packages")->as_bool();

    // The packages and pip's arguments.
    bool has_vcs = false;
    std::vector<PipRequirement> packages;
    if (have_name) {
      for (const std::string& n : names)
        for (const char* vcs : {"svn+", "git+", "hg+", "bzr+"})
          if (n.rfind(vcs, 0) == 0) has_vcs = true;
      for (const std::string& n : RecoverPackageNames(names))
        packages.push_back(ParsePipRequirement(n));
      if (version) {
        if (packages.size() > 1)
          return Failed(
              "'version' argument is ambiguous when installing multiple package distributions. "
              "Please specify version restrictions next to each package in 'name' argument.");
        if (packages[0].plain && !packages[0].specs.empty())
          return Failed(
              "The 'version' argument conflicts with any version specifier provided along with a "
              "package name. Please keep the version specifier, but remove the 'version' "
              "argument.");
        packages[0] = ParsePipRequirement(packages[0].text, version);
      }
    }
    if (args.find("editable")->as_bool()) {
      std::vector<std::string> list;
      if (extra_args && !extra_args->empty()) {
        for (size_t b = 0; b <= extra_args->size();) {
          size_t e = extra_args->find(' ', b);
          if (e == std::string::npos) e = extra_args->size();
          list.push_back(extra_args->substr(b, e - b));
          b = e + 1;
        }
      }
      if (std::find(list.begin(), list.end(), "-e") == list.end()) {
        list.push_back("-e");
        std::string joined;
        for (size_t k = 0; k < list.size(); ++k) joined += (k ? " " : "") + list[k];
        extra_args = joined;
      }
    }
    std::vector<std::string> pip_args;
    if (state == "present") pip_args = {"install"};
    if (state == "absent") pip_args = {"uninstall", "-y"};
    if (state == "latest") pip_args = {"install", "-U"};
    if (state == "forcereinstall") pip_args = {"install", "-U", "--force-reinstall"};
    const bool has_extra = extra_args && !extra_args->empty();
    if (has_extra) {
      Result<std::vector<std::string>> w = connection::ShellSplit(*extra_args);
      if (!w) return Failed(w.error().message);
      pip_args.insert(pip_args.end(), w->begin(), w->end());
    }
    if (have_name)
      for (const PipRequirement& p : packages) pip_args.push_back(p.text);
    else
      pip_args.insert(pip_args.end(), {"-r", *requirements});
    const bool check_decides = !(has_extra || requirements || state == "latest" || !have_name);

    // The script.
    std::string s = HostScriptPrelude(false);
    if (!umask.empty()) s += "umask " + umask + "\n";
    s += "CWD=" + ShellQuote(cwd) + "; [ -n \"$CWD\" ] || CWD=${TMPDIR:-/tmp}\n";
    s += "cd \"$CWD\" || fail \"cannot enter the directory $CWD\"\n";
    if (!env.empty()) {
      s += "VOUT= VERR=\nif [ ! -e " + ShellQuote(env + "/bin/activate") +
           " ]; then\n  field venv_created 1\n";
      if (ctx.check_mode) {
        s += "  exit 0\n";
      } else {
        s += "  set --" + Words(*venv_words) + "\n  c0=$1; shift\n";
        s += "  case $c0 in */*) ;; *) c0=$(command -v \"$c0\") || fail \"Failed to find required "
             "executable \\\"$c0\\\" in paths: $PATH\" ;; esac\n";
        if (site_packages) {
          s += "  set -- \"$@\" --system-site-packages\n";
        } else {
          s += "  run \"$c0\" --help\n"
               "  [ \"$RC\" = 0 ] || fail \"Could not get output from $c0 --help: $OUT$ERR\"\n"
               "  printf '%s' \"$OUT\" | tr -s ' \\t\\r' '\\n\\n\\n' | grep -qx -- "
               "--no-site-packages "
               "&& set -- \"$@\" --no-site-packages\n";
        }
        if (!is_venv_module) {
          if (!venv_python.empty())
            s += "  set -- \"$@\" " + ShellQuote("-p" + venv_python) + "\n";
          else
            s += "  PY=$(command -v python3) && set -- \"$@\" \"-p$PY\"\n";
        } else if (!venv_python.empty()) {
          return Failed(
              "virtualenv_python should not be used when using the venv module or pyvenv as "
              "virtualenv_command");
        }
        s += "  set -- \"$c0\" \"$@\" " + ShellQuote(env) + "\n";
        s += "  for w in \"$@\"; do field venv_word \"$w\"; done\n";
        s += "  run \"$@\"; VOUT=$OUT VERR=$ERR\n";
        s +=
            "  [ \"$RC\" = 0 ] || { field venv_failed 1; field out \"$VOUT\"; field err \"$VERR\"; "
            "exit 0; }\n";
      }
      s += "fi\n";
    }
    s += FindPipScript(env, executable);
    if (ctx.check_mode) {
      if (check_decides)
        s += "get_packages\nfield freeze_cmd \"$FREEZE_CMD\"; field out \"$FREEZE\"; field err "
             "\"$FREEZE_ERR\"\n";
    } else {
      const bool compare_freeze = requirements.has_value() || has_vcs;
      if (compare_freeze) s += "get_packages; field before \"$FREEZE\"\n";
      std::string run = "run pip_" + Words(pip_args) + "\n";
      if (!env.empty()) run = "PATH=" + ShellQuote(env + "/bin") + ":$PATH " + run;
      s += run +
           "field rc \"$RC\"; field out \"$VOUT$OUT\"; field err \"$VERR$ERR\"; field pip_out "
           "\"$OUT\"; field pip_err \"$ERR\"\n";
      if (compare_freeze) s += "get_packages; field after \"$FREEZE\"\n";
    }
    s += "field done 1\n";

    Result<connection::ExecResult> r = ctx.Exec(s);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    auto get = [&](const char* k) { return FieldValue(f, k).value_or(""); };
    const bool venv_created = FieldValue(f, "venv_created").has_value();
    if (ctx.check_mode && venv_created) return Map{{"changed", true}};
    if (FieldValue(f, "venv_failed")) {
      List cmd;
      for (const auto& [k, v] : f)
        if (k == "venv_word") cmd.push_back(Value(v));
      return PipFailed(Value(cmd), get("out"), get("err"));
    }
    if (auto fc = FieldValue(f, "fail_cmd")) {
      List cmd;
      for (size_t b = 0; b <= fc->size();) {
        size_t e = fc->find(' ', b);
        if (e == std::string::npos) e = fc->size();
        cmd.push_back(Value(fc->substr(b, e - b)));
        b = e + 1;
      }
      return PipFailed(Value(cmd), get("out"), get("err"));
    }
    if (!FieldValue(f, "done")) return Failed("pip: the host failed: " + r->stderr_data);

    if (ctx.check_mode) {
      if (!check_decides) return Map{{"changed", true}};
      std::vector<std::string> lines;
      const std::string out = get("out");
      for (size_t b = 0; b < out.size();) {
        size_t e = out.find('\n', b);
        if (e == std::string::npos) e = out.size();
        std::string line = out.substr(b, e - b);
        b = e + 1;
        if (!line.empty() && line.rfind("You are using", 0) != 0 &&
            line.rfind("You should consider", 0) != 0)
          lines.push_back(line);
      }
      bool changed = false;
      for (const PipRequirement& p : packages) {
        bool present = PipPackagePresent(p, lines);
        if ((state == "present" && !present) || (state == "absent" && present)) {
          changed = true;
          break;
        }
      }
      return Map{{"changed", changed},
                 {"cmd", Value(get("freeze_cmd"))},
                 {"stdout", Value(out)},
                 {"stderr", Value(get("err"))}};
    }

    List cmd;
    for (const char* k : {"pip1", "pip2", "pip3"})
      if (!get(k).empty()) cmd.push_back(Value(get(k)));
    for (const std::string& a : pip_args) cmd.push_back(Value(a));
    const std::string pip_out = get("pip_out"), pip_err = get("pip_err");
    const std::string rc = get("rc");
    const bool not_installed = pip_out.find("not installed") != std::string::npos ||
                               pip_err.find("not installed") != std::string::npos;
    if (rc != "0" && !(rc == "1" && state == "absent" && not_installed))
      return PipFailed(Value(cmd), get("out"), get("err"));
    bool changed;
    if (state == "absent")
      changed = pip_out.find("Successfully uninstalled") != std::string::npos;
    else if (FieldValue(f, "before"))
      changed = get("before") != get("after");
    else
      changed = pip_out.find("Successfully installed") != std::string::npos;
    Value name_result;
    if (have_name) {
      List l;
      for (const std::string& n : names) l.push_back(Value(n));
      name_result = Value(l);
    }
    return Map{{"changed", changed || venv_created},
               {"cmd", Value(cmd)},
               {"name", name_result},
               {"version", version ? Value(*version) : Value()},
               {"state", Value(state)},
               {"requirements", requirements ? Value(*requirements) : Value()},
               {"virtualenv", env.empty() ? Value() : Value(env)},
               {"stdout", Value(get("out"))},
               {"stderr", Value(get("err"))}};
  }

 private:
  static std::string ArgTextOf(const Value& v) {
    Map m{{"x", v}};
    return ArgText(m, "x");
  }
  // Ansible's _fail.
  static Map PipFailed(Value cmd, const std::string& out, const std::string& err) {
    std::string msg;
    if (!out.empty()) msg += "stdout: " + out;
    if (!err.empty()) msg += "\n:stderr: " + err;
    return Map{{"failed", true}, {"changed", false}, {"cmd", std::move(cmd)}, {"msg", Value(msg)}};
  }
};

}  // namespace

const Module& PipModule() {
  static const Pip m;
  return m;
}

}  // namespace drover::modules
