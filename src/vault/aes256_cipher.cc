#include "vault/aes256_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

namespace drover::vault {

namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kIvSize = 16;
constexpr size_t kBlockSize = 16;

// Key material derived from the password and salt; wiped on destruction.
struct DerivedKeys {
  unsigned char material[2 * kKeySize + kIvSize];
  const unsigned char* cipher_key() const { return material; }
  const unsigned char* hmac_key() const { return material + kKeySize; }
  const unsigned char* counter() const { return material + 2 * kKeySize; }
  ~DerivedKeys() { OPENSSL_cleanse(material, sizeof(material)); }
};

bool DeriveKeys(std::string_view password, std::string_view salt, DerivedKeys* keys) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), kPbkdf2Iterations, EVP_sha256(),
                           sizeof(keys->material), keys->material) == 1;
}

// HMAC-SHA256 through EVP_MAC. Returns false on an OpenSSL failure.
bool HmacSha256(const unsigned char* key, std::string_view data, std::string* out) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  if (!mac) return false;
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                &EVP_MAC_CTX_free);
  if (!ctx) return false;
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx.get(), key, kKeySize, params) != 1) return false;
  if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
      1) {
    return false;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), digest, &len, sizeof(digest)) != 1) return false;
  out->assign(reinterpret_cast<const char*>(digest), len);
  return true;
}

// AES-256-CTR is its own inverse: the same call encrypts and decrypts.
bool Aes256Ctr(const DerivedKeys& keys, std::string_view in, std::string* out) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  if (!ctx) return false;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, keys.cipher_key(),
                         keys.counter()) != 1) {
    return false;
  }
  out->resize(in.size() + kBlockSize);
  int len = 0;
  int total = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out->data());
  if (EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) != 1) {
    return false;
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1) return false;
  total += len;
  out->resize(static_cast<size_t>(total));
  return true;
}

}  // namespace

std::string Hexlify(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool Unhexlify(std::string_view hex, std::string* bytes) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  bytes->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

Result<std::string> EncryptPayload(std::string_view plaintext, std::string_view password,
                                   std::string_view salt) {
  std::string salt_bytes(salt);
  if (salt_bytes.empty()) {
    salt_bytes.resize(kSaltSize);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt_bytes.data()), kSaltSize) != 1) {
      return MakeError("vault: could not get random bytes for the salt");
    }
  }
  DerivedKeys keys;
  if (!DeriveKeys(password, salt_bytes, &keys)) return MakeError("vault: key derivation failed");

  // PKCS#7: 1..16 bytes of padding, each the padding length.
  std::string padded;
  padded.reserve(plaintext.size() + kBlockSize);
  padded.append(plaintext);
  const size_t pad = kBlockSize - plaintext.size() % kBlockSize;
  padded.append(pad, static_cast<char>(pad));

  std::string cipher;
  const bool encrypted = Aes256Ctr(keys, padded, &cipher);
  OPENSSL_cleanse(padded.data(), padded.size());
  if (!encrypted) return MakeError("vault: AES-256-CTR encryption failed");

  std::string hmac;
  if (!HmacSha256(keys.hmac_key(), cipher, &hmac)) return MakeError("vault: HMAC failed");
  return Hexlify(Hexlify(salt_bytes) + "\n" + Hexlify(hmac) + "\n" + Hexlify(cipher));
}

DecryptOutcome DecryptPayload(std::string_view payload, std::string_view password) {
  DecryptOutcome out;
  auto fail = [&out](DecryptFailure kind, std::string reason) {
    out.failure = kind;
    out.reason = std::move(reason);
    return out;
  };
  std::string inner;
  if (!Unhexlify(payload, &inner)) {
    return fail(DecryptFailure::kFormat, "the payload is not valid hex (truncated or altered)");
  }
  const size_t first = inner.find('\n');
  const size_t second = first == std::string::npos ? first : inner.find('\n', first + 1);
  if (second == std::string::npos) {
    return fail(DecryptFailure::kFormat,
                "the payload does not have its three parts (salt, HMAC, ciphertext)");
  }
  std::string salt, expected_hmac, cipher;
  if (!Unhexlify(std::string_view(inner).substr(0, first), &salt) ||
      !Unhexlify(std::string_view(inner).substr(first + 1, second - first - 1), &expected_hmac) ||
      !Unhexlify(std::string_view(inner).substr(second + 1), &cipher)) {
    return fail(DecryptFailure::kFormat, "a part of the payload is not valid hex");
  }
  if (cipher.empty() || cipher.size() % kBlockSize != 0) {
    return fail(DecryptFailure::kFormat, "the ciphertext length is not a whole number of blocks");
  }

  DerivedKeys keys;
  if (!DeriveKeys(password, salt, &keys)) {
    return fail(DecryptFailure::kFormat, "key derivation failed");
  }
  std::string actual_hmac;
  if (!HmacSha256(keys.hmac_key(), cipher, &actual_hmac)) {
    return fail(DecryptFailure::kFormat, "HMAC computation failed");
  }
  if (expected_hmac.size() != actual_hmac.size() ||
      CRYPTO_memcmp(expected_hmac.data(), actual_hmac.data(), actual_hmac.size()) != 0) {
    return fail(DecryptFailure::kHmac, "HMAC verification failed: Signature did not match digest.");
  }

  std::string padded;
  if (!Aes256Ctr(keys, cipher, &padded)) {
    return fail(DecryptFailure::kFormat, "AES-256-CTR decryption failed");
  }
  const unsigned char pad = padded.empty() ? 0 : static_cast<unsigned char>(padded.back());
  bool pad_ok = pad >= 1 && pad <= kBlockSize && pad <= padded.size();
  for (size_t i = 0; pad_ok && i < pad; ++i) {
    pad_ok = static_cast<unsigned char>(padded[padded.size() - 1 - i]) == pad;
  }
  if (!pad_ok) {
    OPENSSL_cleanse(padded.data(), padded.size());
    return fail(DecryptFailure::kFormat, "invalid PKCS#7 padding");
  }
  padded.resize(padded.size() - pad);
  out.plaintext = std::move(padded);
  return out;
}

}  // namespace drover::vault
