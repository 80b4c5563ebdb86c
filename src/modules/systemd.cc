// systemd (ansible.builtin.systemd, alias systemd_service) and service
// (ansible.builtin.service on a systemd host, which Ansible runs as the
// systemd module) without Python on the host: one round trip runs
// daemon-reload/daemon-reexec and reads `systemctl show` and
// `systemctl is-enabled`; the mask/enable/start decisions are Ansible's
// (modules/systemd.py), and a second round trip acts only when something
// differs. `status` is the parsed `systemctl show` from before any action,
// as Ansible returns it.
//
// Partial: service only drives systemd hosts (sysvinit, OpenRC, BSD init
// are not implemented: a clear failure); its pattern, runlevel, sleep and
// arguments are ignored as Ansible ignores them for systemd.
#include <sstream>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"
#include "modules/system_logic.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

bool StartsWith(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

Map ParseSystemctlShow(const std::string& text) {
  Map parsed;
  std::string key;
  std::vector<std::string> multival;
  bool in_multi = false;
  for (const std::string& line : Lines(text)) {
    if (!in_multi) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      key = line.substr(0, eq);
      std::string v = line.substr(eq + 1);
      if (StartsWith(key, "Exec")) {
        std::string l = v.substr(std::min(v.size(), v.find_first_not_of(" \t")));
        if (StartsWith(l, "{")) {
          std::string r = v.substr(0, v.find_last_not_of(" \t\r\n") + 1);
          if (r.empty() || r.back() != '}') {
            multival.push_back(v);
            in_multi = true;
            continue;
          }
        }
      }
      parsed.set(key, Value(Strip(v)));
    } else {
      multival.push_back(line);
      std::string r = line.substr(0, line.find_last_not_of(" \t\r\n") + 1);
      if (!r.empty() && r.back() == '}') {
        std::string joined;
        for (size_t i = 0; i < multival.size(); ++i) joined += (i ? "\n" : "") + multival[i];
        parsed.set(key, Value(Strip(joined)));
        multival.clear();
        in_multi = false;
      }
    }
  }
  return parsed;
}

