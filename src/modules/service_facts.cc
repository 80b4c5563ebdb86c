// service_facts (ansible.builtin.service_facts) without Python on the host,
// in one round trip running the commands Ansible's module runs on a
// Debian host: `service --status-all` (SysV scripts, source "sysv"), then,
// when PID 1 is systemd, `systemctl list-units` and `systemctl
// list-unit-files` (source "systemd"; `systemctl show --property=
// ActiveState` for unit files with no unit loaded). The parsing is
// Ansible's, line for line. Result: ansible_facts.services (also the
// variable `services`), or skipped with Ansible's message when none.
//
// Partial: upstart (initctl), chkconfig, OpenRC, AIX and OpenBSD hosts are
// not scanned.
#include <algorithm>
#include <regex>

#include "modules/registry.h"

namespace drover::modules {

namespace {

constexpr const char* kScript =
    "export LANG=C LC_ALL=C\n"
    "if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && "
    "! command -v rc-status >/dev/null 2>&1; then\n"
    "  echo DROVER_BEGIN_SYSV; service --status-all 2>/dev/null; echo; echo DROVER_END_SYSV\n"
    "fi\n"
    "if grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null 2>&1; then\n"
    "  __u=$(systemctl list-units --no-pager --type service --all 2>/dev/null)\n"
    "  __f=$(systemctl list-unit-files --no-pager --type service --all 2>/dev/null)\n"
    "  printf 'DROVER_BEGIN_UNITS\\n%s\\nDROVER_END_UNITS\\n' \"$__u\"\n"
    "  printf 'DROVER_BEGIN_FILES\\n%s\\nDROVER_END_FILES\\n' \"$__f\"\n"
    "  __names=\" $(printf '%s\\n' \"$__u\" | tr -s ' \\t' '  ') \"\n"
    "  for __s in $(printf '%s\\n' \"$__f\" | awk '/\\.service/ {print $1}'); do\n"
    "    case $__names in *\" $__s \"*) continue;; esac\n"
    "    if __a=$(systemctl show \"$__s\" --property=ActiveState 2>/dev/null); then\n"
    "      printf 'DROVER_ACTIVE|%s|%s\\n' \"$__s\" \"$__a\"\n"
    "    fi\n"
    "  done\n"
    "fi\nexit 0\n";

std::string Between(const std::string& out, const std::string& tag) {
  const std::string b = "DROVER_BEGIN_" + tag + "\n", e = "\nDROVER_END_" + tag + "\n";
  size_t at = out.find(b), end = out.find(e);
  if (at == std::string::npos || end == std::string::npos || end < at + b.size()) return "";
  return out.substr(at + b.size(), end - at - b.size());
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> f;
  size_t p = 0;
  while ((p = line.find_first_not_of(" \t\r\v\f", p)) != std::string::npos) {
    size_t e = line.find_first_of(" \t\r\v\f", p);
    f.push_back(line.substr(p, e == std::string::npos ? e : e - p));
    p = e;
  }
  return f;
}

void ScanSysv(const std::string& text, Map* services) {
  static const std::regex line_re(R"(^\s*\[ (\+|\-) \]\s+(.+)$)");
  for (const Value& v : SplitLines(text)) {
    const std::string& line = v.as_string();
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    const std::string name = m[2];
    services->set(name, Value(Map{{"name", Value(name)},
                                  {"state", Value(m[1] == "+" ? "running" : "stopped")},
                                  {"source", "sysv"}}));
  }
}

const std::vector<std::string> kBadStates = {"not-found", "masked", "failed"};

bool IsBad(const std::string& s) {
  return std::find(kBadStates.begin(), kBadStates.end(), s) != kBadStates.end();
}

void ScanUnits(const std::string& text, Map* services) {
  for (const Value& v : SplitLines(text)) {
    const std::string& line = v.as_string();
    if (line.find(".service") == std::string::npos) continue;
    std::vector<std::string> fields = Fields(line);
    std::string status = "unknown";
    bool bad = false;
    // Ansible checks the bad states in its frozenset's order; any found wins.
    for (const std::string& b : kBadStates) {
      if (std::find(fields.begin(), fields.end(), b) != fields.end()) {
        status = b;
        fields.erase(fields.begin());
        bad = true;
        break;
      }
    }
    if (fields.size() < 4) continue;
    if (!bad) status = fields[2];
    const std::string name = fields[0];
    services->set(name, Value(Map{{"name", Value(name)},
                                  {"state", Value(fields[3] == "running" ? "running" : "stopped")},
                                  {"status", Value(status)},
                                  {"source", "systemd"}}));
  }
}

void ScanUnitFiles(const std::string& text, const std::string& out, Map* services) {
  for (const Value& v : SplitLines(text)) {
    const std::string& line = v.as_string();
    if (line.find(".service") == std::string::npos) continue;
    std::vector<std::string> fields = Fields(line);
    if (fields.size() < 2) continue;
    const std::string& name = fields[0];
    const std::string& status = fields[1];
    if (Value* have = services->find(name)) {
      Map entry = have->as_map();
      if (!IsBad(entry.find("status")->as_string())) entry.set("status", Value(status));
      *have = Value(std::move(entry));
      continue;
    }
    std::string state = "unknown";
    const std::string tag = "DROVER_ACTIVE|" + name + "|";
    if (size_t at = out.find(tag); at != std::string::npos) {
      std::string v = out.substr(at + tag.size(), out.find('\n', at) - at - tag.size());
      if (v.rfind("ActiveState=", 0) == 0) v.erase(0, 12);
      if (!v.empty()) state = v;
    }
    services->set(name, Value(Map{{"name", Value(name)},
                                  {"state", Value(state)},
                                  {"status", Value(status)},
                                  {"source", "systemd"}}));
  }
}

class ServiceFacts : public Module {
 public:
  std::string_view Name() const override { return "service_facts"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {};
    return spec;
  }

  Result<Map> Run(const Map&, RunContext& ctx) const override {
    Result<connection::ExecResult> r = ctx.Exec(kScript);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    Map services;
    ScanSysv(Between(out, "SYSV"), &services);
    ScanUnits(Between(out, "UNITS"), &services);
    ScanUnitFiles(Between(out, "FILES"), out, &services);
    if (services.empty())
      return Map{{"changed", false},
                 {"skipped", true},
                 {"msg",
                  "Failed to find any services. This can be due to privileges or some other "
                  "configuration issue."}};
    return Map{{"changed", false},
               {"ansible_facts", Value(Map{{"services", Value(std::move(services))}})}};
  }
};

}  // namespace

const Module& ServiceFactsModule() {
  static const ServiceFacts m;
  return m;
}

}  // namespace drover::modules
