// Reading files that may be ansible-vault encrypted as a whole (inventories,
// group_vars/host_vars files, vars files). The decryption itself is the
// process-wide VaultDecryptor (core/value.h) that the vault code installs.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::inventory {

// True when `text` is a vault envelope ("$ANSIBLE_VAULT;..." first line).
bool IsVaultEnvelope(std::string_view text);

// The file's text, decrypted when it is vault-encrypted. Errors name the
// file (unreadable) or the file and line 1 (no password, wrong password).
// `was_vaulted`, when given, is set to whether the file was encrypted.
Result<std::string> ReadPossiblyVaultedFile(const std::string& path, bool* was_vaulted = nullptr);

}  // namespace drover::inventory
