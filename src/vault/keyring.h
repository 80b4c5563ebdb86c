// A keyring: the vault secrets known to this process, each a (vault id,
// password) pair, in the order they were given. Decrypting tries the secrets
// whose id matches the envelope's id first, then all the others (as
// ansible-vault does); encrypting uses the secret chosen by id or the first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "vault/envelope.h"

namespace drover::vault {

struct VaultSecret {
  std::string vault_id;  // "default" when none was given
  std::string password;
  std::string origin;  // where it came from, for messages: "file x", "prompt"
};

struct Decrypted {
  std::string plaintext;
  Envelope envelope;          // the parsed header (version, vault id)
  const VaultSecret* secret;  // the secret that worked (owned by the keyring)
};

class Keyring {
 public:
  Keyring() = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;
  Keyring(Keyring&&) = default;
  Keyring& operator=(Keyring&&) = default;
  ~Keyring();  // wipes the passwords

  void Add(VaultSecret secret);
  bool empty() const { return secrets_.empty(); }
  const std::vector<VaultSecret>& secrets() const { return secrets_; }

  // Decrypts vault text (a whole file or an inline `!vault` value). `source`
  // names it in errors (a file, or file:line for an inline value). Errors:
  //  - no secrets: names the source and the flags that supply a password;
  //  - a malformed payload: "There was a vault format error in <source>";
  //  - no secret matches the HMAC: "Decryption failed (no vault secrets were
  //    found that could decrypt) on <source>", detail naming the HMAC check.
  Result<Decrypted> Decrypt(std::string_view text, const std::string& source) const;

  // The secret to encrypt with: the one labelled encrypt_vault_id when that
  // is set (error when absent), else the first. Error when empty.
  Result<const VaultSecret*> EncryptSecret(std::string_view encrypt_vault_id = {}) const;

 private:
  std::vector<VaultSecret> secrets_;
};

// Encrypts plaintext into a complete envelope labelled with vault_id (1.2
// when it is not "default"). Refuses input that is already vault text, as
// ansible-vault does.
Result<std::string> Encrypt(std::string_view plaintext, const VaultSecret& secret,
                            std::string_view vault_id);

// The hint naming the flags and variables that supply a vault password.
inline constexpr std::string_view kPasswordFlagsHint =
    "--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass "
    "(or set DROVER_VAULT_PASSWORD_FILE / ANSIBLE_VAULT_PASSWORD_FILE)";

}  // namespace drover::vault
