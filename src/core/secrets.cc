#include "core/secrets.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <vector>

namespace drover {

namespace {
struct Registry {
  std::mutex mu;
  std::vector<std::string> secrets;  // longest first, so overlaps mask fully
};

std::atomic<bool> any_registered{false};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

void AddLocked(Registry& r, std::string_view s) {
  if (s.empty()) return;
  if (std::find(r.secrets.begin(), r.secrets.end(), s) != r.secrets.end()) return;
  r.secrets.emplace_back(s);
  any_registered.store(true, std::memory_order_release);
}
}  // namespace

void RegisterSecret(std::string_view secret) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  // A trailing newline is not part of what a user would see as the secret.
  std::string_view trimmed = secret;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r'))
    trimmed.remove_suffix(1);
  AddLocked(r, trimmed);
  if (trimmed.find('\n') != std::string_view::npos) {
    size_t start = 0;
    while (start <= trimmed.size()) {
      size_t end = trimmed.find('\n', start);
      if (end == std::string_view::npos) end = trimmed.size();
      std::string_view line = trimmed.substr(start, end - start);
      if (line.size() >= 4) AddLocked(r, line);
      start = end + 1;
    }
  }
  std::sort(r.secrets.begin(), r.secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

// The masking rule. A secret of kMaskAnywhereLength characters or more is
// masked wherever it appears. A shorter one is masked only where it stands
// as a word of its own: not directly after or before a letter, digit, '_'
// or non-ASCII byte. So with the secret "secret", "pw=secret" and
// "'secret'" are masked but "vault_django_secret_key" and "'secrets' is
// undefined" are left alone: a short common word inside another word is
// not the secret being shown.
namespace {

constexpr size_t kMaskAnywhereLength = 16;

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) || c == '_';
}

bool StandsAlone(std::string_view text, size_t pos, size_t len) {
  if (pos > 0 && IsWordByte(text[pos - 1])) return false;
  return pos + len >= text.size() || !IsWordByte(text[pos + len]);
}

}  // namespace

bool AnySecretRegistered() {
  return any_registered.load(std::memory_order_acquire);
}

bool ContainsSecret(std::string_view text) {
  if (!AnySecretRegistered()) return false;
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  for (const std::string& secret : r.secrets)
    if (text.find(secret) != std::string_view::npos) return true;
  return false;
}

std::string Redact(std::string_view text) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  std::string out(text);
  for (const std::string& secret : r.secrets) {
    const bool anywhere = secret.size() >= kMaskAnywhereLength;
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      if (anywhere || StandsAlone(out, pos, secret.size())) {
        out.replace(pos, secret.size(), kSecretMask);
        pos += kSecretMask.size();
      } else {
        ++pos;
      }
    }
  }
  return out;
}

}  // namespace drover
