#include "vault/envelope.h"

#include <vector>

namespace drover::vault {

namespace {

std::string_view Strip(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

bool IsVaultText(std::string_view text) {
  return text.substr(0, kVaultHeader.size()) == kVaultHeader;
}

Result<Envelope> ParseEnvelope(std::string_view text, const std::string& source) {
  auto format_error = [&source](const std::string& why) {
    return MakeError("Vault envelope format error" + (source.empty() ? "" : " in " + source) +
                     ": " + why);
  };
  // Leading blank lines or indentation (a block scalar, a hand-edited file)
  // are tolerated.
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos) text.remove_prefix(start);
  if (!IsVaultText(text)) {
    return MakeError(
        "input is not vault encrypted data" +
        (source.empty() ? std::string() : "; " + source + " is not a vault encrypted file"));
  }
  const size_t eol = text.find('\n');
  const std::string_view header = Strip(text.substr(0, eol));
  const std::vector<std::string_view> fields = Split(header, ';');
  if (fields.size() < 3) return format_error("the header has no version and cipher");
  Envelope env;
  env.version = std::string(Strip(fields[1]));
  env.cipher = std::string(Strip(fields[2]));
  env.vault_id = fields.size() >= 4 ? std::string(Strip(fields[3])) : std::string(kDefaultVaultId);
  if (env.version != "1.1" && env.version != "1.2") {
    return format_error("unsupported format version '" + env.version + "'");
  }
  if (env.cipher != "AES256") {
    return MakeError("the vault cipher '" + env.cipher + "' of " + source +
                     " is not supported (only AES256)");
  }
  if (eol != std::string_view::npos) {
    for (std::string_view line : Split(text.substr(eol + 1), '\n')) env.payload += Strip(line);
  }
  if (env.payload.empty()) return format_error("the payload is empty");
  return env;
}

std::string FormatEnvelope(std::string_view payload, std::string_view vault_id) {
  std::string out(kVaultHeader);
  if (!vault_id.empty() && vault_id != kDefaultVaultId) {
    out += ";1.2;AES256;";
    out += vault_id;
  } else {
    out += ";1.1;AES256";
  }
  out += '\n';
  for (size_t i = 0; i < payload.size(); i += 80) {
    out += payload.substr(i, 80);
    out += '\n';
  }
  return out;
}

}  // namespace drover::vault
