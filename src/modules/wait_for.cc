// wait_for (ansible.builtin.wait_for): waits *on the host*, in one sh loop
// (one round trip), for a TCP port to accept connections (started) or
// refuse them (stopped), for a port's active connections to drain, for a
// file to exist (present/started, optionally containing search_regex) or
// to be gone (absent), or, with neither port nor path, for `timeout`
// seconds. Results and timeout messages are Ansible's.
//
// How a minimal Debian host checks a TCP port without python or nc: bash
// is Essential on Debian, so the probe is bash's /dev/tcp/HOST/PORT under
// coreutils' `timeout` (connect_timeout); a search_regex on a port reads
// what the server sends the same way. Without bash, only local ports
// (host 127.0.0.1, localhost, ::1, 0.0.0.0) can be checked, as listening
// sockets in /proc/net/tcp{,6}; drained counts connections there too.
// search_regex is matched on the host with `grep -zP '(?m)...'` (PCRE, as
// Python's re with MULTILINE), or per line with grep -E where grep lacks
// -P; match_groups/match_groupdict are computed on the controller with
// Python's re semantics from the matched text. As Ansible, the module does
// not support check mode (the task is skipped). Partial: exclude_hosts is
// accepted and ignored; "Failed to stat" (errors other than ENOENT) is
// not distinguished from a missing file.
#include <chrono>
#include <set>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// /proc/net/tcp state codes of Ansible's active_connection_states.
const std::vector<std::pair<std::string, std::string>>& TcpStates() {
  static const std::vector<std::pair<std::string, std::string>> s = {
      {"ESTABLISHED", "01"}, {"SYN_SENT", "02"},  {"SYN_RECV", "03"}, {"FIN_WAIT1", "04"},
      {"FIN_WAIT2", "05"},   {"TIME_WAIT", "06"}, {"CLOSE", "07"},    {"CLOSE_WAIT", "08"},
      {"LAST_ACK", "09"},    {"LISTEN", "0A"},    {"CLOSING", "0B"}};
  return s;
}

// Names of (?P<name>...) groups in order of their group numbers.
std::vector<std::pair<std::string, int>> NamedGroups(const std::string& pattern,
                                                     const tmpl::Regex& re) {
  std::vector<std::pair<std::string, int>> names;
  size_t at = 0;
  while ((at = pattern.find("(?P<", at)) != std::string::npos) {
    size_t end = pattern.find('>', at);
    if (end == std::string::npos) break;
    std::string name = pattern.substr(at + 4, end - at - 4);
    int idx = re.GroupIndex(name);
    if (idx > 0) names.push_back({name, idx});
    at = end;
  }
  return names;
}

