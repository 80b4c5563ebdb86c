// The vault settings of an existing project's ansible.cfg, so `drover` finds
// the same vault password as ansible-playbook does without new flags.
//
// The file is found as Ansible finds it (first that exists): $ANSIBLE_CONFIG
// (a file, or a directory holding ansible.cfg), ./ansible.cfg (skipped when
// the current directory is world-writable), ~/.ansible.cfg,
// /etc/ansible/ansible.cfg. Only [defaults] vault_password_file,
// vault_identity_list and vault_encrypt_identity are read. Paths get ~ and
// $VAR expansion and are relative to the config file's directory.
// The ANSIBLE_* environment variables take precedence (the caller applies
// them).
#pragma once

#include <string>
#include <vector>

namespace drover::vault {

struct VaultConfig {
  std::string file;           // the ansible.cfg read, "" when none
  std::string password_file;  // resolved path, "" when unset
  std::vector<std::string> identity_list;
  std::string encrypt_identity;
};

VaultConfig ReadVaultConfig();

// Parses the [defaults] vault settings from ansible.cfg text read from
// `file` (used to resolve relative paths).
VaultConfig ParseVaultConfig(const std::string& text, const std::string& file);

}  // namespace drover::vault
