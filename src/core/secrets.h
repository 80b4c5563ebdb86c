// Process-wide registry of secret strings (decrypted vault values, become and
// connection passwords). Everything drover prints or logs passes through
// Redact(), so a secret never reaches output even when a task echoes it.
#pragma once

#include <string>
#include <string_view>

namespace drover {

// Registers a plaintext secret. Empty strings are ignored. Multi-line secrets
// are also registered line by line (lines of 4+ characters), so a key or
// certificate printed one line at a time is still hidden. Thread-safe.
void RegisterSecret(std::string_view secret);

// True once any secret is registered (a cheap test for hot paths).
bool AnySecretRegistered();

// True when text contains a registered secret anywhere (regardless of the
// word rule Redact applies to short secrets).
bool ContainsSecret(std::string_view text);

// Returns text with every registered secret replaced by "********".
std::string Redact(std::string_view text);

// The mask Redact() writes in place of a secret.
inline constexpr std::string_view kSecretMask = "********";

}  // namespace drover
