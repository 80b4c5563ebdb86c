// --slice K/N: one deterministic Nth of the hosts, for running a fleet as N
// independent processes (CI matrix jobs, AWX-style job slicing) whose JSON
// event logs `drover recap` merges.
//
// The rule: a host is in slice K of N when
//   int(first 16 hex digits of sha1(inventory_hostname), 16) % N + 1 == K,
// so a host's slice depends on its name and N only: not on the inventory's
// order, on the other hosts, on --limit or on the play. Every host of the
// inventory (and the implicit localhost) is in exactly one slice, the same
// one in every play. Slices are of equal size only on average.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::inventory {

struct HostSlice {
  int index = 1;  // K, 1..count
  int count = 1;  // N >= 1
};

// Parses "K/N" strictly: two decimal integers, 1 <= K <= N (no signs,
// spaces or other characters). Errors name the value and the rule.
Result<HostSlice> ParseHostSlice(std::string_view text);

// The slice (1..count) the host named `name` belongs to.
int SliceOfHost(std::string_view name, int count);

}  // namespace drover::inventory
