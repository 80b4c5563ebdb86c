// The inventory_hostnames lookup: the hosts matching a host pattern, as
// ansible-core 2.14 computes them from the `groups` variable (a fresh
// inventory of those groups and hosts; no --limit).
#include "executor/lookup_plugins.h"
#include "inventory/host_pattern.h"
#include "inventory/inventory.h"

namespace drover::executor {

namespace {

List InventoryHostnames(const LookupCall& c) {
  inventory::Inventory inv;
  if (const Value* groups = c.scope.Lookup("groups"); groups && groups->is_map()) {
    for (const auto& [name, hosts] : groups->as_map()) {
      inventory::Group* group = inv.AddGroup(name);
      if (!hosts.is_list()) continue;
      for (const Value& h : hosts.as_list())
        if (h.is_string()) inv.AddHost(h.as_string(), group);
    }
  }
  // Every term split as one pattern string is, then joined with commas
  // (which split first): "a:&b", "c" is a, &b, c as in Ansible.
  std::string pattern;
  for (const Value& t : c.terms) {
    for (const std::string& p :
         inventory::SplitHostPattern(t.is_string() ? t.as_string() : tmpl::PyStr(t))) {
      if (!pattern.empty()) pattern += ",";
      pattern += p;
    }
  }
  inventory::HostMatcher matcher(&inv);
  std::vector<Error> warnings;
  Result<std::vector<inventory::Host*>> hosts = matcher.Match(pattern, &warnings, true);
  List out;
  if (!hosts) return out;  // Ansible returns [] when the pattern fails
  for (const inventory::Host* h : *hosts) out.push_back(Value(h->name));
  return out;
}

}  // namespace

void AddInventoryPlugin(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["inventory_hostnames"] = InventoryHostnames;
}

}  // namespace drover::executor
