#include "inventory/inventory.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <unordered_set>

namespace drover::inventory {

bool IsLocalhostName(std::string_view name) {
  return name == "localhost" || name == "127.0.0.1" || name == "::1";
}

Inventory::Inventory() {
  Group* all = AddGroup("all");
  Group* ungrouped = AddGroup("ungrouped");
  (void)AddChild(all, ungrouped);
}

Group* Inventory::AddGroup(const std::string& name) {
  if (Group* g = FindGroup(name)) return g;
  Group& g = group_storage_.emplace_back();
  g.name = name;
  groups_by_name_[name] = &g;
  group_order_.push_back(&g);
  return &g;
}

Host* Inventory::AddHost(const std::string& name, Group* group, std::optional<int> port) {
  Host* h = FindHost(name);
  if (h == nullptr) {
    h = &host_storage_.emplace_back();
    h->name = name;
    h->source = current_source_;
    if (port) h->vars->set("ansible_port", *port);
    hosts_by_name_[name] = h;
    host_order_.push_back(h);
    if (IsLocalhostName(name)) {
      if (first_localhost_ == nullptr) {
        first_localhost_ = h;
      } else {
        warnings_.push_back(MakeError("A duplicate localhost-like entry was found (" + name +
                                      "). First found localhost was " + first_localhost_->name));
      }
    }
  }
  if (group != nullptr &&
      std::find(group->hosts.begin(), group->hosts.end(), h) == group->hosts.end()) {
    group->hosts.push_back(h);
    AddGroupToHost(h, group);
  }
  return h;
}

void Inventory::AddGroupToHost(Host* host, Group* group) {
  auto add = [host](Group* g) {
    if (std::find(host->groups.begin(), host->groups.end(), g) == host->groups.end()) {
      host->groups.push_back(g);
    }
  };
  for (Group* a : Ancestors(*group)) add(a);
  add(group);
}

bool Inventory::IsAncestor(const Group* maybe_ancestor, const Group* group) const {
  for (const Group* a : Ancestors(*group)) {
    if (a == maybe_ancestor) return true;
  }
  return false;
}

void Inventory::UpdateDepths(Group* group) {
  for (Group* child : group->children) {
    if (child->depth < group->depth + 1) {
      child->depth = group->depth + 1;
      UpdateDepths(child);
    }
  }
}

Status Inventory::AddChild(Group* parent, Group* child) {
  if (parent == child) {
    return MakeError("can't add group '" + parent->name + "' to itself");
  }
  if (std::find(parent->children.begin(), parent->children.end(), child) !=
      parent->children.end()) {
    return {};
  }
  if (IsAncestor(child, parent)) {
    return MakeError("Adding group '" + child->name + "' as child to '" + parent->name +
                     "' creates a recursive dependency loop.");
  }
  parent->children.push_back(child);
  child->depth = std::max(child->depth, parent->depth + 1);
  UpdateDepths(child);
  if (std::find(child->parents.begin(), child->parents.end(), parent) == child->parents.end()) {
    child->parents.push_back(parent);
    // Hosts below `child` now also belong to parent and its ancestors.
    for (Host* h : GroupHosts(*child)) AddGroupToHost(h, parent);
  }
  return {};
}

Status Inventory::SetGroupVar(Group* group, const std::string& key, Value value) {
  if (key == "ansible_group_priority") {
    // int(value): ints, integral strings and bools are accepted.
    if (value.is_int() || value.is_bool()) {
      group->priority = value.is_bool() ? value.as_bool() : static_cast<int>(value.as_int());
      return {};
    }
    if (value.is_float()) {
      group->priority = static_cast<int>(value.as_float());
      return {};
    }
    if (value.is_string()) {
      const std::string& s = value.as_string();
      char* end = nullptr;
      errno = 0;
      long v = std::strtol(s.c_str(), &end, 10);
      while (end && (*end == ' ' || *end == '\t')) ++end;
      if (!s.empty() && errno == 0 && end && *end == '\0') {
        group->priority = static_cast<int>(v);
        return {};
      }
    }
    return MakeError(
        "invalid ansible_group_priority for group '" + group->name + "': expected an integer",
        value.where());
  }
  group->vars->set(key, std::move(value));
  return {};
}

void Inventory::SetHostVar(Host* host, const std::string& key, Value value) {
  host->vars->set(key, std::move(value));
}

Group* Inventory::FindGroup(std::string_view name) const {
  auto it = groups_by_name_.find(std::string(name));
  return it == groups_by_name_.end() ? nullptr : it->second;
}

Host* Inventory::FindHost(std::string_view name) const {
  auto it = hosts_by_name_.find(std::string(name));
  return it == hosts_by_name_.end() ? nullptr : it->second;
}

Host* Inventory::GetHost(std::string_view name) {
  if (Host* h = FindHost(name)) return h;
  if (!IsLocalhostName(name)) return nullptr;
  if (implicit_localhost_ == nullptr) {
    Host& h = host_storage_.emplace_back();
    h.name = std::string(name);
    h.implicit = true;
    // Ansible gives the implicit localhost the `all` group's inventory vars
    // below its own (data.py reconcile_inventory).
    for (const auto& [k, v] : *all()->vars) h.vars->set(k, v);
    h.vars->set("ansible_python_interpreter", "/usr/bin/python3");
    h.vars->set("ansible_connection", "local");
    implicit_localhost_ = &h;
  }
  return implicit_localhost_;
}

void Inventory::Reconcile() {
  Group* all_group = all();
  Group* ungrouped_group = ungrouped();
  for (Group* g : std::vector<Group*>(group_order_)) {
    if (g != all_group && g->parents.empty()) (void)AddChild(all_group, g);
  }
  for (Host* h : host_order_) {
    bool in_ungrouped = false;
    bool in_other = false;
    for (Group* g : h->groups) {
      if (g == ungrouped_group) {
        in_ungrouped = true;
      } else if (g != all_group) {
        in_other = true;
      }
    }
    if (in_ungrouped && in_other) {
      auto& members = ungrouped_group->hosts;
      members.erase(std::remove(members.begin(), members.end(), h), members.end());
      auto& hg = h->groups;
      hg.erase(std::remove(hg.begin(), hg.end(), ungrouped_group), hg.end());
    } else if (!in_ungrouped && !in_other) {
      AddHost(h->name, ungrouped_group);
    }
  }
  std::unordered_set<std::string> host_names;
  for (Host* h : host_order_) host_names.insert(h->name);
  for (Group* g : group_order_) {
    if (host_names.count(g->name)) {
      warnings_.push_back(MakeError("Found both group and host with same name: " + g->name));
    }
  }
}

std::vector<Group*> Inventory::Descendants(const Group& group) const {
  std::vector<Group*> ordered{const_cast<Group*>(&group)};
  std::unordered_set<const Group*> seen{&group};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (Group* c : ordered[i]->children) {
      if (seen.insert(c).second) ordered.push_back(c);
    }
  }
  return ordered;
}

std::vector<Host*> Inventory::GroupHosts(const Group& group) const {
  std::vector<Host*> result;
  std::unordered_set<const Host*> seen;
  const bool is_all = &group == group_order_[0];
  for (const Group* g : Descendants(group)) {
    for (Host* h : g->hosts) {
      if (!seen.insert(h).second) continue;
      if (is_all && h->implicit) continue;
      result.push_back(h);
    }
  }
  return result;
}

std::vector<Group*> Ancestors(const Group& group) {
  std::vector<Group*> ordered;
  std::unordered_set<const Group*> seen;
  std::vector<const Group*> frontier{&group};
  for (size_t i = 0; i < frontier.size(); ++i) {
    for (Group* p : frontier[i]->parents) {
      if (seen.insert(p).second) {
        ordered.push_back(p);
        frontier.push_back(p);
      }
    }
  }
  return ordered;
}

}  // namespace drover::inventory
