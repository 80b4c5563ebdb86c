#include "vault/aes256_cipher.h"

#include <doctest/doctest.h>

#include "vault/envelope.h"

using namespace drover::vault;

namespace {

// Ansible's own format vectors (test/units/parsing/vault), password
// "test-vault-password", plaintext "foobar\n".
constexpr char kVector11[] =
    "$ANSIBLE_VAULT;1.1;AES256\n"
    "33613463343938323434396164663236376438313435633837336438366530666431643031333734\n"
    "6463646538393331333239393363333830613039376562360a396635393636636539346332336364\n"
    "35303039353164386461326439346165656463383137663932323930666632326263636266656461\n"
    "3232663537653637640a643166666232633936636664376435316664656631633166323237356163\n"
    "6138\n";
constexpr char kVector12[] =
    "$ANSIBLE_VAULT;1.2;AES256;test_vault_id\n"
    "30383835613535356232333534303264656530633664616233386138396563623939626136366537\n"
    "3635323530646538626138383136636437616637616430610a386661346563346136326637656461\n"
    "64393364343964633364336666333630383164643662343930663432316333633537353938376437\n"
    "6134656262373731390a363166356461376663313532343733326438386632623930313366643038\n"
    "6133\n";
constexpr char kPassword[] = "test-vault-password";

std::string SaltOf(const std::string& payload) {
  std::string inner, salt;
  REQUIRE(Unhexlify(payload, &inner));
  REQUIRE(Unhexlify(inner.substr(0, inner.find('\n')), &salt));
  return salt;
}

}  // namespace

TEST_CASE("hexlify round trip and rejects bad hex") {
  std::string bytes;
  CHECK(Hexlify(std::string("\x00\xff\x10z", 4)) == "00ff107a");
  CHECK(Unhexlify("00FF107a", &bytes));
  CHECK(bytes == std::string("\x00\xff\x10z", 4));
  CHECK_FALSE(Unhexlify("abc", &bytes));
  CHECK_FALSE(Unhexlify("zz", &bytes));
}

TEST_CASE("Ansible's 1.1 and 1.2 vectors decrypt to foobar") {
  for (const char* vector : {kVector11, kVector12}) {
    auto env = ParseEnvelope(vector, "vector.yml");
    REQUIRE(env.ok());
    DecryptOutcome out = DecryptPayload(env->payload, kPassword);
    CHECK(out.failure == DecryptFailure::kNone);
    CHECK(out.plaintext == "foobar\n");
  }
  auto env12 = ParseEnvelope(kVector12, "v");
  CHECK(env12->version == "1.2");
  CHECK(env12->vault_id == "test_vault_id");
  CHECK(ParseEnvelope(kVector11, "v")->vault_id == "default");
}

TEST_CASE("encrypting with the vector's salt reproduces the vector byte for byte") {
  for (auto [vector, id] : {std::pair{kVector11, ""}, std::pair{kVector12, "test_vault_id"}}) {
    auto env = ParseEnvelope(vector, "vector.yml");
    REQUIRE(env.ok());
    auto payload = EncryptPayload("foobar\n", kPassword, SaltOf(env->payload));
    REQUIRE(payload.ok());
    CHECK(*payload == env->payload);
    CHECK(FormatEnvelope(*payload, id) == vector);
  }
}

TEST_CASE("a wrong password fails the HMAC check; altered text too") {
  auto env = ParseEnvelope(kVector11, "v");
  CHECK(DecryptPayload(env->payload, "wrong").failure == DecryptFailure::kHmac);

  // Change one hex digit of the ciphertext (the inner text's last part).
  std::string inner;
  REQUIRE(Unhexlify(env->payload, &inner));
  char& c = inner[inner.size() - 3];
  c = c == '1' ? '2' : '1';
  CHECK(DecryptPayload(Hexlify(inner), kPassword).failure == DecryptFailure::kHmac);

  // Truncated: odd length or missing parts are format errors.
  CHECK(DecryptPayload(env->payload.substr(0, env->payload.size() - 1), kPassword).failure ==
        DecryptFailure::kFormat);
  CHECK(DecryptPayload(env->payload.substr(0, 100), kPassword).failure == DecryptFailure::kFormat);
}

TEST_CASE("round trips: empty, binary, block-sized and large plaintexts") {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  std::string large(100000, 'x');
  for (const std::string& plain :
       {std::string(), binary, std::string(16, 'a'), std::string(15, 'b'), large}) {
    auto payload = EncryptPayload(plain, "pw");
    REQUIRE(payload.ok());
    DecryptOutcome out = DecryptPayload(*payload, "pw");
    CHECK(out.failure == DecryptFailure::kNone);
    CHECK(out.plaintext == plain);
  }
  // A fresh random salt each time.
  CHECK(*EncryptPayload("same", "pw") != *EncryptPayload("same", "pw"));
}

TEST_CASE("envelope layout: 80 columns, final newline, 1.2 only with a real id") {
  const std::string payload(170, 'a');
  std::string text = FormatEnvelope(payload, "default");
  CHECK(text == "$ANSIBLE_VAULT;1.1;AES256\n" + std::string(80, 'a') + "\n" + std::string(80, 'a') +
                    "\n" + std::string(10, 'a') + "\n");
  CHECK(FormatEnvelope("ab", "prod").rfind("$ANSIBLE_VAULT;1.2;AES256;prod\nab\n", 0) == 0);
  CHECK(FormatEnvelope("ab", "") == "$ANSIBLE_VAULT;1.1;AES256\nab\n");
  CHECK_FALSE(ParseEnvelope("not vault", "f").ok());
  CHECK(ParseEnvelope(std::string("\n  ") + kVector11, "f").ok());
  CHECK_FALSE(ParseEnvelope("$ANSIBLE_VAULT;1.1;AES256\n", "f").ok());
  CHECK_FALSE(ParseEnvelope("$ANSIBLE_VAULT;1.1;AES\nab\n", "f").ok());
}