namespace {

// The text between "BEGIN\n" and "\nEND" markers in `out`.
std::string Section(const std::string& out, const std::string& name) {
  const std::string b = "DROVER_" + name + "_BEGIN\n", e = "DROVER_" + name + "_END|";
  size_t at = out.find(b);
  if (at == std::string::npos) return "";
  at += b.size();
  size_t end = out.find(e, at);
  if (end == std::string::npos) return "";
  return out.substr(at, end - at);
}

// The number after "DROVER_<name>_END|" (the command's exit status).
int SectionRc(const std::string& out, const std::string& name) {
  const std::string e = "DROVER_" + name + "_END|";
  size_t at = out.find(e);
  return at == std::string::npos ? -1 : std::atoi(out.c_str() + at + e.size());
}

// Shell text running `cmd` with its stdout (and, with `with_err`, stderr)
// between markers, then its exit status.
std::string Capture(const std::string& name, const std::string& cmd, bool with_err = false) {
  return "echo DROVER_" + name + "_BEGIN; " + cmd + (with_err ? " 2>&1" : " 2>/dev/null") +
         "; printf '\\nDROVER_" + name + "_END|%d\\n' $?\n";
}

// The arguments the systemd logic needs.
struct SystemdArgs {
  Value name;  // null: no unit
  std::string state;
  std::optional<bool> enabled, masked, force;
  bool daemon_reload = false, daemon_reexec = false, no_block = false;
  std::string scope = "system";
  bool require_systemd = false;  // service: fail clearly on other init systems
};

Result<Map> RunSystemd(const SystemdArgs& a, RunContext& ctx) {
  const std::string unit = a.name.is_null() ? "" : a.name.as_string();
  if (unit.empty() && a.state.empty() && !a.enabled && !a.masked && !a.daemon_reload &&
      !a.daemon_reexec)
    return Failed(
        "one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec");
  if (unit.empty() && (!a.state.empty() || a.enabled || a.masked)) {
    const char* which = !a.state.empty() ? "state" : a.enabled ? "enabled" : "masked";
    return Failed(std::string("missing parameter(s) required by '") + which + "': name");
  }
  for (const char* g : {"*", "?", "["}) {
    if (unit.find(g) != std::string::npos)
      return Failed("This module does not currently support using glob patterns, found '" +
                    std::string(g) + "' in service name: " + unit);
  }
  std::string sc = "systemctl";
  if (a.scope != "system") sc += " --" + a.scope;
  if (a.no_block) sc += " --no-block";
  if (a.force && *a.force) sc += " --force";
  const std::string u = ShellQuote(unit);
  const bool check = ctx.check_mode;

  std::string q =
      "export XDG_RUNTIME_DIR=\"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}\"\n"
      "command -v systemctl >/dev/null 2>&1 || { echo DROVER_NO_SYSTEMCTL; exit 0; }\n";
  if (a.require_systemd)
    q += "[ -d /run/systemd/system ] || { echo DROVER_NOT_SYSTEMD; exit 0; }\n";
  if (a.daemon_reload && !check)
    q += "__e=$(" + sc +
         " daemon-reload 2>&1) || { printf 'DROVER_FAIL|%d\\n%s\\n' $? \"$__e\"; echo "
         "DROVER_RELOAD; exit 0; }\n";
  if (a.daemon_reexec && !check)
    q += "__e=$(" + sc +
         " daemon-reexec 2>&1) || { printf 'DROVER_FAIL|%d\\n%s\\n' $? \"$__e\"; echo "
         "DROVER_REEXEC; exit 0; }\n";
  if (!unit.empty()) {
    q += "[ -e " + ShellQuote(unit[0] == '/' ? unit : "/etc/init.d/" + unit) +
         " ] && echo DROVER_INITD\n"
         "for __f in /etc/rc?.d/S??" +
         ShellQuote(unit) + "; do [ -e \"$__f\" ] && { echo DROVER_SYSV_ENABLED; break; }; done\n" +
         Capture("SHOW", sc + " show " + u, true) + Capture("ISENABLED", sc + " is-enabled " + u) +
         Capture("ISENABLEDL", sc + " is-enabled " + u + " -l") +
         Capture("LISTFILES", sc + " list-unit-files " + u + " >/dev/null");
  }
  Result<connection::ExecResult> r = ctx.Exec(q);
  if (!r) return r.take_error();
  const std::string& out = r->stdout_data;
  if (out.find("DROVER_NO_SYSTEMCTL") != std::string::npos)
    return Failed("Failed to find required executable \"systemctl\" on the host");
  if (out.find("DROVER_NOT_SYSTEMD") != std::string::npos)
    return Failed(
        "service: this host is not managed by systemd; drover's service module drives only "
        "systemd yet");
  if (size_t at = out.find("DROVER_FAIL|"); at != std::string::npos) {
    int rc = std::atoi(out.c_str() + at + 12);
    size_t nl = out.find('\n', at);
    size_t end = out.rfind("\nDROVER_");
    std::string err = out.substr(nl + 1, end > nl ? end - nl - 1 : 0);
    const char* what = out.find("DROVER_RELOAD") != std::string::npos ? "reload" : "reexec";
    return Failed("failure " + std::to_string(rc) + " during daemon-" + what + ": " + err);
  }

  Map result{{"name", a.name}, {"changed", false}, {"status", Value(Map{})}};
  if (unit.empty()) return result;

  const bool is_initd = out.find("DROVER_INITD") != std::string::npos;
  bool is_systemd = false;
  Map status;
  const std::string show = Section(out, "SHOW");
  const int show_rc = SectionRc(out, "SHOW");
  auto ignored = [](const std::string& s) {
    return s.find('=') == std::string::npos && (s.find("ignoring request") != std::string::npos ||
                                                s.find("ignoring command") != std::string::npos);
  };
  const std::string isenabled = Strip(Section(out, "ISENABLED"));
  if (show_rc == 0 && !ignored(show)) {
    if (!show.empty()) {
      status = ParseSystemctlShow(show);
      const Value* ls = status.find("LoadState");
      is_systemd = ls && ls->as_string() != "not-found";
      const bool is_masked = ls && ls->as_string() == "masked";
      if (is_systemd && !is_masked) {
        if (const Value* le = status.find("LoadError"))
          return Failed("Error loading unit file '" + unit + "': " + le->as_string());
      }
    }
  } else {
    static const char* valid[] = {"enabled",  "enabled-runtime", "linked",   "linked-runtime",
                                  "masked",   "masked-runtime",  "static",   "indirect",
                                  "disabled", "generated",       "transient"};
    for (const char* v : valid)
      if (isenabled == v) is_systemd = true;
    if (!is_systemd && SectionRc(out, "LISTFILES") == 0) is_systemd = true;
  }
  result.set("status", Value(status));
  const bool found = is_systemd || is_initd;
  auto missing = [&]() {
    return Failed("Could not find the requested service " + unit + ": host");
  };

  // masked: decided now; acted on at once when it changes (enabled is read
  // again after it, as Ansible does).
  std::string isenabled_l = Section(out, "ISENABLEDL");
  int isenabled_l_rc = SectionRc(out, "ISENABLEDL");
  if (a.masked) {
    const bool masked = isenabled == "masked";
    if (masked != *a.masked) {
      result.set("changed", true);
      if (!check) {
        std::string s = sc + (*a.masked ? " mask " : " unmask ") + u +
                        " >/dev/null 2>&1 || echo DROVER_MASK_FAILED\n" +
                        Capture("ISENABLEDL", sc + " is-enabled " + u + " -l");
        Result<connection::ExecResult> m = ctx.Exec(s);
        if (!m) return m.take_error();
        if (m->stdout_data.find("DROVER_MASK_FAILED") != std::string::npos && !found)
          return missing();
        isenabled_l = Section(m->stdout_data, "ISENABLEDL");
        isenabled_l_rc = SectionRc(m->stdout_data, "ISENABLEDL");
      }
    }
  }

  std::string act;
  std::string enable_action, state_action;
  if (a.enabled) {
    if (!found) return missing();
    bool enabled = false;
    std::vector<std::string> lines = Lines(isenabled_l);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (isenabled_l_rc == 0) {
      enabled = !(lines.size() == 1 && (lines[0] == "indirect" || lines[0] == "alias"));
    } else if (isenabled_l_rc == 1) {
      std::string s = Strip(isenabled_l);
      const bool ends_disabled = s.size() >= 8 && s.compare(s.size() - 8, 8, "disabled") == 0;
      if (a.scope == "system" && is_initd && !ends_disabled &&
          out.find("DROVER_SYSV_ENABLED") != std::string::npos)
        enabled = true;
    }
    result.set("enabled", enabled);
    if (enabled != *a.enabled) {
      result.set("changed", true);
      enable_action = *a.enabled ? "enable" : "disable";
      result.set("enabled", !enabled);
    }
  }
  if (!a.state.empty()) {
    if (!found) return missing();
    result.set("state", Value(a.state));
    const Value* as = status.find("ActiveState");
    if (!as) {
      Map f = Failed("Service is in unknown state");
      f.set("status", Value(status));
      return f;
    }
    const std::string active = as->as_string();
    const bool running = active == "active" || active == "activating";
    if (a.state == "started") {
      if (!running) state_action = "start";
    } else if (a.state == "stopped") {
      if (running || active == "deactivating") state_action = "stop";
    } else {
      state_action = running ? a.state.substr(0, a.state.size() - 2) : "start";
      result.set("state", "started");
    }
    if (!state_action.empty()) result.set("changed", true);
  }
  if (check || (enable_action.empty() && state_action.empty())) return result;

  std::string s;
  if (!enable_action.empty())
    s += "__eo=$(" + sc + " " + enable_action + " " + u +
         " 2>&1); __erc=$?\n"
         "printf 'DROVER_ENABLE_BEGIN\\n%s\\nDROVER_ENABLE_END|%d\\n' \"$__eo\" $__erc\n"
         "[ $__erc -eq 0 ] || exit 0\n";
  if (!state_action.empty()) {
    s += "__e=$(" + sc + " " + state_action + " " + u +
         " 2>&1 >/dev/null); printf 'DROVER_STATE_RC|%d\\n' $?; printf "
         "'DROVER_STATE_ERR_BEGIN\\n%s\\nDROVER_STATE_ERR_END|0\\n' \"$__e\"\n";
  }
  Result<connection::ExecResult> done = ctx.Exec(s);
  if (!done) return done.take_error();
  const std::string& o = done->stdout_data;
  if (!enable_action.empty() && SectionRc(o, "ENABLE") != 0)
    return Failed("Unable to " + enable_action + " service " + unit + ": " + Section(o, "ENABLE"));
  if (!state_action.empty()) {
    size_t at = o.find("DROVER_STATE_RC|");
    int rc = at == std::string::npos ? -1 : std::atoi(o.c_str() + at + 16);
    if (rc != 0) {
      std::string err = Section(o, "STATE_ERR");
      if (!err.empty() && err.back() == '\n') err.pop_back();
      return Failed("Unable to " + state_action + " service " + unit + ": " + err + "\n");
    }
  }
  return result;
}

std::optional<bool> OptBool(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return v->as_bool();
}

class Systemd : public Module {
 public:
  explicit Systemd(std::string_view name) : name_(name) {}
  std::string_view Name() const override { return name_; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, false, {"service", "unit"}, {}},
        {"state", ArgType::kStr, {}, false, {}, {"reloaded", "restarted", "started", "stopped"}},
        {"enabled", ArgType::kBool, {}, false, {}, {}},
        {"force", ArgType::kBool, {}, false, {}, {}},
        {"masked", ArgType::kBool, {}, false, {}, {}},
        {"daemon_reload", ArgType::kBool, Value(false), false, {"daemon-reload"}, {}},
        {"daemon_reexec", ArgType::kBool, Value(false), false, {"daemon-reexec"}, {}},
        {"scope", ArgType::kStr, Value("system"), false, {}, {"system", "user", "global"}},
        {"no_block", ArgType::kBool, Value(false), false, {}, {}},
    };
    return spec;
  }
  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    SystemdArgs a;
    a.name = *args.find("name");
    a.state = ArgText(args, "state");
    a.enabled = OptBool(args, "enabled");
    a.masked = OptBool(args, "masked");
    a.force = OptBool(args, "force");
    a.daemon_reload = args.find("daemon_reload")->as_bool();
    a.daemon_reexec = args.find("daemon_reexec")->as_bool();
    a.no_block = args.find("no_block")->as_bool();
    a.scope = ArgText(args, "scope");
    return RunSystemd(a, ctx);
  }

 private:
  std::string_view name_;
};

