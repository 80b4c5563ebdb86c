#include "vault/ansible_cfg.h"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace drover::vault;

TEST_CASE("ansible.cfg vault settings: [defaults] only, paths relative to the file") {
  setenv("DROVER_CFG_TEST_DIR", "/srv/keys", 1);
  const std::string text =
      "# project config\n"
      "[ssh_connection]\n"
      "vault_password_file = /not/this/one\n"
      "[defaults]\n"
      "inventory = hosts\n"
      "Vault_Password_File = .vault_pass ; inline comment\n"
      "vault_identity_list = dev@dev.pw, prod@$DROVER_CFG_TEST_DIR/prod.pw\n"
      "vault_encrypt_identity: prod\n";
  VaultConfig cfg = ParseVaultConfig(text, "/work/project/ansible.cfg");
  CHECK(cfg.password_file == "/work/project/.vault_pass");
  REQUIRE(cfg.identity_list.size() == 2);
  CHECK(cfg.identity_list[0] == "dev@dev.pw");
  CHECK(cfg.identity_list[1] == "prod@$DROVER_CFG_TEST_DIR/prod.pw");  // a list: as written
  CHECK(cfg.encrypt_identity == "prod");

  VaultConfig abs =
      ParseVaultConfig("[defaults]\nvault_password_file=${DROVER_CFG_TEST_DIR}/p\n", "ansible.cfg");
  CHECK(abs.password_file == "/srv/keys/p");
  CHECK(ParseVaultConfig("[defaults]\n", "x/ansible.cfg").password_file.empty());
  unsetenv("DROVER_CFG_TEST_DIR");
}
