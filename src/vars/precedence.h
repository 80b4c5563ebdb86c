// Variable precedence: THE one place that writes down Ansible's order
// (https://docs.ansible.com/ansible/2.14/playbook_guide/playbooks_variables.html
// #understanding-variable-precedence, as ansible/vars/manager.py implements
// it with the default VARIABLE_PRECEDENCE). Lowest first:
//
//   role defaults
//   inventory group vars: `all`            (inventory file or script)
//   inventory group vars: other groups     (sorted: depth, priority, name)
//   inventory group_vars/all               (files next to the inventory)
//   playbook group_vars/all                (files next to the playbook)
//   inventory group_vars/*                 (sorted as above)
//   playbook group_vars/*
//   inventory host vars                    (inventory file or script)
//   inventory host_vars/*
//   playbook host_vars/*
//   host facts / cached set_facts
//   play vars
//   play vars_prompt
//   play vars_files
//   role vars
//   block vars
//   task vars
//   include_vars
//   set_facts / registered vars
//   role (and include_role) params
//   include params
//   extra vars (-e)
//   magic variables (inventory_hostname, groups, ...; not overridable)
//
// A later layer wins over an earlier one; within a layer, a later-added map
// wins. A variable is replaced as a whole (hash_behaviour=replace, Ansible's
// default); with hash_behaviour=merge (vars/hash_behaviour.h) a dict is
// merged recursively with the dicts of the same name below it, as Ansible's
// combine_vars folds every layer.
//
// Scopes reference their maps (shared_ptr), never copy them, and can be
// stacked: a task's scope is a child of the host's scope holding only the
// task-level maps, so building one per host per task costs a few pointers.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace drover::vars {

enum class Layer : uint8_t {
  kRoleDefaults,
  kInventoryGroupAll,
  kInventoryGroups,
  kInventoryGroupVarsAllFiles,
  kPlaybookGroupVarsAllFiles,
  kInventoryGroupVarsFiles,
  kPlaybookGroupVarsFiles,
  kInventoryHost,
  kInventoryHostVarsFiles,
  kPlaybookHostVarsFiles,
  kFacts,
  kPlayVars,
  kVarsPrompt,
  kVarsFiles,
  kRoleVars,
  kBlockVars,
  kTaskVars,
  kIncludeVars,
  kSetFact,  // set_fact and register
  kRoleParams,
  kIncludeParams,
  kExtraVars,
  kMagic,
};

inline constexpr size_t kLayerCount = static_cast<size_t>(Layer::kMagic) + 1;

struct LayerInfo {
  Layer layer;
  std::string_view name;  // as Ansible's documentation names it
};

// Every layer, lowest precedence first. The enum order is the same; this
// table gives the names (for `--debug` output and errors).
const std::array<LayerInfo, kLayerCount>& PrecedenceOrder();
std::string_view LayerName(Layer layer);

using VarsRef = std::shared_ptr<const Map>;

// A stack of variable maps in precedence order. Cheap to build: it holds
// pointers to maps owned elsewhere (inventory, loaded files, results).
class VarScope {
 public:
  VarScope() = default;
  // A child scope: sees everything in `base` (which must outlive it) and
  // the maps added to itself, each at its layer. Within a layer the child's
  // maps rank above the base's.
  explicit VarScope(const VarScope* base) : base_(base) {}

  // Adds `vars` at `layer`, above maps added earlier to the same layer.
  // Null maps are ignored; a shared map stays referenced even while empty
  // (its owner may fill it later). Empty maps passed by value are ignored.
  void Add(Layer layer, VarsRef vars);
  // Convenience: takes ownership of a map built by the caller.
  void Add(Layer layer, Map vars);
  // Drops this scope's own maps at `layer` (the base is untouched).
  void Clear(Layer layer);

  // The winning value of `name`, or null when no layer defines it. A
  // merged dict (hash_behaviour=merge) is kept by this scope until it is
  // destroyed.
  const Value* Find(std::string_view name) const;
  // Which layer `name` comes from (for diagnostics); false when undefined.
  bool FindLayer(std::string_view name, Layer* layer) const;
  // All variables merged lowest first (keys keep their first position, as
  // Python's dict.update does). Values are shared, not deep-copied.
  Map Flatten() const;
  // Only the layers in [first, last], merged; for callers that need e.g.
  // everything below extra vars.
  Map Flatten(Layer first, Layer last) const;
  // Only the given layers (lowest first), merged.
  Map Flatten(std::initializer_list<Layer> layers) const;

 private:
  template <typename F>
  void ForEachMap(Layer layer, F&& f) const;  // low to high within the layer
  // hash_behaviour=merge: the fold of `top` (a dict) with the dicts of
  // `name` directly below it.
  const Value* MergedBelow(std::string_view name, const Value* top) const;

  const VarScope* base_ = nullptr;
  std::array<std::vector<VarsRef>, kLayerCount> layers_;
  struct Merged;  // merged dicts handed out by Find
  static std::shared_ptr<Merged> NewMerged();
  // Only with hash_behaviour=merge (set before any scope is built).
  std::shared_ptr<Merged> merged_ = NewMerged();
};

}  // namespace drover::vars
