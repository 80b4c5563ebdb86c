// The ansible-vault envelope: a header line, then the payload in lines of
// 80 columns, ending with a newline, exactly as ansible-vault writes it:
//
//   $ANSIBLE_VAULT;1.1;AES256              (no vault id)
//   $ANSIBLE_VAULT;1.2;AES256;<vault-id>   (a vault id other than "default")
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::vault {

inline constexpr std::string_view kVaultHeader = "$ANSIBLE_VAULT";
inline constexpr std::string_view kDefaultVaultId = "default";

// True when text starts with "$ANSIBLE_VAULT" (as Ansible's is_encrypted).
bool IsVaultText(std::string_view text);

struct Envelope {
  std::string version;   // "1.1", "1.2"
  std::string cipher;    // "AES256"
  std::string vault_id;  // from the header; "default" when it has none
  std::string payload;   // hex lines joined, whitespace around lines removed
};

// Parses an envelope (leading whitespace is skipped). `source` (a file name or file:line) is only
// for errors.
Result<Envelope> ParseEnvelope(std::string_view text, const std::string& source);

// Formats a payload as ansible-vault does: 1.2 with the id when vault_id is
// set and not "default", 1.1 otherwise; 80-column lines; final newline.
std::string FormatEnvelope(std::string_view payload, std::string_view vault_id);

}  // namespace drover::vault
