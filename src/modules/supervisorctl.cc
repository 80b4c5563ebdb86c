// supervisorctl (community.general.supervisorctl) with the host's own
// supervisorctl: one round trip reads `supervisorctl status` (after
// `update` for state=restarted), the controller decides exactly as
// Ansible's module does from the status lines, and a second round trip
// acts (reread/add, reread/remove, start, stop, restart, signal) only when
// something differs. Check mode only queries (Ansible's runs `update` for
// restarted even in check mode; drover does not).
//
// The password never reaches a command line: each round trip copies the
// effective configuration (`config`, else the first file of supervisorctl's
// own search path) into a 0600 temporary file whose [supervisorctl]
// section gets the password, read from stdin, and removes it before the
// round trip ends. Results report `cmd` as Ansible's would (`-p '********'`).
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// One supervisorctl invocation of the acting round trip.
struct Step {
  std::vector<std::string> words;  // after the common arguments
  bool check_rc = false;           // fail on a non-zero exit (run_command's check_rc)
  std::string expect;              // the text its output must contain ("" = any)
};

struct Common {
  std::string path;  // supervisorctl_path, "" = from PATH
  std::string config, server_url, username;
  std::optional<std::string> password;
};

// Shell text setting SV (the executable) and the function `sv ARGS...`,
// which runs supervisorctl with the common arguments. With a password, the
// configuration goes to a 0600 file in $T (removed at exit) with the
// password, read from stdin, last in its [supervisorctl] section.
std::string SupervisorctlSetup(const Common& c) {
  std::string s;
  if (!c.path.empty()) {
    s += "SV=" + ShellQuote(c.path) + "\n";
    s += "[ -f \"$SV\" ] && [ -x \"$SV\" ] || fail \"Provided path to supervisorctl does not exist "
         "or isn't executable: $SV\"\n";
  } else {
    s += "SV=$(command -v supervisorctl) || fail \"Failed to find required executable "
         "\\\"supervisorctl\\\" in paths: $PATH\"\n";
  }
  std::string opts;
  if (c.password) {
    s += "IFS= read -r PW || [ -n \"$PW\" ]\n";
    if (!c.config.empty()) {
      s += "CONF=" + ShellQuote(c.config) + "\n";
    } else {
      // supervisorctl's search path (supervisor.options.Options.searchpaths).
      s += "d=$(dirname \"$SV\"); CONF=\n"
           "for p in \"$d/../etc/supervisord.conf\" \"$d/../supervisord.conf\" supervisord.conf "
           "etc/supervisord.conf /etc/supervisord.conf /etc/supervisor/supervisord.conf; do\n"
           "  [ -e \"$p\" ] && { CONF=$p; break; }\n"
           "done\n";
    }
    // The [supervisorctl] section moves to the end, without its password
    // lines; the password follows it.
    s += "umask 077\n"
         "if [ -n \"$CONF\" ]; then\n"
         "  awk '\n"
         "  /^[ \\t]*\\[/ { h = $0; gsub(/[ \\t]/, \"\", h); in_ctl = (h == \"[supervisorctl]\")\n"
         "    if (in_ctl) next }\n"
         "  in_ctl { if ($0 !~ /^[ \\t]*password[ \\t]*[=:]/) ctl = ctl $0 \"\\n\"; next }\n"
         "  { print }\n"
         "  END { printf \"\\n[supervisorctl]\\n%s\", ctl }' \"$CONF\" >\"$T/supervisorctl.conf\" "
         "||\n"
         "    fail \"cannot read the supervisor configuration $CONF\"\n"
         "else printf '[supervisorctl]\\n' >\"$T/supervisorctl.conf\"; fi\n"
         "printf 'password=%s\\n' \"$PW\" >>\"$T/supervisorctl.conf\"\n"
         "PW=\n";
    opts += " -c \"$T/supervisorctl.conf\"";
  } else if (!c.config.empty()) {
    opts += " -c " + ShellQuote(c.config);
  }
  if (!c.server_url.empty()) opts += " -s " + ShellQuote(c.server_url);
  if (!c.username.empty()) opts += " -u " + ShellQuote(c.username);
  s += "sv() { \"$SV\"" + opts + " \"$@\"; }\n";
  return s;
}

