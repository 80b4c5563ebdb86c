#include "cli/vault_flags.h"

#include "cli/report.h"
#include "vault/vault_options.h"

namespace drover::cli {

void AddVaultFlags(CLI::App* app, VaultFlags* flags) {
  // One value per flag occurrence, so `--vault-id a file.yml` leaves file.yml
  // to the positional arguments.
  app->add_option("--vault-password-file,--vault-pass-file", flags->password_files,
                  "vault password file (an executable file is run; its output is the password)")
      ->allow_extra_args(false);
  app->add_option("--vault-id", flags->ids,
                  "the vault identity to use: [LABEL@]SOURCE, SOURCE a password file, a script "
                  "or 'prompt' (repeatable)")
      ->allow_extra_args(false);
  app->add_flag("-J,--ask-vault-pass,--ask-vault-password", flags->ask, "ask for vault password");
}

Status InstallVaultDecryptor(const VaultFlags& flags) {
  vault::VaultOptions options;
  options.vault_ids = flags.ids;
  options.password_files = flags.password_files;
  options.ask_vault_pass = flags.ask;
  std::vector<Error> warnings;
  Status s = vault::InstallVaultDecryptor(options, &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  return s;
}

}  // namespace drover::cli
