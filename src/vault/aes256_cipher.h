// The AES256 cipher of ansible-vault (format 1.1 and 1.2): the payload that
// sits below the "$ANSIBLE_VAULT;..." header line.
//
//   keys    = PBKDF2-HMAC-SHA256(password, salt (32 random bytes), 10000, 80)
//             = AES key (32) | HMAC key (32) | CTR initial counter (16)
//   cipher  = AES-256-CTR(PKCS#7-pad(plaintext, 16))
//   hmac    = HMAC-SHA256(HMAC key, cipher)
//   payload = hexlify(hexlify(salt) "\n" hexlify(hmac) "\n" hexlify(cipher))
//
// All cryptography is OpenSSL EVP; nothing here is home-made.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::vault {

inline constexpr size_t kSaltSize = 32;
inline constexpr int kPbkdf2Iterations = 10000;

// Encrypts plaintext under password; returns the payload (one long hex line,
// not yet wrapped at 80 columns). `salt` must be kSaltSize bytes; empty means
// a fresh random salt (tests pass a fixed one to reproduce known vectors).
Result<std::string> EncryptPayload(std::string_view plaintext, std::string_view password,
                                   std::string_view salt = {});

// Why a payload did not decrypt. kFormat: the payload is not well formed
// (truncated, not hex, missing parts) whatever the password; kHmac: the
// HMAC does not match (wrong password, or the ciphertext was altered).
enum class DecryptFailure { kNone, kFormat, kHmac };

struct DecryptOutcome {
  DecryptFailure failure = DecryptFailure::kNone;
  std::string plaintext;  // set when failure == kNone
  std::string reason;     // set otherwise: what was wrong, no secrets in it
};

// Decrypts a payload (the hex text below the header, newlines removed). The
// HMAC is compared in constant time before any decryption happens.
DecryptOutcome DecryptPayload(std::string_view payload, std::string_view password);

// Lower-case hex of bytes, and its inverse (nullopt-like: false on bad hex).
std::string Hexlify(std::string_view bytes);
bool Unhexlify(std::string_view hex, std::string* bytes);

}  // namespace drover::vault
