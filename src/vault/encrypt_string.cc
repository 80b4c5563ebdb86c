#include "vault/encrypt_string.h"

namespace drover::vault {

std::string FormatCiphertextYaml(std::string_view envelope, std::string_view name) {
  std::string out;
  if (!name.empty()) {
    out += name;
    out += ": ";
  }
  out += "!vault |";
  size_t start = 0;
  while (start < envelope.size()) {
    size_t end = envelope.find('\n', start);
    if (end == std::string_view::npos) end = envelope.size();
    out += "\n          ";
    out += envelope.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

}  // namespace drover::vault
