// The ansible-vault password options shared by the commands that read
// vaulted data (--vault-password-file, --vault-id, --ask-vault-pass), and
// the one seam that turns them into the process-wide vault decryptor
// (core/value.h SetVaultDecryptor).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace drover::cli {

struct VaultFlags {
  std::vector<std::string> password_files;  // --vault-password-file (repeatable)
  std::vector<std::string> ids;             // --vault-id LABEL@SOURCE (repeatable)
  bool ask = false;                         // --ask-vault-pass / -J
  bool any() const { return ask || !password_files.empty() || !ids.empty(); }
};

void AddVaultFlags(CLI::App* app, VaultFlags* flags);

// Installs the process-wide vault decryptor for `flags` (and the
// environment: DROVER_VAULT_PASSWORD_FILE / ANSIBLE_VAULT_PASSWORD_FILE,
// ANSIBLE_VAULT_IDENTITY_LIST) through vault::InstallVaultDecryptor. Vaulted
// values and files then decrypt lazily, on first use; with no password
// source, a vaulted value fails when used, naming its file:line and the flags.
// Password sources that fail are warnings when another one works.
Status InstallVaultDecryptor(const VaultFlags& flags);

}  // namespace drover::cli
