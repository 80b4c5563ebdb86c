// hostname (ansible.builtin.hostname): one round trip reads the transient
// and static names (hostnamectl on a systemd host, else /etc/hostname as
// Ansible's Debian FileStrategy) and, outside check mode, sets what
// differs: the static (and pretty) name first, then the transient one, as
// Ansible's SystemdStrategy. Results are Ansible's: changed, name, the
// ansible_hostname/nodename/fqdn/domain facts, and a diff when changed.
//
// Partial: the strategies of other systems (use: redhat, alpine, openrc,
// freebsd, ...) are refused with a clear message.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class Hostname : public Module {
 public:
  std::string_view Name() const override { return "hostname"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"use",
         ArgType::kStr,
         {},
         false,
         {},
         {"alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin", "openbsd",
          "openrc", "redhat", "sles", "solaris", "systemd"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name");
    const std::string use = ArgText(args, "use");
    if (!use.empty() && use != "systemd" && use != "debian")
      return Failed("hostname: use=" + use + " is not implemented by drover yet (systemd only)");
    if (name.size() > 64)
      return Failed(
          "name cannot be longer than 64 characters on systemd servers, try a shorter name");
    const std::string n = ShellQuote(name);
    // __cur/__perm: the names before; DROVER_SET_*: what changes.
    std::string script =
        "if [ -d /run/systemd/system ] || [ -n \"$__use_systemd\" ]; then\n"
        "  command -v hostnamectl >/dev/null 2>&1 || { echo 'DROVER_FAIL|hostnamectl is missing on "
        "this systemd host'; exit 0; }\n"
        "  __cur=$(hostnamectl --transient status 2>&1) || { printf 'DROVER_FAIL|Command failed: "
        "%s\\n' \"$__cur\"; exit 0; }\n"
        "  __perm=$(hostnamectl --static status 2>&1) || { printf 'DROVER_FAIL|Command failed: "
        "%s\\n' \"$__perm\"; exit 0; }\n"
        "  __sd=1\n"
        "else\n"
        "  __perm=$( [ -f /etc/hostname ] && sed -e 's/^[[:space:]]*//' -e "
        "'s/[[:space:]]*$//' /etc/hostname)\n"
        "  __cur=$__perm; __sd=\n"
        "fi\n"
        "printf 'DROVER_CUR|%s\\nDROVER_PERM|%s\\n' \"$__cur\" \"$__perm\"\n";
    if (!ctx.check_mode) {
      script += "if [ \"$__perm\" != " + n +
                " ]; then\n"
                "  if [ -n \"$__sd\" ]; then __e=$(hostnamectl --pretty --static set-hostname " +
                n +
                " 2>&1) || { printf 'DROVER_FAIL|Command failed: %s\\n' \"$__e\"; exit 0; }\n"
                "  else printf '%s\\n' " +
                n +
                " > /etc/hostname || exit 1; fi\n"
                "fi\n"
                "if [ -n \"$__sd\" ] && [ \"$__cur\" != " +
                n + " ]; then __e=$(hostnamectl --transient set-hostname " + n +
                " 2>&1) || { printf 'DROVER_FAIL|Command failed: %s\\n' \"$__e\"; exit 0; }; fi\n";
    }
    script += "printf 'DROVER_FQDN|%s\\n' \"$(hostname -f 2>/dev/null || hostname)\"\n";
    if (use == "systemd" || use == "debian") script = "__use_systemd=1\n" + script;
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (std::optional<std::string> fail = TaggedLine(out, "DROVER_FAIL")) return Failed(*fail);
    if (r->exit_status != 0) return Failed("could not set the hostname: " + r->stderr_data);
    const std::string cur = TaggedLine(out, "DROVER_CUR").value_or("");
    const std::string perm = TaggedLine(out, "DROVER_PERM").value_or("");
    const std::string fqdn = TaggedLine(out, "DROVER_FQDN").value_or(name);
    const bool changed = cur != name || perm != name;
    const std::string before = name != cur ? cur : perm;
    const size_t dot = fqdn.find('.');
    Map facts{{"ansible_hostname", Value(name.substr(0, name.find('.')))},
              {"ansible_nodename", Value(name)},
              {"ansible_fqdn", Value(fqdn)},
              {"ansible_domain", Value(dot == std::string::npos ? "" : fqdn.substr(dot + 1))}};
    Map result{{"changed", changed}, {"name", Value(name)}, {"ansible_facts", Value(facts)}};
    if (changed) {
      result.set("diff", Value(Map{{"after", Value("hostname = " + name + "\n")},
                                   {"before", Value("hostname = " + before + "\n")}}));
      if (ctx.diff_mode)
        result.set("_drover_diff", Value(UnifiedDiff("hostname = " + before + "\n",
                                                     "hostname = " + name + "\n", "", "")));
    }
    return result;
  }
};

}  // namespace

const Module& HostnameModule() {
  static const Hostname m;
  return m;
}

}  // namespace drover::modules
