#include "playbook/module_names.h"

#include <algorithm>

namespace drover::playbook {

namespace {
// ansible.builtin modules and actions drover knows by name. Whether a module
// is implemented is the executor's question; the loader only recognises it.
const std::vector<std::string_view> kBuiltin = {"add_host",
                                                "apt",
                                                "apt_key",
                                                "apt_repository",
                                                "assemble",
                                                "assert",
                                                "async_status",
                                                "blockinfile",
                                                "command",
                                                "copy",
                                                "cron",
                                                "debconf",
                                                "debug",
                                                "dnf",
                                                "expect",
                                                "fail",
                                                "fetch",
                                                "file",
                                                "find",
                                                "gather_facts",
                                                "get_url",
                                                "getent",
                                                "git",
                                                "group",
                                                "group_by",
                                                "hostname",
                                                "import_playbook",
                                                "import_role",
                                                "import_tasks",
                                                "include",
                                                "include_role",
                                                "include_tasks",
                                                "include_vars",
                                                "iptables",
                                                "known_hosts",
                                                "lineinfile",
                                                "meta",
                                                "package",
                                                "package_facts",
                                                "pause",
                                                "ping",
                                                "pip",
                                                "raw",
                                                "reboot",
                                                "replace",
                                                "rpm_key",
                                                "script",
                                                "service",
                                                "service_facts",
                                                "set_fact",
                                                "set_stats",
                                                "setup",
                                                "shell",
                                                "slurp",
                                                "stat",
                                                "subversion",
                                                "systemd",
                                                "systemd_service",
                                                "sysvinit",
                                                "tempfile",
                                                "template",
                                                "unarchive",
                                                "uri",
                                                "user",
                                                "validate_argument_spec",
                                                "wait_for",
                                                "wait_for_connection",
                                                "yum",
                                                "yum_repository"};

// Modules from collections that real deploy playbooks call.
const std::vector<std::string_view> kCollections = {
    "community.general.npm",
    "community.general.supervisorctl",
    "community.general.ufw",
    "community.general.timezone",
    "community.general.locale_gen",
    "community.general.ini_file",
    "community.general.make",
    "community.general.modprobe",
    "community.general.git_config",
    "community.general.alternatives",
    "ansible.posix.authorized_key",
    "ansible.posix.sysctl",
    "ansible.posix.mount",
    "ansible.posix.synchronize",
    "community.postgresql.postgresql_db",
    "community.postgresql.postgresql_user",
    "community.crypto.openssh_keypair",
    "community.general.pam_limits",
};

std::string_view ShortName(std::string_view fqcn) {
  size_t dot = fqcn.rfind('.');
  return dot == std::string_view::npos ? fqcn : fqcn.substr(dot + 1);
}

bool InList(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}
}  // namespace

std::string CanonicalModuleName(std::string_view written) {
  if (InList(kBuiltin, written)) return std::string(written);
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."}) {
    if (written.rfind(prefix, 0) == 0) {
      std::string_view rest = written.substr(prefix.size());
      return InList(kBuiltin, rest) ? std::string(rest) : std::string();
    }
  }
  if (InList(kCollections, written)) return std::string(ShortName(written));
  // Short names of collection modules resolve as Ansible's routing does.
  for (std::string_view fqcn : kCollections)
    if (ShortName(fqcn) == written) return std::string(written);
  return {};
}

const std::vector<std::string_view>& KnownModuleNames() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> v = kBuiltin;
    v.insert(v.end(), kCollections.begin(), kCollections.end());
    return v;
  }();
  return all;
}

bool TakesFreeForm(std::string_view canonical) {
  return canonical == "command" || canonical == "shell" || canonical == "raw" ||
         canonical == "script" || canonical == "include_tasks" || canonical == "import_tasks" ||
         canonical == "include" || canonical == "include_vars" || canonical == "import_playbook" ||
         canonical == "meta";
}

bool IsIncludeOrImport(std::string_view canonical) {
  return canonical == "include_tasks" || canonical == "import_tasks" || canonical == "include" ||
         canonical == "include_role" || canonical == "import_role";
}

}  // namespace drover::playbook
