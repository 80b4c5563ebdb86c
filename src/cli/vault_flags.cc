#include "cli/vault_flags.h"

namespace drover::cli {

void AddVaultFlags(CLI::App* app, VaultFlags* flags) {
  app->add_option("--vault-password-file,--vault-pass-file", flags->password_files,
                  "vault password file");
  app->add_option("--vault-id", flags->ids, "the vault identity to use (LABEL@SOURCE)");
  app->add_flag("-J,--ask-vault-pass,--ask-vault-password", flags->ask, "ask for vault password");
}

Status InstallVaultDecryptor(const VaultFlags& flags) {
  if (!flags.any()) return {};
  Error e = MakeError(
      "vault decryption is not available in this build of drover yet; "
      "decrypt with ansible-vault or use a build that includes src/vault");
  e.code = ExitCode::kBadOptions;
  return e;
}

}  // namespace drover::cli
