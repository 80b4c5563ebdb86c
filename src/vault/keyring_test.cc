#include "vault/keyring.h"

#include <doctest/doctest.h>

#include "core/value.h"
#include "vault/vault_options.h"

using namespace drover;
using namespace drover::vault;

TEST_CASE("the keyring tries the matching vault id first, then the others") {
  Keyring keys;
  keys.Add({"dev", "dev-pw", "test"});
  keys.Add({"prod", "prod-pw", "test"});
  auto text = Encrypt("secret\n", VaultSecret{"prod", "prod-pw", ""}, "prod");
  REQUIRE(text.ok());
  CHECK(text->rfind("$ANSIBLE_VAULT;1.2;AES256;prod\n", 0) == 0);
  auto d = keys.Decrypt(*text, "f.yml");
  REQUIRE(d.ok());
  CHECK(d->plaintext == "secret\n");
  CHECK(d->secret->vault_id == "prod");

  // An id the keyring does not know: every secret is still tried.
  auto other = Encrypt("x", VaultSecret{"", "dev-pw", ""}, "elsewhere");
  auto d2 = keys.Decrypt(*other, "g.yml");
  REQUIRE(d2.ok());
  CHECK(d2->secret->vault_id == "dev");
}

TEST_CASE("keyring errors name the file") {
  Keyring keys;
  keys.Add({"", "right", "test"});
  auto text = Encrypt("s", VaultSecret{"", "other", ""}, "");
  auto d = keys.Decrypt(*text, "secrets.yml");
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().message ==
        "Decryption failed (no vault secrets were found that could decrypt) on secrets.yml");
  CHECK(d.error().detail.find("HMAC") != std::string::npos);

  Keyring empty;
  auto none = empty.Decrypt(*text, "secrets.yml");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("secrets.yml") != std::string::npos);
  CHECK(none.error().detail.find("--vault-password-file") != std::string::npos);

  CHECK_FALSE(Encrypt(*text, VaultSecret{"", "x", ""}, "").ok());  // already encrypted
  CHECK(keys.EncryptSecret("nope").ok() == false);
  CHECK((*keys.EncryptSecret())->vault_id == "default");
}

TEST_CASE("an installed keyring decrypts vault values lazily, with file:line on failure") {
  auto keys = std::make_shared<Keyring>();
  keys->Add({"", "pw", "test"});
  InstallKeyring(keys);
  auto good = Encrypt("hunter2", VaultSecret{"", "pw", ""}, "");
  auto bad = Encrypt("x", VaultSecret{"", "nope", ""}, "");
  auto file = std::make_shared<const std::string>("group_vars/all.yml");
  Value v = Value::Vault(*good, Location{file, 3, 10});
  CHECK_FALSE(v.vault_revealed());
  CHECK(v.as_string() == "hunter2");
  Value w = Value::Vault(*bad, Location{file, 7, 5});
  try {
    (void)w.as_string();
    FAIL("expected a Failure");
  } catch (const Failure& f) {
    CHECK(f.error.headline() ==
          "group_vars/all.yml:7:5: Decryption failed (no vault secrets were found that could "
          "decrypt) on group_vars/all.yml");
  }
  SetVaultDecryptor(nullptr);
}