class WaitFor : public Module {
 public:
  std::string_view Name() const override { return "wait_for"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"host", ArgType::kStr, Value("127.0.0.1"), false, {}, {}},
        {"timeout", ArgType::kInt, Value(300), false, {}, {}},
        {"connect_timeout", ArgType::kInt, Value(5), false, {}, {}},
        {"delay", ArgType::kInt, Value(0), false, {}, {}},
        {"port", ArgType::kInt, {}, false, {}, {}},
        {"active_connection_states",
         ArgType::kList,
         Value(List{"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"}),
         false,
         {},
         {}},
        {"path", ArgType::kPath, {}, false, {}, {}},
        {"search_regex", ArgType::kStr, {}, false, {}, {}},
        {"state",
         ArgType::kStr,
         Value("started"),
         false,
         {},
         {"absent", "drained", "present", "started", "stopped"}},
        {"exclude_hosts", ArgType::kList, {}, false, {}, {}},
        {"sleep", ArgType::kInt, Value(1), false, {}, {}},
        {"msg", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (ctx.check_mode)
      return Map{{"changed", false},
                 {"msg", "remote module (wait_for) does not support check mode"},
                 {"skipped", true}};
    const std::string host = ArgText(args, "host");
    const int64_t timeout = args.find("timeout")->as_int();
    const int64_t connect_timeout = args.find("connect_timeout")->as_int();
    const int64_t delay = args.find("delay")->as_int();
    const Value port_v = *args.find("port");
    const int64_t port = port_v.is_null() ? 0 : port_v.as_int();
    const std::string path = ArgText(args, "path");
    const std::string state = ArgText(args, "state");
    const Value regex_v = *args.find("search_regex");
    const std::string regex = ArgText(args, "search_regex");
    const std::string msg = ArgText(args, "msg");
    const int64_t sleep = args.find("sleep")->as_int();
    auto fail0 = [](std::string m) {
      Map f = Failed(std::move(m));
      f.set("elapsed", 0);
      return f;
    };

    std::shared_ptr<const tmpl::Regex> re;
    if (!regex_v.is_null()) {
      try {
        re = tmpl::Regex::Compile(regex, tmpl::RegexFlags{false, true, false});
      } catch (const tmpl::RenderError& e) {
        return Failed("Invalid regular expression: " + e.message);
      }
    }
    if (port && !path.empty())
      return fail0("port and path parameter can not both be passed to wait_for");
    if (!path.empty() && state == "stopped")
      return fail0("state=stopped should only be used for checking a port in the wait_for module");
    if (!path.empty() && state == "drained")
      return fail0("state=drained should only be used for checking a port in the wait_for module");
    if (!args.find("exclude_hosts")->is_null() && state != "drained")
      return fail0("exclude_hosts should only be with state=drained");
    std::string drain_states;
    for (const Value& s : args.find("active_connection_states")->as_list()) {
      std::string name = s.is_string() ? s.as_string() : "";
      std::string code;
      for (const auto& [n, c] : TcpStates())
        if (n == name) code = c;
      if (code.empty()) return fail0("unknown active_connection_state (" + name + ") defined");
      drain_states += code + " ";
    }

    std::string s =
        StatShellFunction(true) + "__wh=" + ShellQuote(host) + "\n__wp=" + std::to_string(port) +
        "\n__wpath=" + ShellQuote(path) + "\n__wre=" + ShellQuote(regex) +
        "\n__wct=" + std::to_string(connect_timeout) + "\n__wsleep=" + std::to_string(sleep) +
        "\n__wstates=" + ShellQuote(drain_states) + "\n__wto=" + std::to_string(timeout) + "\n";
    s += R"SH(__wx=$(mktemp -d "${TMPDIR:-/tmp}/drover-wait.XXXXXX") || exit 1
__wpid=
trap 'rm -rf "$__wx"; [ -z "$__wpid" ] || kill "$__wpid" 2>/dev/null' EXIT
trap 'exit 1' HUP INT TERM
__wms() { __wt=$(date +%s%3N 2>/dev/null); case $__wt in *[!0-9]*|'') __wt=$(($(date +%s) * 1000));; esac; echo "$__wt"; }
__wstart=$(__wms)
__wend=$((__wstart + __wto * 1000))
__wleft() { __wl=$((__wend - $(__wms))); [ $__wl -gt 0 ] || return 1; return 0; }
__wbash=; command -v bash >/dev/null 2>&1 && __wbash=1
__wgrepP=; printf 'x\n' | grep -zqP '(?m)^x$' 2>/dev/null && __wgrepP=1
__wmatch() {
  if [ -n "$__wgrepP" ]; then grep -zqP -- "(?m)$__wre" "$1" 2>/dev/null; else grep -qE -- "$__wre" "$1" 2>/dev/null; fi
}
__wlocal() {
  case $__wh in 127.0.0.1|localhost|::1|0.0.0.0|'') return 0;; esac
  return 1
}
__wlistening() {
  __whex=$(printf '%04X' "$__wp")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$__whex" 'NR > 0 { n = split($2, a, ":"); if (a[n] == p && $4 == "0A") f = 1 } END { exit f ? 0 : 1 }'
}
# __wconnect SECONDS: 0 when host:port accepts a connection in time.
__wconnect() {
  [ "$1" -ge 1 ] || set -- 1  # timeout 0 would mean no limit
  if [ -n "$__wbash" ]; then
    timeout "$1" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$__wh" "$__wp" 2>/dev/null
  elif __wlocal; then
    __wlistening
  else
    echo 'DROVER_FAIL|wait_for: checking a remote port needs bash on the host'; exit 0
  fi
}
__wceil() { echo $(( ($1 + 999) / 1000 )); }
__wmin() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
__welapsed() { printf 'DROVER_ELAPSED|%s\n' $((($(__wms) - __wstart) / 1000)); }
__wok() { __welapsed; printf 'DROVER_OK|\n'; if [ -n "$__wpath" ] && [ -e "$__wpath" ]; then __drover_stat "$__wpath"; fi; if [ -n "${1:-}" ]; then printf 'DROVER_TEXT|\n'; cat "$1"; fi; exit 0; }
)SH";
    if (delay > 0) s += "sleep " + std::to_string(delay) + "\n";
    const bool need_text = re && re->GroupCount() > 0;
    const std::string ok_text = need_text ? " \"$__wx/text\"" : "";
    if (!port && path.empty() && state != "drained") {
      s += "sleep " + std::to_string(timeout) + "\n__wok\n";
    } else if (state == "absent" || state == "stopped") {
      s += "while __wleft; do\n";
      if (!path.empty())
        s += "  [ -e \"$__wpath\" ] || __wok\n";
      else
        s += "  __wconnect \"$(__wmin \"$__wct\" \"$(__wceil \"$__wl\")\")\" || __wok\n";
      s += "  sleep \"$__wsleep\"\ndone\n__welapsed; echo 'DROVER_TIMEOUT|'\n";
    } else if (state == "started" || state == "present") {
      s += "while __wleft; do\n";
      if (!path.empty()) {
        if (re)
          s += "  if [ -e \"$__wpath\" ] && __wmatch \"$__wpath\"; then cat \"$__wpath\" > "
               "\"$__wx/text\" 2>/dev/null; __wok" +
               ok_text + "; fi\n";
        else
          s += "  [ ! -e \"$__wpath\" ] || __wok\n";
      } else if (re) {
        s +=
            R"SH(  if [ -z "$__wbash" ]; then echo 'DROVER_FAIL|wait_for: search_regex on a port needs bash on the host'; exit 0; fi
  : > "$__wx/text"
  timeout "$(__wceil "$__wl")" bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 3; exec cat <&3' "$__wh" "$__wp" > "$__wx/text" 2>/dev/null &
  __wpid=$!
  while kill -0 "$__wpid" 2>/dev/null; do
    if __wmatch "$__wx/text"; then kill "$__wpid" 2>/dev/null; __wpid=; __wok)SH" +
            ok_text + R"SH(; fi
    sleep 0.1
  done
  wait "$__wpid" 2>/dev/null; __wpid=
  if __wmatch "$__wx/text"; then __wok)SH" +
            ok_text + R"SH(; fi
)SH";
      } else {
        s += "  __wconnect \"$(__wmin \"$__wct\" \"$(__wceil \"$__wl\")\")\" && __wok\n";
      }
      s += "  sleep \"$__wsleep\"\ndone\n__welapsed; echo 'DROVER_TIMEOUT|'\n";
    } else {  // drained
      s += R"SH(__whex=$(printf '%04X' "$__wp")
while __wleft; do
  __wn=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$__whex" -v st="$__wstates" 'NR > 0 { n = split($2, a, ":"); if (a[n] == p && index(st, $4 " ")) c++ } END { print c + 0 }')
  [ "$__wn" != 0 ] || __wok
  sleep "$__wsleep"
done
__welapsed; echo 'DROVER_TIMEOUT|'
)SH";
    }

    Result<connection::ExecResult> res = ctx.Exec(s);
    if (!res) return res.take_error();
    const std::string& out = res->stdout_data;
    // Seconds the host waited (its clock, as Ansible's module measures).
    const int64_t elapsed = std::atoll(TaggedLine(out, "DROVER_ELAPSED").value_or("0").c_str());
    if (std::optional<std::string> f = TaggedLine(out, "DROVER_FAIL")) return Failed(*f);
    if (TaggedLine(out, "DROVER_TIMEOUT")) {
      std::string m;
      const std::string where = host + ":" + std::to_string(port);
      if (state == "absent" || state == "stopped")
        m = port ? "Timeout when waiting for " + where + " to stop."
                 : "Timeout when waiting for " + path + " to be absent.";
      else if (state == "drained")
        m = "Timeout when waiting for " + where + " to drain";
      else if (port)
        m = re ? "Timeout when waiting for search string " + regex + " in " + where
               : "Timeout when waiting for " + where;
      else
        m = re ? "Timeout when waiting for search string " + regex + " in " + path
               : "Timeout when waiting for file " + path;
      Map f = Failed(msg.empty() ? m : msg);
      f.set("elapsed", Value(elapsed));
      return f;
    }
    if (!TaggedLine(out, "DROVER_OK"))
      return Failed("wait_for: the wait script failed on the host: " + res->stderr_data);

    List groups;
    Map groupdict;
    if (re) {
      size_t at = out.find("DROVER_TEXT|\n");
      if (at != std::string::npos) {
        std::string text = out.substr(at + 13);
        tmpl::RegexMatch m;
        if (re->Search(text, 0, &m)) {
          for (size_t i = 1; i < m.groups.size(); ++i)
            groups.push_back(m.Participated(i) ? Value(m.Group(text, i)) : Value());
          for (const auto& [name, idx] : NamedGroups(regex, *re))
            groupdict.set(name, m.Participated(idx) ? Value(m.Group(text, idx)) : Value());
        }
      }
    }
    Map r{{"changed", false},
          {"elapsed", Value(elapsed)},
          {"match_groupdict", Value(std::move(groupdict))},
          {"match_groups", Value(std::move(groups))},
          {"path", path.empty() ? Value() : Value(path)},
          {"port", port_v},
          {"search_regex", regex_v},
          {"state", Value(state)}};
    // As Ansible's exit_json: an existing path adds its attributes (and
    // its kind replaces `state`).
    if (std::optional<RemoteStat> st = ParseStatOutput(out.substr(0, out.find("DROVER_TEXT|")));
        st && st->exists)
      AddPathAttrs(*st, &r);
    return r;
  }
};

}  // namespace

const Module& WaitForModule() {
  static const WaitFor m;
  return m;
}

}  // namespace drover::modules
