// The inventory: hosts, groups and the variables the inventory sources set on
// them, with Ansible's relationships (ansible/inventory/{data,group,host}.py):
//  - `all` and `ungrouped` always exist; `ungrouped` is a child of `all`.
//  - after loading, Reconcile() makes every parentless group a child of `all`
//    and puts hosts that are in no other group into `ungrouped`.
//  - a group's depth is its longest distance from a root; a host's groups are
//    its direct groups and all their ancestors.
//  - `localhost` (also 127.0.0.1, ::1) is created implicitly when a pattern
//    names it and the inventory does not list it; the implicit host has
//    ansible_connection=local and is never part of `all`.
// Variables set here are the "inventory file" layers of the precedence order
// (see vars/precedence.h); group_vars/host_vars files are loaded by vars/.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::inventory {

struct Host;

struct Group {
  std::string name;
  std::shared_ptr<Map> vars = std::make_shared<Map>();  // set order kept
  int depth = 0;                                        // 0 for roots
  int priority = 1;                                     // ansible_group_priority
  std::vector<Group*> children;                         // in the order added
  std::vector<Group*> parents;
  std::vector<Host*> hosts;  // direct members, in the order added
};

struct Host {
  std::string name;
  std::shared_ptr<Map> vars = std::make_shared<Map>();
  // Direct groups and their ancestors, in Ansible's order (host.py add_group).
  std::vector<Group*> groups;
  bool implicit = false;  // the implicit localhost
  // The inventory source that first listed the host (absolute path), or
  // empty for a host list ("a,b,") and the implicit localhost.
  std::string source;
};

// True for the names Ansible treats as this machine: localhost, 127.0.0.1, ::1.
bool IsLocalhostName(std::string_view name);

class Inventory {
 public:
  Inventory();
  Inventory(const Inventory&) = delete;
  Inventory& operator=(const Inventory&) = delete;
  Inventory(Inventory&&) = default;
  Inventory& operator=(Inventory&&) = default;

  // Returns the group, creating it (at the end of groups()) when missing.
  Group* AddGroup(const std::string& name);
  // Returns the host, creating it when missing; a new host records
  // current_source() and, when `port` is given, ansible_port. When `group` is
  // given the host becomes its member.
  Host* AddHost(const std::string& name, Group* group = nullptr, std::optional<int> port = {});
  // Makes `child` a child group of `parent`. Fails on a dependency loop.
  Status AddChild(Group* parent, Group* child);
  // Sets a variable; `ansible_group_priority` sets the group's priority.
  Status SetGroupVar(Group* group, const std::string& key, Value value);
  static void SetHostVar(Host* host, const std::string& key, Value value);

  Group* FindGroup(std::string_view name) const;
  Host* FindHost(std::string_view name) const;
  // FindHost, or the implicit localhost when `name` is a localhost name.
  Host* GetHost(std::string_view name);

  // Applies the post-load rules (see the file comment). Call once after all
  // sources are loaded.
  void Reconcile();

  // All groups / listed hosts, in the order they were first added.
  const std::vector<Group*>& groups() const { return group_order_; }
  const std::vector<Host*>& hosts() const { return host_order_; }
  Group* all() const { return group_order_[0]; }
  Group* ungrouped() const { return group_order_[1]; }
  Host* implicit_localhost() const { return implicit_localhost_; }

  // The hosts of a group and its descendants, without duplicates, in
  // Ansible's order (group.py get_hosts); `all` excludes the implicit host.
  std::vector<Host*> GroupHosts(const Group& group) const;
  // The group and every group below it (breadth first, group first).
  std::vector<Group*> Descendants(const Group& group) const;

  // The source file new hosts are attributed to ("" for none).
  const std::string& current_source() const { return current_source_; }
  void set_current_source(std::string source) { current_source_ = std::move(source); }

  // The inventory sources as given (made absolute), in order; vars/ looks for
  // group_vars/ and host_vars/ next to each.
  std::vector<std::string>& sources() { return sources_; }
  const std::vector<std::string>& sources() const { return sources_; }

  // Warnings collected while loading (duplicate names, skipped keys...).
  std::vector<Error>& warnings() { return warnings_; }

 private:
  bool IsAncestor(const Group* maybe_ancestor, const Group* group) const;
  void UpdateDepths(Group* group);
  static void AddGroupToHost(Host* host, Group* group);

  std::deque<Group> group_storage_;
  std::deque<Host> host_storage_;
  std::unordered_map<std::string, Group*> groups_by_name_;
  std::unordered_map<std::string, Host*> hosts_by_name_;
  std::vector<Group*> group_order_;
  std::vector<Host*> host_order_;
  Host* implicit_localhost_ = nullptr;
  Host* first_localhost_ = nullptr;
  std::string current_source_;
  std::vector<std::string> sources_;
  std::vector<Error> warnings_;
};

// Ansible's ancestors of a group (all groups above it), unordered semantics:
// returned breadth first.
std::vector<Group*> Ancestors(const Group& group);

}  // namespace drover::inventory
