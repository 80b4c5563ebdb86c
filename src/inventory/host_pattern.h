// Host patterns, as ansible-core 2.14's InventoryManager evaluates them
// (the `hosts:` of a play, ad-hoc patterns and --limit):
//   all, *, a name, a group (its hosts and its descendants' hosts),
//   a:b and a,b (union), a:&b (intersection), a:!b (exclusion; & and ! are
//   applied after all the plain patterns whatever their position),
//   shell wildcards (web*.example.com, db[12]), ~regex (Python re.match),
//   group[0], group[-1], group[1:3], group[2:] (subscripts on a group's host
//   list), localhost (the implicit one when not listed).
// A pattern that matches nothing gives a warning, not an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "inventory/host_slice.h"
#include "inventory/inventory.h"

namespace drover::inventory {

// Splits "a,b[1], c[2:3] , d" or "a:b:&c" into single patterns (Ansible's
// split_host_pattern: commas first; colons only when the whole string is not
// one address such as an IPv6 address or a host with a range).
std::vector<std::string> SplitHostPattern(std::string_view pattern);

// Not thread-safe: matching may add the implicit localhost to the inventory.
class HostMatcher {
 public:
  // `inventory` must outlive the matcher; it may gain the implicit localhost.
  explicit HostMatcher(Inventory* inventory) : inventory_(inventory) {}

  // Sets --limit, in the same syntax; `@file` entries read one pattern per
  // line (a retry file). Errors: a missing or non-regular limit file.
  Status SetLimit(std::string_view limit);
  bool has_limit() const { return !limit_.empty(); }

  // Sets --slice: from now on every Match that applies the limit keeps only
  // the hosts of `slice` (host_slice.h's rule). Hosts the inventory gains
  // later (add_host) are not sliced: they run in the slices that added them.
  void SetSlice(HostSlice slice);

  // The hosts matching `pattern` (and the limit and slice unless ignore_limit), in
  // inventory order without duplicates. Patterns that match nothing add a
  // warning to `warnings`. Errors: an invalid ~regex, a subscript out of
  // range.
  Result<std::vector<Host*>> Match(std::string_view pattern, std::vector<Error>* warnings,
                                   bool ignore_limit = false);

 private:
  Result<std::vector<Host*>> Evaluate(const std::vector<std::string>& patterns,
                                      std::vector<Error>* warnings);
  Result<std::vector<Host*>> MatchOne(std::string pattern, std::vector<Error>* warnings);
  Result<std::vector<Host*>> Enumerate(const std::string& pattern, std::vector<Error>* warnings);

  bool InSlice(const Host& host) const;

  Inventory* inventory_;
  std::vector<std::string> limit_;
  std::optional<HostSlice> slice_;
  std::unordered_set<std::string> sliced_names_;  // the inventory's hosts at SetSlice
};

}  // namespace drover::inventory
