#include "vault/vault_options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "core/secrets.h"
#include "core/value.h"
#include "vault/ansible_cfg.h"
#include "vault/password_source.h"

namespace drover::vault {

namespace {

// Ansible's CLI.split_vault_id: "label@source", or just "source".
void SplitVaultId(const std::string& slug, std::string* label, std::string* source) {
  const size_t at = slug.find('@');
  if (at == std::string::npos) {
    label->clear();
    *source = slug;
  } else {
    *label = slug.substr(0, at);
    *source = slug.substr(at + 1);
  }
}

std::string Getenv(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

void AddVaultOptions(CLI::App& app, VaultOptions& options) {
  app.add_option("--vault-id", options.vault_ids,
                 "the vault identity to use: [LABEL@]SOURCE, SOURCE a password file, a "
                 "script or 'prompt' (repeatable)")
      ->allow_extra_args(false)
      ->group("Vault");
  app.add_option("--vault-password-file,--vault-pass-file", options.password_files,
                 "vault password file (an executable file is run; its output is the password)")
      ->allow_extra_args(false)
      ->group("Vault");
  app.add_flag("-J,--ask-vault-pass,--ask-vault-password", options.ask_vault_pass,
               "ask for the vault password on the terminal")
      ->group("Vault");
}

Result<Keyring> BuildKeyring(const VaultOptions& options, const KeyringRequest& request,
                             std::vector<Error>* warnings) {
  std::vector<std::string> slugs;
  VaultConfig config;
  if (request.use_environment) config = ReadVaultConfig();
  if (request.use_environment && !std::getenv("ANSIBLE_VAULT_IDENTITY_LIST")) {
    slugs = config.identity_list;
  } else if (request.use_environment) {
    const std::string list = Getenv("ANSIBLE_VAULT_IDENTITY_LIST");
    size_t start = 0;
    while (start < list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string item = list.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) slugs.push_back(item);
      start = comma + 1;
    }
  }
  for (const std::string& id : options.vault_ids) {
    if (id.find(';') != std::string::npos) {
      Error e = MakeError(
          "'" + id + "' is not a valid vault id. The character ';' is not allowed in vault ids");
      e.code = ExitCode::kBadOptions;
      return e;
    }
    slugs.push_back(id);
  }
  std::vector<std::string> files = options.password_files;
  if (request.use_environment) {
    std::string env_file = Getenv("DROVER_VAULT_PASSWORD_FILE");
    if (env_file.empty()) env_file = Getenv("ANSIBLE_VAULT_PASSWORD_FILE");
    if (env_file.empty()) env_file = config.password_file;  // ansible.cfg
    if (!env_file.empty()) files.push_back(env_file);
  }
  for (const std::string& f : files) slugs.push_back(std::string(kDefaultVaultId) + "@" + f);
  if (options.ask_vault_pass || (slugs.empty() && request.auto_prompt && CanPrompt())) {
    slugs.push_back(std::string(kDefaultVaultId) + "@prompt_ask_vault_pass");
  }

  Keyring keyring;
  std::optional<Error> last_error;
  for (const std::string& slug : slugs) {
    std::string label, source;
    SplitVaultId(slug, &label, &source);
    if (label.empty()) label = std::string(kDefaultVaultId);
    Result<std::string> password = MakeError("unreachable");
    std::string origin;
    if (source == "prompt" || source == "prompt_ask_vault_pass") {
      const bool legacy = source == "prompt_ask_vault_pass";
      std::string prompt, confirm;
      if (request.new_password) {
        prompt = legacy ? "New Vault password: " : "New vault password (" + label + "): ";
        confirm = legacy ? "Confirm New Vault password: "
                         : "Confirm new vault password (" + label + "): ";
      } else {
        prompt = legacy ? "Vault password: " : "Vault password (" + label + "): ";
      }
      password = PromptPassword(prompt, confirm);
      if (!password) return password.take_error();  // a failed prompt is fatal, as in Ansible
      origin = "prompt";
    } else {
      password = ReadPasswordSource(source, label);
      origin = source;
      if (!password) {
        Error w = password.take_error();
        w.message = "Error getting vault password file (" + label + "): " + w.message;
        if (warnings) warnings->push_back(w);
        last_error = std::move(w);
        continue;
      }
    }
    RegisterSecret(*password);
    keyring.Add(VaultSecret{label, std::move(password).value(), origin});
  }
  if (keyring.empty() && last_error) {
    if (warnings && !warnings->empty()) warnings->pop_back();  // reported as the error instead
    return *last_error;
  }
  return keyring;
}

void InstallKeyring(std::shared_ptr<const Keyring> keyring) {
  SetVaultDecryptor([keyring = std::move(keyring)](const std::string& envelope,
                                                   const Location& where) -> Result<std::string> {
    // The message names the file ("... on vars.yml"); the error's location
    // adds the line and column of an inline value.
    Result<Decrypted> d = keyring->Decrypt(envelope, where.file ? *where.file : std::string());
    if (!d) {
      Error e = d.take_error();
      e.where = where;
      return e;
    }
    return std::move(d->plaintext);
  });
}

Status InstallVaultDecryptor(const VaultOptions& options, std::vector<Error>* warnings) {
  Result<Keyring> keyring = BuildKeyring(options, KeyringRequest{}, warnings);
  if (!keyring) return keyring.take_error();
  InstallKeyring(std::make_shared<const Keyring>(std::move(keyring).value()));
  return {};
}

}  // namespace drover::vault
