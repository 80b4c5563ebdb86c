// Host names, addresses and ranges as Ansible writes them in inventories
// (ansible/parsing/utils/addresses.py and inventory/__init__.py):
//   web01.example.com:2222, 192.0.2.1:22, [2001:db8::1]:22,
//   web[01:20].example.com, db-[a:c], web[1:9:2] (step), nested ranges.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drover::inventory {

struct ParsedAddress {
  std::string host;
  std::optional<int> port;
};

// Splits an optional port from a host name or IPv4/IPv6 address and checks
// that the rest is one. Ranges are accepted only when allow_ranges. Returns
// nothing when `address` is not a valid host identifier.
std::optional<ParsedAddress> ParseAddress(std::string_view address, bool allow_ranges);

// Expands every [begin:end(:step)] range in `pattern` (numeric with zero
// padding when begin has a leading zero, or alphabetic). Errors are Ansible's
// messages ("host range must specify end value", ...).
Result<std::vector<std::string>> ExpandHostRange(std::string_view pattern);

struct HostPatternExpansion {
  std::vector<std::string> hosts;
  std::optional<int> port;
};

// An inventory host entry: address with optional port, ranges expanded. An
// entry that is not a valid address is taken literally (as Ansible does).
Result<HostPatternExpansion> ExpandHostPattern(std::string_view entry);

}  // namespace drover::inventory