// The command as Ansible's result shows it (its _clean_args).
std::string AnsibleCmd(const std::string& sv, const Common& c, const std::vector<std::string>& w) {
  std::vector<std::string> all = {sv};
  if (!c.config.empty()) all.insert(all.end(), {"-c", c.config});
  if (!c.server_url.empty()) all.insert(all.end(), {"-s", c.server_url});
  if (!c.username.empty()) all.insert(all.end(), {"-u", c.username});
  if (c.password) all.insert(all.end(), {"-p", "********"});
  all.insert(all.end(), w.begin(), w.end());
  return ShellJoin(all);
}

class Supervisorctl : public Module {
 public:
  std::string_view Name() const override { return "supervisorctl"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"config", ArgType::kPath, {}, false, {}, {}},
        {"server_url", ArgType::kStr, {}, false, {}, {}},
        {"username", ArgType::kStr, {}, false, {}, {}},
        {"password", ArgType::kStr, {}, false, {}, {}},
        {"supervisorctl_path", ArgType::kPath, {}, false, {}, {}},
        {"state",
         ArgType::kStr,
         {},
         true,
         {},
         {"present", "started", "restarted", "stopped", "absent", "signalled"}},
        {"signal", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::string name = ArgText(args, "name");
    const bool is_group = !name.empty() && name.back() == ':';
    while (!name.empty() && name.back() == ':') name.pop_back();
    const std::string state = ArgText(args, "state");
    const std::string signal = ArgText(args, "signal");
    if (state == "signalled" && signal.empty())
      return Failed("state is signalled but all of the following are missing: signal");
    Common c{ArgText(args, "supervisorctl_path"), ArgText(args, "config"),
             ArgText(args, "server_url"), ArgText(args, "username"),
             OptionalArgText(args, "password")};
    if (c.password && c.password->empty()) c.password.reset();  // Ansible: `if password:`
    std::optional<std::string> stdin_data;
    if (c.password) stdin_data = *c.password + "\n";
    const std::string setup = HostScriptPrelude(true) + SupervisorctlSetup(c);

    // Round trip 1: (update,) status.
    std::string query = setup;
    if (state == "restarted" && !ctx.check_mode)
      query +=
          "run sv update\n"
          "[ \"$RC\" = 0 ] || { field rc \"$RC\"; field stdout \"$OUT\"; field stderr \"$ERR\"; "
          "field failed_cmd update; exit 0; }\n";
    query += "field sv \"$SV\"\nrun sv status\nfield status \"$OUT\"\n";
    Result<connection::ExecResult> r = ctx.Exec(query, stdin_data);
    if (!r) return r.take_error();
    HostFields fields = ParseHostFields(r->stdout_data);
    if (auto f = FieldValue(fields, "fail")) return Failed(*f);
    const std::string sv = FieldValue(fields, "sv").value_or("supervisorctl");
    if (FieldValue(fields, "failed_cmd")) return CommandFailed(sv, c, {"update"}, fields);
    auto status = FieldValue(fields, "status");
    if (!status) return Failed("supervisorctl: the host failed: " + r->stderr_data);

    // get_matched_processes
    std::vector<std::pair<std::string, std::string>> processes;
    size_t at = 0;
    while (at < status->size()) {
      size_t nl = status->find('\n', at);
      std::string line = status->substr(at, nl == std::string::npos ? nl : nl - at);
      at = nl == std::string::npos ? status->size() : nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> words;
      for (size_t i = 0; i <= line.size();) {
        size_t sp = line.find(' ', i);
        if (sp == std::string::npos) sp = line.size();
        if (sp > i) words.push_back(line.substr(i, sp - i));
        i = sp + 1;
      }
      if (words.size() < 2)
        return Failed("supervisorctl: cannot parse the status line '" + line + "'");
      const std::string& process = words[0];
      if (is_group) {
        size_t colon = process.find(':');
        if (colon == std::string::npos || process.substr(0, colon) != name) continue;
      } else if (process != name && name != "all") {
        continue;
      }
      processes.emplace_back(process, words[1]);
    }

    Map done{{"changed", false}, {"name", Value(name)}, {"state", Value(state)}};
    std::vector<Step> steps;
    List affected;
    auto on_matching = [&](auto filter, const std::vector<std::string>& action,
                           const std::string& expected) {
      for (const auto& [process, st] : processes) {
        if (!filter(st)) continue;
        std::vector<std::string> w = action;
        w.push_back(process);
        steps.push_back({w, true, process + ": " + expected});
        affected.push_back(Value(process));
      }
    };
    if (state == "absent" || state == "present") {
      if ((state == "absent") == processes.empty()) return done;
      steps.push_back({{"reread"}, true, ""});
      if (state == "absent")
        steps.push_back({{"remove", name}, false, name + ": removed process group"});
      else
        steps.push_back({{"add", name}, false, name + ": added process group"});
    } else {
      if (processes.empty())
        return Map{{"failed", true},
                   {"changed", false},
                   {"name", Value(name)},
                   {"msg", Value("ERROR (no such process)")}};
      if (state == "restarted")
        on_matching([](const std::string&) { return true; }, {"restart"}, "started");
      else if (state == "started")
        on_matching([](const std::string& s) { return s != "RUNNING" && s != "STARTING"; },
                    {"start"}, "started");
      else if (state == "stopped")
        on_matching([](const std::string& s) { return s == "RUNNING" || s == "STARTING"; },
                    {"stop"}, "stopped");
      else
        on_matching([](const std::string& s) { return s == "RUNNING"; }, {"signal " + signal},
                    "signalled");
      if (steps.empty()) return done;
    }
    if (ctx.check_mode) return Map{{"changed", true}};

    // Round trip 2: the actions, stopping at the first that fails.
    std::string act = setup;
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      std::string words;
      for (const std::string& w : step.words) words += " " + ShellQuote(w);
      act += "run sv" + words + "\n";
      std::string report =
          "field step " + std::to_string(i) +
          "; field rc \"$RC\"; field stdout \"$OUT\"; field stderr \"$ERR\"; exit 0";
      if (step.check_rc) act += "[ \"$RC\" = 0 ] || { " + report + "; }\n";
      if (!step.expect.empty())
        act += "case $OUT in *" + ShellQuote(step.expect) + "*) ;; *) " + report + " ;; esac\n";
    }
    act += "field done 1\n";
    r = ctx.Exec(act, stdin_data);
    if (!r) return r.take_error();
    fields = ParseHostFields(r->stdout_data);
    if (auto f = FieldValue(fields, "fail")) return Failed(*f);
    if (auto failed_step = FieldValue(fields, "step")) {
      const Step& step = steps[std::stoul(*failed_step)];
      if (step.check_rc && FieldValue(fields, "rc").value_or("0") != "0")
        return CommandFailed(sv, c, step.words, fields);
      Map failed{{"failed", true}, {"msg", Value(FieldValue(fields, "stdout").value_or(""))}};
      if (state == "absent" || state == "present") {
        failed.set("name", Value(name));
        failed.set("state", Value(state));
      }
      return failed;
    }
    if (!FieldValue(fields, "done"))
      return Failed("supervisorctl: the host failed: " + r->stderr_data);
    done.set("changed", true);
    if (state != "absent" && state != "present") done.set("affected", Value(affected));
    return done;
  }

 private:
  // run_command's check_rc failure.
  static Map CommandFailed(const std::string& sv, const Common& c,
                           const std::vector<std::string>& words, const HostFields& fields) {
    const std::string err = FieldValue(fields, "stderr").value_or("");
    return Map{
        {"failed", true},
        {"cmd", Value(AnsibleCmd(sv, c, words))},
        {"rc", Value(static_cast<int64_t>(std::stoll(FieldValue(fields, "rc").value_or("1"))))},
        {"stdout", Value(FieldValue(fields, "stdout").value_or(""))},
        {"stderr", Value(err)},
        {"msg", Value(RStrip(err))}};
  }
};

}  // namespace

const Module& SupervisorctlModule() {
  static const Supervisorctl m;
  return m;
}

}  // namespace drover::modules
