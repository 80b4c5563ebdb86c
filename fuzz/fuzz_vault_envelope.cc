// libFuzzer target: the ansible-vault envelope (header, 80-column payload)
// and the payload's inner format (hex of salt\nhmac\ncipher). A well-formed
// payload costs one PBKDF2 (10000 rounds) and fails on its HMAC.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vault/aes256_cipher.h"
#include "vault/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!drover::vault::IsVaultText(text)) return 0;
  auto envelope = drover::vault::ParseEnvelope(text, "fuzz.vault");
  if (!envelope.ok()) return 0;
  (void)drover::vault::DecryptPayload(envelope->payload, "fuzz-password");
  return 0;
}
