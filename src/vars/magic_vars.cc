#include "vars/magic_vars.h"

#include <algorithm>
#include <array>

#include "inventory/host_address.h"

namespace drover::vars {
namespace {

bool IsIpAddress(const std::string& name) {
  // An address without port or ranges, IPv4 or IPv6.
  if (name.find_first_not_of("0123456789.") == std::string::npos &&
      std::count(name.begin(), name.end(), '.') == 3) {
    return inventory::ParseAddress(name, false).has_value();
  }
  return name.find(':') != std::string::npos &&
         name.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos &&
         inventory::ParseAddress(name, false).has_value();
}

}  // namespace

Value GroupsMagicVar(const inventory::Inventory& inventory) {
  Map groups;
  for (const inventory::Group* g : inventory.groups()) {
    List names;
    for (const inventory::Host* h : inventory.GroupHosts(*g)) names.emplace_back(h->name);
    groups.set(g->name, Value(std::move(names)));
  }
  return Value(std::move(groups));
}

Map InventoryMagicVars(const inventory::Host& host, const Value& groups) {
  Map m;
  m.set("inventory_hostname", host.name);
  m.set("inventory_hostname_short",
        IsIpAddress(host.name) ? host.name : host.name.substr(0, host.name.find('.')));
  std::vector<std::string> names;
  for (const inventory::Group* g : host.groups) {
    if (g->name != "all") names.push_back(g->name);
  }
  std::sort(names.begin(), names.end());
  List group_names(names.begin(), names.end());
  m.set("group_names", Value(std::move(group_names)));
  m.set("groups", groups);
  if (host.source.empty()) {
    m.set("inventory_file", Value());
    m.set("inventory_dir", Value());
  } else {
    m.set("inventory_file", host.source);
    m.set("inventory_dir", host.source.substr(0, host.source.find_last_of('/')));
  }
  return m;
}

std::span<const std::string_view> InternalVarNames() {
  static constexpr std::array<std::string_view, 19> kInternal = {"ansible_diff_mode",
                                                                 "ansible_config_file",
                                                                 "ansible_facts",
                                                                 "ansible_forks",
                                                                 "ansible_inventory_sources",
                                                                 "ansible_limit",
                                                                 "ansible_playbook_python",
                                                                 "ansible_run_tags",
                                                                 "ansible_skip_tags",
                                                                 "ansible_verbosity",
                                                                 "ansible_version",
                                                                 "inventory_dir",
                                                                 "inventory_file",
                                                                 "inventory_hostname",
                                                                 "inventory_hostname_short",
                                                                 "groups",
                                                                 "group_names",
                                                                 "omit",
                                                                 "playbook_dir"};
  return kInternal;
}

bool IsInternalVar(std::string_view name) {
  std::span<const std::string_view> names = InternalVarNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace drover::vars
