// Where and how to reach one host over SSH: the inventory's connection
// variables (ansible_host, ansible_port, ansible_user, ...), the command
// line's defaults, and the `-o Key=Value` options of ssh_common_args /
// ssh_extra_args, resolved into one SshTarget. Pure: no I/O, no libssh.
// ~/.ssh/config is read later by the transport, and these values win over it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::connection {

enum class HostKeyPolicy {
  kStrict,     // unknown and changed keys are refused (the default)
  kAcceptNew,  // unknown keys are recorded in known_hosts; changed refused
  kOff,        // nothing checked (ANSIBLE_HOST_KEY_CHECKING=False); loud
};

// Run-wide settings from the command line and environment.
struct ConnectionDefaults {
  int timeout_s = 10;                      // --timeout / ANSIBLE_TIMEOUT
  std::optional<std::string> remote_user;  // -u
  std::optional<int> port;                 // ANSIBLE_REMOTE_PORT / [defaults] remote_port
  std::optional<std::string> private_key;  // --private-key
  std::optional<std::string> password;     // --ask-pass
  std::string ssh_common_args;             // --ssh-common-args
  std::string ssh_extra_args;              // --ssh-extra-args
  HostKeyPolicy host_key_policy = HostKeyPolicy::kStrict;
  std::string connection = "ssh";  // -c / ansible_connection default
  // Passphrases for encrypted key files, asked on the terminal before any
  // worker starts (see KeyNeedsPassphrase), by key file path.
  std::map<std::string, std::string> key_passphrases;
  // Connection persistence (persisted_connection.h): the holders' idle
  // timeout in seconds (0: none) or nullopt for off, and their directory.
  std::optional<int> persist_idle_s;
  std::string control_path_dir;
};

struct SshTarget {
  std::string name;     // the inventory hostname
  std::string address;  // what to connect to (ansible_host, else name)
  std::optional<int> port;
  std::optional<std::string> user;
  std::vector<std::string> identity_files;
  std::optional<std::string> password;
  std::map<std::string, std::string> key_passphrases;  // from ConnectionDefaults
  int connect_timeout_s = 10;
  // ServerAliveInterval / ServerAliveCountMax (ssh args): after this many
  // seconds without a byte from the host, drover asks the host for a reply
  // (a channel open) and waits interval * count_max seconds for it; no reply
  // makes the host UNREACHABLE. 0 turns the probe off. Also TCP keepalive.
  int keepalive_interval_s = 15;
  int keepalive_count_max = 3;
  std::optional<std::string> known_hosts_file;         // UserKnownHostsFile
  std::optional<std::string> global_known_hosts_file;  // GlobalKnownHostsFile
  HostKeyPolicy host_key_policy = HostKeyPolicy::kStrict;
  std::optional<std::string> proxy_jump;
  std::optional<std::string> proxy_command;
  std::optional<bool> compression;
  // ssh -F: read this file instead of ~/.ssh/config and /etc/ssh/ssh_config.
  std::optional<std::string> config_file;
  // Options given but not mapped onto libssh, as written ("-o ControlMaster=auto").
  std::vector<std::string> ignored_options;
};

// Resolves one host. `vars` are the host's merged variables. Precedence:
// host variables, then the command line, then ~/.ssh/config (later), then
// libssh defaults. Errors name the variable (e.g. a non-numeric port).
Result<SshTarget> ResolveSshTarget(const std::string& name, const Map& vars,
                                   const ConnectionDefaults& defaults);

// Applies ssh command-line arguments ("-o K=V", "-oK=V", "-o 'K V'", -F,
// -i, -p, -l, -J, -C) to `target`; unknown ones land in ignored_options.
Status ApplySshArgs(const std::string& args, SshTarget* target);

// The connection plugin a host uses: "ssh" or "local" (ansible_connection;
// "paramiko" and "smart" mean ssh). Unknown plugins are an error.
Result<std::string> ConnectionKind(const Map& vars, const ConnectionDefaults& defaults);

// Reads ANSIBLE_HOST_KEY_CHECKING: "False"/"no"/"0" -> kOff, else nullopt.
std::optional<HostKeyPolicy> HostKeyPolicyFromEnvironment();

}  // namespace drover::connection
