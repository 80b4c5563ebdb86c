#include "vault/keyring.h"

#include <openssl/crypto.h>

#include "vault/aes256_cipher.h"

namespace drover::vault {

Keyring::~Keyring() {
  for (VaultSecret& s : secrets_) OPENSSL_cleanse(s.password.data(), s.password.size());
}

void Keyring::Add(VaultSecret secret) {
  if (secret.vault_id.empty()) secret.vault_id = std::string(kDefaultVaultId);
  secrets_.push_back(std::move(secret));
}

Result<Decrypted> Keyring::Decrypt(std::string_view text, const std::string& source) const {
  Result<Envelope> env = ParseEnvelope(text, source);
  if (!env) return env.take_error();
  if (secrets_.empty()) {
    Error e = MakeError((source.empty() ? std::string("a value") : source) +
                        " is vault-encrypted but no vault password was given");
    e.detail = "pass " + std::string(kPasswordFlagsHint);
    return e;
  }
  // Secrets labelled with the envelope's vault id first, then the others.
  std::vector<const VaultSecret*> order;
  for (const VaultSecret& s : secrets_) {
    if (s.vault_id == env->vault_id) order.push_back(&s);
  }
  for (const VaultSecret& s : secrets_) {
    if (s.vault_id != env->vault_id) order.push_back(&s);
  }
  std::string tried;
  for (const VaultSecret* s : order) {
    DecryptOutcome out = DecryptPayload(env->payload, s->password);
    if (out.failure == DecryptFailure::kNone) {
      return Decrypted{std::move(out.plaintext), std::move(env).value(), s};
    }
    if (out.failure == DecryptFailure::kFormat) {
      return MakeError("There was a vault format error" +
                       (source.empty() ? std::string() : " in " + source) + ": " + out.reason);
    }
    if (!tried.empty()) tried += ", ";
    tried += s->vault_id;
    if (!s->origin.empty()) tried += " from " + s->origin;
  }
  Error e = MakeError("Decryption failed (no vault secrets were found that could decrypt)" +
                      (source.empty() ? std::string() : " on " + source));
  e.detail =
      "HMAC verification failed with every vault secret tried (vault ids: " + tried +
      "): the vault password is not the one it was encrypted with, or the encrypted text of " +
      (source.empty() ? std::string("the value") : source) +
      " was altered; give the password it was encrypted with: " + std::string(kPasswordFlagsHint);
  return e;
}

Result<const VaultSecret*> Keyring::EncryptSecret(std::string_view encrypt_vault_id) const {
  if (secrets_.empty()) {
    Error e = MakeError("A vault password is required to encrypt");
    e.detail = "pass " + std::string(kPasswordFlagsHint);
    return e;
  }
  if (encrypt_vault_id.empty()) return &secrets_.front();
  std::string known;
  for (const VaultSecret& s : secrets_) {
    if (s.vault_id == encrypt_vault_id) return &s;
    known += (known.empty() ? "" : ", ") + s.vault_id;
  }
  return MakeError("Did not find a match for --encrypt-vault-id=" + std::string(encrypt_vault_id) +
                   " in the known vault-ids [" + known + "]");
}

Result<std::string> Encrypt(std::string_view plaintext, const VaultSecret& secret,
                            std::string_view vault_id) {
  if (IsVaultText(plaintext)) return MakeError("input is already encrypted");
  Result<std::string> payload = EncryptPayload(plaintext, secret.password);
  if (!payload) return payload.take_error();
  return FormatEnvelope(*payload, vault_id);
}

}  // namespace drover::vault
