#include "vault/vault_options.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/secrets.h"
#include "core/value.h"
#include "core/yaml.h"
#include "vault/encrypt_string.h"

using namespace drover;
using namespace drover::vault;

namespace {

// A file in a fresh temporary directory, removed with it.
struct TempFile {
  std::string dir;
  std::string path;
  TempFile(const std::string& name, const std::string& content, mode_t mode = 0600) {
    char tmpl[] = "/tmp/drover-vault-test-XXXXXX";
    dir = mkdtemp(tmpl);
    path = dir + "/" + name;
    std::ofstream(path) << content;
    chmod(path.c_str(), mode);
  }
  ~TempFile() {
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
};

}  // namespace

TEST_CASE("an encrypt_string block loads through the YAML loader and decrypts lazily") {
  auto text = Encrypt("p@ss: with \"quotes\"\n", VaultSecret{"", "yaml-pw", ""}, "");
  REQUIRE(text.ok());
  const std::string doc = FormatCiphertextYaml(*text, "db_password") + "\nplain: 1\n";
  SetVaultDecryptor(nullptr);
  auto v = LoadYaml(doc, "group_vars/all.yml");
  REQUIRE(v.ok());
  const Value& secret = *v->as_map().find("db_password");
  CHECK(secret.is_vault());
  // Loading and using other values needs no password.
  CHECK(v->as_map().find("plain")->as_int() == 1);
  CHECK_FALSE(secret.vault_revealed());

  TempFile pw("pw", "yaml-pw\n");
  VaultOptions options;
  options.password_files = {pw.path};
  REQUIRE(InstallVaultDecryptor(options, nullptr).ok());
  CHECK(secret.as_string() == "p@ss: with \"quotes\"\n");
  // Decrypted text is registered for redaction.
  CHECK(Redact("value p@ss: with \"quotes\" here").find("p@ss") == std::string::npos);
  SetVaultDecryptor(nullptr);
}

TEST_CASE("no password: an installed decryptor names the file, line and flags") {
  auto text = Encrypt("x", VaultSecret{"", "pw", ""}, "");
  VaultOptions none;
  unsetenv("DROVER_VAULT_PASSWORD_FILE");
  unsetenv("ANSIBLE_VAULT_PASSWORD_FILE");
  unsetenv("ANSIBLE_VAULT_IDENTITY_LIST");
  REQUIRE(InstallVaultDecryptor(none, nullptr).ok());
  auto file = std::make_shared<const std::string>("host_vars/web1.yml");
  Value v = Value::Vault(*text, Location{file, 4, 3});
  try {
    (void)v.as_string();
    FAIL("expected a Failure");
  } catch (const Failure& f) {
    CHECK(f.error.headline().rfind("host_vars/web1.yml:4:3: ", 0) == 0);
    CHECK(f.error.full().find("--vault-password-file") != std::string::npos);
  }
  SetVaultDecryptor(nullptr);
}

TEST_CASE("keyring order: identity list, --vault-id, password files, environment") {
  TempFile a("a", "  first  \n");
  TempFile b("b", "second\n");
  TempFile c("c", "third");
  TempFile script("pass.sh", "#!/bin/sh\nprintf 'from script\\n\\n'\n", 0700);
  setenv("ANSIBLE_VAULT_IDENTITY_LIST", ("listed@" + c.path).c_str(), 1);
  setenv("DROVER_VAULT_PASSWORD_FILE", script.path.c_str(), 1);
  VaultOptions options;
  options.vault_ids = {"prod@" + a.path};
  options.password_files = {b.path};
  std::vector<Error> warnings;
  auto k = BuildKeyring(options, KeyringRequest{}, &warnings);
  unsetenv("ANSIBLE_VAULT_IDENTITY_LIST");
  unsetenv("DROVER_VAULT_PASSWORD_FILE");
  REQUIRE(k.ok());
  REQUIRE(k->secrets().size() == 4);
  CHECK(k->secrets()[0].vault_id == "listed");
  CHECK(k->secrets()[0].password == "third");
  CHECK(k->secrets()[1].vault_id == "prod");
  CHECK(k->secrets()[1].password == "first");  // file: surrounding whitespace stripped
  CHECK(k->secrets()[2].vault_id == "default");
  CHECK(k->secrets()[3].password == "from script");  // script: trailing newlines stripped
  CHECK(warnings.empty());
}

TEST_CASE("a missing password file is a warning when another source works, else the error") {
  TempFile good("good", "pw\n");
  VaultOptions options;
  options.vault_ids = {"x@/nonexistent/pw", "y@" + good.path};
  std::vector<Error> warnings;
  auto k = BuildKeyring(options, KeyringRequest{.use_environment = false}, &warnings);
  REQUIRE(k.ok());
  CHECK(k->secrets().size() == 1);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message.find("/nonexistent/pw") != std::string::npos);

  VaultOptions bad;
  bad.password_files = {"/nonexistent/pw"};
  warnings.clear();
  auto fail = BuildKeyring(bad, KeyringRequest{.use_environment = false}, &warnings);
  REQUIRE_FALSE(fail.ok());
  CHECK(fail.error().message.find("was not found") != std::string::npos);
  CHECK(warnings.empty());

  VaultOptions semicolon;
  semicolon.vault_ids = {"a;b@x"};
  CHECK_FALSE(BuildKeyring(semicolon, KeyringRequest{.use_environment = false}, nullptr).ok());
}