// service: Ansible's service action picks the host's service manager; on
// systemd it runs the systemd module with name/state/enabled.
class Service : public Module {
 public:
  std::string_view Name() const override { return "service"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"state", ArgType::kStr, {}, false, {}, {"reloaded", "restarted", "started", "stopped"}},
        {"sleep", ArgType::kInt, {}, false, {}, {}},
        {"pattern", ArgType::kStr, {}, false, {}, {}},
        {"enabled", ArgType::kBool, {}, false, {}, {}},
        {"runlevel", ArgType::kStr, Value("default"), false, {}, {}},
        {"arguments", ArgType::kStr, Value(""), false, {"args"}, {}},
        {"use", ArgType::kStr, Value("auto"), false, {}, {}},
    };
    return spec;
  }
  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string use = ArgText(args, "use");
    if (use != "auto" && use != "systemd")
      return Failed("service: use=" + use + " is not implemented by drover (only systemd)");
    SystemdArgs a;
    a.name = *args.find("name");
    a.state = ArgText(args, "state");
    a.enabled = OptBool(args, "enabled");
    a.require_systemd = true;
    if (a.state.empty() && !a.enabled)
      return Failed("one of the following is required: state, enabled");
    return RunSystemd(a, ctx);
  }
};

}  // namespace

const Module& SystemdModule() {
  static const Systemd m("systemd");
  return m;
}

const Module& SystemdServiceModule() {
  static const Systemd m("systemd_service");
  return m;
}

const Module& ServiceModule() {
  static const Service m;
  return m;
}

}  // namespace drover::modules
