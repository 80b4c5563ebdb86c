#include "inventory/host_slice.h"

#include <charconv>
#include <cstdint>

#include "core/digest.h"

namespace drover::inventory {

namespace {

// A positive decimal integer of digits only, or 0 when it is not one.
int ParsePositive(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return 0;
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  for (char c : digits)
    if (c < '0' || c > '9') return 0;
  return value;
}

}  // namespace

Result<HostSlice> ParseHostSlice(std::string_view text) {
  const auto invalid = [&] {
    return MakeError("invalid --slice '" + std::string(text) +
                     "': expected K/N with whole numbers 1 <= K <= N (e.g. 2/4)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return invalid();
  HostSlice slice;
  slice.index = ParsePositive(text.substr(0, slash));
  slice.count = ParsePositive(text.substr(slash + 1));
  if (slice.index < 1 || slice.count < 1 || slice.index > slice.count) return invalid();
  return slice;
}

int SliceOfHost(std::string_view name, int count) {
  const std::string hex = HexDigestOf("sha1", name).substr(0, 16);
  const uint64_t value = std::stoull(hex, nullptr, 16);
  return static_cast<int>(value % static_cast<uint64_t>(count)) + 1;
}

}  // namespace drover::inventory
