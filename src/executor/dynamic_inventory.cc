#include "executor/dynamic_inventory.h"

#include <algorithm>

#include "inventory/host_address.h"

namespace drover::executor {

namespace {

Map FailedResult(std::string msg) {
  return Map{{"failed", true}, {"changed", false}, {"msg", std::move(msg)}};
}

std::string Strip(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string Dashed(std::string name) {
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

}  // namespace

Map AddHostAction(const Map& args_in) {
  Map args;
  // Free-form parameters, when a mapping, are merged under the arguments.
  if (const Value* raw = args_in.find("_raw_params"); raw && !raw->is_null()) {
    if (!raw->is_map())
      return FailedResult(
          std::string("Invalid raw parameters passed, requires a dictonary/mapping ") + "got a  " +
          std::string(raw->type_name()));
    for (const auto& [k, v] : raw->as_map()) args.set(k, v);
  }
  for (const auto& [k, v] : args_in)
    if (k != "_raw_params") args.set(k, v);

  const Value* name_v = args.find("name");
  if (!name_v) name_v = args.find("hostname");
  if (!name_v) name_v = args.find("host");
  if (!name_v || name_v->is_null())
    return FailedResult("name, host or hostname needs to be provided");
  const std::string new_name = name_v->is_string() ? name_v->as_string() : "";
  std::string name = new_name;
  if (std::optional<inventory::ParsedAddress> parsed = inventory::ParseAddress(new_name, false)) {
    name = parsed->host;
    if (parsed->port) args.set("ansible_ssh_port", Value(*parsed->port));
  }

  const Value* groups = args.find("groupname");
  if (!groups) groups = args.find("groups");
  if (!groups) groups = args.find("group");
  List new_groups;
  if (groups && groups->truthy()) {
    List group_list;
    if (groups->is_list()) {
      group_list = groups->as_list();
    } else if (groups->is_string()) {
      const std::string& text = groups->as_string();
      size_t start = 0;
      for (;;) {
        size_t comma = text.find(',', start);
        group_list.push_back(Value(text.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      return FailedResult("Groups must be specified as a list.");
    }
    for (const Value& g : group_list) {
      if (!g.is_string()) continue;
      Value stripped(Strip(g.as_string()));
      if (std::find(new_groups.begin(), new_groups.end(), stripped) == new_groups.end())
        new_groups.push_back(stripped);
    }
  }
  Map host_vars;
  for (const auto& [k, v] : args)
    if (k != "name" && k != "hostname" && k != "groupname" && k != "groups") host_vars.set(k, v);

  Map info{{"host_name", Value(name)},
           {"groups", Value(std::move(new_groups))},
           {"host_vars", Value(std::move(host_vars))}};
  return Map{{"changed", false}, {"add_host", Value(std::move(info))}};
}

Map GroupByAction(const Map& args) {
  for (const auto& [k, v] : args)
    if (k != "key" && k != "parents") return FailedResult("Invalid options for group_by: " + k);
  const Value* key = args.find("key");
  if (!key) return FailedResult("the 'key' param is required when using group_by");
  List parents;
  const Value* p = args.find("parents");
  if (!p) {
    parents.push_back(Value("all"));
  } else if (p->is_string()) {
    parents.push_back(Value(Dashed(p->as_string())));
  } else if (p->is_list()) {
    for (const Value& v : p->as_list())
      if (v.is_string()) parents.push_back(Value(Dashed(v.as_string())));
  }
  std::string group = key->is_string() ? key->as_string() : "";
  return Map{{"changed", false},
             {"add_group", Value(Dashed(group))},
             {"parent_groups", Value(std::move(parents))}};
}

Result<bool> ApplyAddHost(inventory::Inventory& inventory, const Map& info) {
  const Value* name_v = info.find("host_name");
  if (!name_v || !name_v->is_string()) return MakeError("add_host: no host name");
  const std::string& name = name_v->as_string();
  bool changed = false;
  inventory::Host* host = inventory.FindHost(name);
  if (!host) {
    // A dynamic host comes from no inventory source.
    std::string source = inventory.current_source();
    inventory.set_current_source("");
    host = inventory.AddHost(name, inventory.all());
    inventory.set_current_source(source);
    changed = true;
  }
  if (const Value* vars = info.find("host_vars"); vars && vars->is_map()) {
    for (const auto& [k, v] : vars->as_map()) {
      const Value* old = host->vars->find(k);
      if (old && *old == v) continue;
      inventory::Inventory::SetHostVar(host, k, v);
      changed = true;
    }
  }
  if (const Value* groups = info.find("groups"); groups && groups->is_list()) {
    for (const Value& g : groups->as_list()) {
      if (!g.is_string()) continue;
      inventory::Group* group = inventory.FindGroup(g.as_string());
      if (!group) {
        group = inventory.AddGroup(g.as_string());
        changed = true;
      }
      if (std::find(group->hosts.begin(), group->hosts.end(), host) == group->hosts.end()) {
        inventory.AddHost(name, group);
        changed = true;
      }
    }
  }
  if (changed) inventory.Reconcile();
  return changed;
}

Result<bool> ApplyAddGroup(inventory::Inventory& inventory, inventory::Host& host,
                           const Map& result) {
  const Value* name_v = result.find("add_group");
  if (!name_v || !name_v->is_string()) return MakeError("group_by: no group name");
  bool changed = false;
  inventory::Group* group = inventory.FindGroup(name_v->as_string());
  if (!group) group = inventory.AddGroup(name_v->as_string());
  std::vector<inventory::Group*> parents;
  if (const Value* p = result.find("parent_groups"); p && p->is_list()) {
    for (const Value& n : p->as_list()) {
      if (!n.is_string()) continue;
      inventory::Group* parent = inventory.FindGroup(n.as_string());
      if (!parent) {
        parent = inventory.AddGroup(n.as_string());
        changed = true;
      }
      parents.push_back(parent);
    }
  }
  for (inventory::Group* parent : parents) {
    const bool known = std::find(parent->children.begin(), parent->children.end(), group) !=
                       parent->children.end();
    if (Status s = inventory.AddChild(parent, group); !s) return s.take_error();
    if (!known) changed = true;
  }
  // As Ansible: membership (direct or through a child group) decides
  // `changed` from here on (it overwrites).
  const std::vector<inventory::Host*> members = inventory.GroupHosts(*group);
  if (std::find(members.begin(), members.end(), &host) == members.end()) {
    inventory.AddHost(host.name, group);
    changed = true;
  }
  if (changed) inventory.Reconcile();
  return changed;
}

}  // namespace drover::executor
