// The vault options every command shares (--vault-password-file,
// --ask-vault-pass, --vault-id), how they become a Keyring, and how that
// keyring is installed for lazy decryption of `!vault` values and vaulted
// files (drover::SetVaultDecryptor in core/value.h).
//
// Wiring for a command (e.g. playbook, adhoc, inventory):
//   vault::VaultOptions vault_options;
//   vault::AddVaultOptions(app, vault_options);
//   ... app.parse ...
//   std::vector<Error> warnings;
//   Status s = vault::InstallVaultDecryptor(vault_options, &warnings);
// After that, Value::as_string() on a vault value decrypts on first use, and
// a whole vaulted file decrypts with Value::Vault(text, {file}).as_string().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "vault/keyring.h"

namespace CLI {
class App;
}

namespace drover::vault {

struct VaultOptions {
  std::vector<std::string> vault_ids;       // --vault-id [label@]source, in order
  std::vector<std::string> password_files;  // --vault-password-file FILE
  bool ask_vault_pass = false;              // --ask-vault-pass / -J
};

// Adds --vault-id, --vault-password-file (alias --vault-pass-file) and
// --ask-vault-pass (-J, --ask-vault-password) to app, storing into options
// (which must outlive app's parse).
void AddVaultOptions(CLI::App& app, VaultOptions& options);

struct KeyringRequest {
  // Passwords will encrypt: prompts ask twice ("New Vault password: ").
  bool new_password = false;
  // Prompt on the terminal when no source at all was given (ansible-vault
  // does; ansible-playbook does not).
  bool auto_prompt = false;
  // Read the environment (ANSIBLE_VAULT_IDENTITY_LIST, else ansible.cfg's
  // vault_identity_list; DROVER_VAULT_PASSWORD_FILE, else
  // ANSIBLE_VAULT_PASSWORD_FILE, else ansible.cfg's vault_password_file).
  // Off for rekey's new password.
  bool use_environment = true;
};

// Builds a keyring from the options, in Ansible's order: identities from
// ANSIBLE_VAULT_IDENTITY_LIST (or ansible.cfg), then --vault-id in order, then
// the password files (label "default"; the environment's or ansible.cfg's
// last), then the prompt. A source that fails becomes a
// warning when another source works, and the error otherwise (as Ansible).
// Every password read is registered with RegisterSecret.
Result<Keyring> BuildKeyring(const VaultOptions& options, const KeyringRequest& request,
                             std::vector<Error>* warnings);

// Builds the keyring (no auto prompt) and installs it as the process's vault
// decryptor. Installs one even when no password was given, so a vault value
// that is used fails naming its file:line and the flags to pass.
Status InstallVaultDecryptor(const VaultOptions& options, std::vector<Error>* warnings);

// Installs an already built keyring as the process's vault decryptor.
void InstallKeyring(std::shared_ptr<const Keyring> keyring);

}  // namespace drover::vault
