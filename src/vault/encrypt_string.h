// The YAML block `ansible-vault encrypt_string` prints for one value:
//
//   name: !vault |
//             $ANSIBLE_VAULT;1.1;AES256
//             6162...
//
// (10 spaces of indent; no name line prefix when name is empty; no trailing
// newline, as Ansible's format_ciphertext_yaml).
#pragma once

#include <string>
#include <string_view>

namespace drover::vault {

std::string FormatCiphertextYaml(std::string_view envelope, std::string_view name);

}  // namespace drover::vault
