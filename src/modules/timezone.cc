// timezone (community.general.timezone) on systemd hosts: one round trip
// reads `timedatectl status` (and checks /usr/share/zoneinfo/NAME) and,
// outside check mode, runs `timedatectl set-timezone` / `set-local-rtc`
// for what differs, then reads the status again to confirm, as Ansible's
// SystemdTimezone. Results are Ansible's: changed, diff (before/after of
// name and hwclock), msg listing the commands executed.
//
// Partial: hosts without a usable timedatectl (Ansible's NosystemdTimezone:
// /etc/timezone and /etc/localtime edited by hand) fail with a clear message.
#include <regex>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// The value of a `timedatectl status` field ("Time zone", "RTC in local TZ").
std::string StatusField(const std::string& status, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(status, m, std::regex(pattern, std::regex::multiline))) return m[1].str();
  return "";
}

Map ReadStatus(const std::string& status, bool want_name, bool want_hwclock) {
  Map m;
  if (want_hwclock) {
    std::string v = StatusField(status, "^\\s*RTC in local TZ\\s*:\\s*([^\\s]+)");
    m.set("hwclock", Value(v == "yes" ? "local" : "UTC"));
  }
  if (want_name) m.set("name", Value(StatusField(status, "^\\s*Time ?zone\\s*:\\s*([^\\s]+)")));
  return m;
}

class Timezone : public Module {
 public:
  std::string_view Name() const override { return "timezone"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"hwclock", ArgType::kStr, {}, false, {"rtc"}, {"local", "UTC"}},
        {"name", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::optional<std::string> name = OptionalArgText(args, "name");
    const std::optional<std::string> hwclock = OptionalArgText(args, "hwclock");
    if (!name && !hwclock) return Failed("one of the following is required: hwclock, name");
    Map planned;
    if (hwclock) planned.set("hwclock", Value(*hwclock));
    if (name) planned.set("name", Value(*name));

    // Phase 1 prints the status before; outside check mode the changes are
    // made and the status after printed too.
    std::string script =
        "__td=$(command -v timedatectl) && __st=$(timedatectl status 2>&1) || { printf "
        "'DROVER_FAIL|%s\\n' \"timedatectl is missing or not usable on this host (needs "
        "systemd-timedated): $__st\" | tr -d '\\n'; echo; exit 0; }\n";
    if (name)
      script += "[ -f /usr/share/zoneinfo/" + ShellQuote(*name) +
                " ] || { printf 'DROVER_FAIL|Error message:\\ngiven timezone \"%s\" is not "
                "available\\n' " +
                ShellQuote(*name) + "; exit 0; }\n";
    script += "printf 'DROVER_BEFORE\\n%s\\nDROVER_END\\n' \"$__st\"\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    std::string out = r->stdout_data;
    if (size_t at = out.find("DROVER_FAIL|"); at != std::string::npos) {
      std::string msg = out.substr(at + 12);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return Failed(msg);
    }
    auto section = [](const std::string& text, const std::string& tag) {
      size_t b = text.find(tag + "\n");
      if (b == std::string::npos) return std::string();
      b += tag.size() + 1;
      size_t e = text.find("\nDROVER_END\n", b);
      return text.substr(b, e == std::string::npos ? std::string::npos : e - b);
    };
    Map before = ReadStatus(section(out, "DROVER_BEFORE"), name.has_value(), hwclock.has_value());
    Map after = planned;
    List executed;
    if (!ctx.check_mode && !(Value(before) == Value(planned))) {
      std::string change = "__td=$(command -v timedatectl)\n";
      for (const auto& [key, want] : planned) {
        if (*before.find(key) == want) continue;
        std::string value = want.as_string();
        if (key == "hwclock") value = value == "local" ? "yes" : "no";
        const std::string sub = key == "hwclock" ? "set-local-rtc" : "set-timezone";
        change += "__e=$(\"$__td\" " + sub + " " + ShellQuote(value) +
                  " 2>&1) || { printf 'DROVER_FAIL|%s\\n' \"$__e\"; exit 0; }\n"
                  "printf 'DROVER_RAN|%s %s %s\\n' \"$__td\" " +
                  sub + " " + ShellQuote(value) + "\n";
      }
      change += "printf 'DROVER_AFTER\\n%s\\nDROVER_END\\n' \"$(timedatectl status)\"\n";
      Result<connection::ExecResult> w = ctx.Exec(change);
      if (!w) return w.take_error();
      out = w->stdout_data;
      if (std::optional<std::string> fail = TaggedLine(out, "DROVER_FAIL"))
        return Failed("Error message:\n" + *fail);
      for (size_t at = 0; (at = out.find("DROVER_RAN|", at)) != std::string::npos;) {
        size_t nl = out.find('\n', at);
        executed.push_back(Value("executed `" + out.substr(at + 11, nl - at - 11) + "`"));
        at = nl;
      }
      after = ReadStatus(section(out, "DROVER_AFTER"), name.has_value(), hwclock.has_value());
      if (!(Value(after) == Value(planned)))
        return Failed("Error message:\nstill not desired state, though changes have made");
    }
    const bool changed = !(Value(before) == Value(after));
    Map result{{"changed", changed},
               {"diff", Value(Map{{"before", Value(before)}, {"after", Value(after)}})}};
    if (!executed.empty()) {
      std::string msg;
      for (const Value& e : executed) msg += (msg.empty() ? "" : "\n") + e.as_string();
      result.set("msg", Value(msg));
    }
    return result;
  }
};

}  // namespace

const Module& TimezoneModule() {
  static const Timezone m;
  return m;
}

}  // namespace drover::modules
