#include "modules/postgres_password.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <regex>

#include "modules/install.h"

namespace drover::modules {

namespace {

std::vector<unsigned char> Base64Decode(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

const std::regex kScramRe(
    R"(^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$)");

// Whether `password` is the one behind a stored SCRAM-SHA-256 verifier
// (RFC 5802: ServerKey = HMAC(Hi(password, salt, i), "Server Key")).
bool ScramMatches(const std::string& password, const std::smatch& m) {
  const int iterations = std::atoi(m[1].str().c_str());
  const std::vector<unsigned char> salt = Base64Decode(m[2].str());
  const std::vector<unsigned char> server_key = Base64Decode(m[4].str());
  unsigned char salted[32];
  if (iterations <= 0 || PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                           salt.data(), static_cast<int>(salt.size()), iterations,
                                           EVP_sha256(), sizeof salted, salted) != 1)
    return false;
  unsigned char key[EVP_MAX_MD_SIZE];
  unsigned int key_len = 0;
  static const char kLabel[] = "Server Key";
  HMAC(EVP_sha256(), salted, sizeof salted, reinterpret_cast<const unsigned char*>(kLabel),
       sizeof kLabel - 1, key, &key_len);
  return server_key.size() == key_len && std::equal(server_key.begin(), server_key.end(), key);
}

}  // namespace

// user_should_we_change_password. `stored` is null when pg_authid could
// not be read (then: always change, as the module assumes).
bool PgPasswordChanging(const Value* stored, const std::string& user,
                        const std::optional<std::string>& password, bool encrypted) {
  if (!stored) return true;
  if (!password) return false;
  const std::string current = stored->is_string() ? stored->as_string() : "";
  const bool has_current = stored->is_string();
  if (password->empty()) return has_current;
  if (std::regex_match(*password, kScramRe)) return *password != current;
  std::smatch m;
  if (has_current && std::regex_match(current, m, kScramRe)) {
    for (unsigned char c : *password)
      if (c < 0x20 || c > 0x7e) return true;  // SASLprep would apply: not reproduced
    return !ScramMatches(*password, m);
  }
  if ((password->rfind("md5", 0) == 0 && password->size() == 35) || !encrypted)
    return !has_current || *password != current;
  return !has_current || "md5" + HexDigest("md5", *password + user) != current;
}

}  // namespace drover::modules
