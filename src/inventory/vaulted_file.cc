#include "inventory/vaulted_file.h"

#include <memory>

#include "core/file_util.h"
#include "core/value.h"

namespace drover::inventory {

bool IsVaultEnvelope(std::string_view text) {
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    ++i;
  }
  return text.substr(i, 14) == "$ANSIBLE_VAULT";
}

Result<std::string> ReadPossiblyVaultedFile(const std::string& path, bool* was_vaulted) {
  Result<std::string> text = ReadFile(path);
  const bool vaulted = text && IsVaultEnvelope(*text);
  if (was_vaulted) *was_vaulted = vaulted;
  if (!vaulted) return text;
  Location where{std::make_shared<const std::string>(path), 1, 1};
  try {
    return Value::Vault(std::move(text).value(), where).as_string();
  } catch (const Failure& f) {
    Error e = f.error;
    if (!e.where.known()) e.where = where;
    return e;
  }
}

}  // namespace drover::inventory
