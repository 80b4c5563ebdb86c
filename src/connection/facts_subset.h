// What a setup run gathers: gather_subset resolved to Ansible 2.14's
// collector names (setup's get_collector_names plus the collectors' required
// facts), gather_timeout and fact_path. The script (facts_script.cc) runs
// only the selected collectors' parts.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::connection {

struct FactsRequest {
  std::set<std::string> collectors;  // platform, distribution, network, local, ...
  List gather_subset{Value("all")};  // as given, reported as the gather_subset fact
  int64_t timeout_s = 10;            // gather_timeout
  std::string fact_path = "/etc/ansible/facts.d";
  std::vector<std::string> filter;  // fnmatch patterns on ansible_* names; empty: all
  bool Has(const std::string& collector) const { return collectors.count(collector) > 0; }
};

// The request for setup's arguments (gather_subset as a list or a
// comma-separated string, gather_timeout, fact_path, filter).
// Errors: Ansible's "Bad subset" message, a bad timeout.
Result<FactsRequest> FactsRequestFromArgs(const Map& args);

// Everything (gather_subset: all).
const FactsRequest& AllFacts();

}  // namespace drover::connection
