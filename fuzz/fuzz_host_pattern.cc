// libFuzzer target: host patterns (split, wildcards, ~regex, subscripts,
// &/! operators, --limit) over a small fixed inventory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/host_pattern.h"
#include "inventory/ini_source.h"
#include "inventory/inventory.h"

namespace {
constexpr std::string_view kInventory =
    "web1 ansible_host=127.0.0.2\nweb2\n[web]\nweb[1:3]\n[db]\ndb1\ndb2\n"
    "[prod:children]\nweb\ndb\n[ipv6]\nfe80::1\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // First line: the pattern; the rest (if any): a --limit.
  const size_t nl = input.find('\n');
  std::string_view pattern = input.substr(0, nl);
  drover::inventory::Inventory inventory;
  if (!drover::inventory::LoadIniInventory(kInventory, "hosts", &inventory).ok()) return 0;
  (void)drover::inventory::SplitHostPattern(pattern);
  drover::inventory::HostMatcher matcher(&inventory);
  if (nl != std::string_view::npos) {
    std::string_view limit = input.substr(nl + 1);
    if (limit.starts_with('@')) return 0;  // a file name: not the parser's input
    if (!matcher.SetLimit(limit).ok()) return 0;
  }
  std::vector<drover::Error> warnings;
  (void)matcher.Match(pattern, &warnings);
  return 0;
}
