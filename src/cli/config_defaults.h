// Settings every command takes from ansible.cfg [defaults] (found as
// Ansible finds it, core/ansible_cfg.h) when the command line does not give
// them, with the ANSIBLE_* environment variable winning over the file, as
// ansible, ansible-playbook and ansible-inventory all read them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connection/ssh_options.h"
#include "core/ansible_cfg.h"
#include "core/error.h"

namespace drover::cli {

// The inventory sources when no -i is given: ANSIBLE_INVENTORY, else
// [defaults] inventory (DEFAULT_HOST_LIST, a ','-separated list of paths);
// empty when neither is set.
std::vector<std::string> ConfiguredInventory(const AnsibleConfig& cfg);

// Connection persistence (connection/persisted_connection.h): DROVER_PERSIST,
// else ControlMaster/ControlPersist in ANSIBLE_SSH_ARGS / [ssh_connection]
// ssh_args (Ansible's default turns it on for 60 s), into `defaults`; the
// holders' directory is ANSIBLE_SSH_CONTROL_PATH_DIR / [ssh_connection]
// control_path_dir, else ~/.drover/cp. Errors: an unreadable setting.
Status ConfigurePersistence(const AnsibleConfig& cfg, connection::ConnectionDefaults* defaults);
// The holders' directory alone (`drover persist --stop`).
std::string ConfiguredControlPathDir(const AnsibleConfig& cfg);

// The become flags ansible.cfg or the environment set, per canonical become
// method ("sudo", "su"): the become plugins' become_flags option
// (ANSIBLE_BECOME_FLAGS / ANSIBLE_SUDO_FLAGS / ANSIBLE_SU_FLAGS,
// [privilege_escalation] become_flags, [sudo_become_plugin] /
// [su_become_plugin] flags). A method absent keeps its plugin's default;
// ansible_become_flags and the become_flags keyword win over these.
std::map<std::string, std::string> ConfiguredBecomeFlags(const AnsibleConfig& cfg);

// ANSIBLE_FORKS, else [defaults] forks (at least 1); nullopt when unset.
std::optional<int> ConfiguredForks(const AnsibleConfig& cfg);

// connection.ssh.host_key_checking (ANSIBLE_HOST_KEY_CHECKING,
// ANSIBLE_SSH_HOST_KEY_CHECKING, [defaults]/[ssh_connection]
// host_key_checking) set false: nothing checked; nullopt otherwise.
std::optional<connection::HostKeyPolicy> ConfiguredHostKeyPolicy(const AnsibleConfig& cfg);

// Ansible's warning for an inventory without hosts (CLI.get_host_list),
// unless localhost_warning is off (ANSIBLE_LOCALHOST_WARNING, [defaults]
// localhost_warning) or `pattern` names localhost. Wrapped as Ansible wraps
// it at 80 columns.
std::optional<Error> EmptyInventoryWarning(const AnsibleConfig& cfg, size_t host_count,
                                           const std::string& pattern);

// The stdout callback asked for (ANSIBLE_STDOUT_CALLBACK, else [defaults]
// stdout_callback), checked before any host is contacted: default (or
// unset), yaml (community.general.yaml), minimal and oneline
// (ansible.builtin.*) and json (ansible.posix.json, where 2.14 routes
// `json`), also by their FQCNs, are drover's; any other is an error naming
// the setting, never a silently different output.
enum class StdoutCallback { kDefault, kYaml, kMinimal, kOneline, kJson };
Result<StdoutCallback> ChooseStdoutCallback(const AnsibleConfig& cfg);
// What the chosen callback's output lacks against Ansible's, said before
// the run: drover's results have no `invocation` (the arguments Ansible's
// modules echo back), which json records and minimal/oneline show in a
// loop's items. nullopt for default and yaml (which never show it below
// -vvv).
std::optional<Error> StdoutCallbackWarning(StdoutCallback callback);

}  // namespace drover::cli
