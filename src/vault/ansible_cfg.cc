#include "vault/ansible_cfg.h"

#include "core/ansible_cfg.h"

namespace drover::vault {

namespace {
std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

VaultConfig FromConfig(const AnsibleConfig& ansible) {
  VaultConfig cfg;
  cfg.file = ansible.file;
  cfg.password_file = ansible.GetPath("defaults", "vault_password_file");
  const std::string ids = ansible.Get("defaults", "vault_identity_list");
  size_t s = 0;
  while (s < ids.size()) {
    size_t comma = ids.find(',', s);
    if (comma == std::string::npos) comma = ids.size();
    const std::string item = Trim(ids.substr(s, comma - s));
    if (!item.empty()) cfg.identity_list.push_back(item);
    s = comma + 1;
  }
  cfg.encrypt_identity = ansible.Get("defaults", "vault_encrypt_identity");
  return cfg;
}
}  // namespace

VaultConfig ParseVaultConfig(const std::string& text, const std::string& file) {
  return FromConfig(ParseAnsibleConfig(text, file));
}

VaultConfig ReadVaultConfig() {
  return FromConfig(ReadAnsibleConfig());
}

}  // namespace drover::vault
