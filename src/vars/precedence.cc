#include "vars/precedence.h"

#include <deque>
#include <mutex>

#include "vars/hash_behaviour.h"

namespace drover::vars {

const std::array<LayerInfo, kLayerCount>& PrecedenceOrder() {
  static const std::array<LayerInfo, kLayerCount> order = {{
      {Layer::kRoleDefaults, "role defaults"},
      {Layer::kInventoryGroupAll, "inventory file or script group vars (all)"},
      {Layer::kInventoryGroups, "inventory file or script group vars"},
      {Layer::kInventoryGroupVarsAllFiles, "inventory group_vars/all"},
      {Layer::kPlaybookGroupVarsAllFiles, "playbook group_vars/all"},
      {Layer::kInventoryGroupVarsFiles, "inventory group_vars/*"},
      {Layer::kPlaybookGroupVarsFiles, "playbook group_vars/*"},
      {Layer::kInventoryHost, "inventory file or script host vars"},
      {Layer::kInventoryHostVarsFiles, "inventory host_vars/*"},
      {Layer::kPlaybookHostVarsFiles, "playbook host_vars/*"},
      {Layer::kFacts, "host facts / cached set_facts"},
      {Layer::kPlayVars, "play vars"},
      {Layer::kVarsPrompt, "play vars_prompt"},
      {Layer::kVarsFiles, "play vars_files"},
      {Layer::kRoleVars, "role vars"},
      {Layer::kBlockVars, "block vars"},
      {Layer::kTaskVars, "task vars"},
      {Layer::kIncludeVars, "include_vars"},
      {Layer::kSetFact, "set_facts / registered vars"},
      {Layer::kRoleParams, "role (and include_role) params"},
      {Layer::kIncludeParams, "include params"},
      {Layer::kExtraVars, "extra vars"},
      {Layer::kMagic, "magic variables"},
  }};
  return order;
}

std::string_view LayerName(Layer layer) {
  return PrecedenceOrder()[static_cast<size_t>(layer)].name;
}

void VarScope::Add(Layer layer, VarsRef vars) {
  // Empty shared maps are kept: their owner may fill them later (facts,
  // set_fact), and the scope must see that.
  if (vars == nullptr) return;
  layers_[static_cast<size_t>(layer)].push_back(std::move(vars));
}

void VarScope::Add(Layer layer, Map vars) {
  if (vars.empty()) return;
  Add(layer, std::make_shared<const Map>(std::move(vars)));
}

void VarScope::Clear(Layer layer) {
  layers_[static_cast<size_t>(layer)].clear();
}

template <typename F>
void VarScope::ForEachMap(Layer layer, F&& f) const {
  if (base_ != nullptr) base_->ForEachMap(layer, f);
  for (const VarsRef& m : layers_[static_cast<size_t>(layer)]) f(*m);
}

bool VarScope::FindLayer(std::string_view name, Layer* layer) const {
  for (size_t i = kLayerCount; i-- > 0;) {
    // Highest first: this scope's maps (last added first), then the base's.
    for (const VarScope* s = this; s != nullptr; s = s->base_) {
      const auto& maps = s->layers_[i];
      for (auto it = maps.rbegin(); it != maps.rend(); ++it) {
        if ((*it)->contains(name)) {
          if (layer) *layer = static_cast<Layer>(i);
          return true;
        }
      }
    }
  }
  return false;
}

struct VarScope::Merged {
  std::mutex mu;
  std::deque<Value> values;  // stable addresses
};

std::shared_ptr<VarScope::Merged> VarScope::NewMerged() {
  return HashMerge() ? std::make_shared<Merged>() : nullptr;
}

const Value* VarScope::Find(std::string_view name) const {
  for (size_t i = kLayerCount; i-- > 0;) {
    for (const VarScope* s = this; s != nullptr; s = s->base_) {
      const auto& maps = s->layers_[i];
      for (auto it = maps.rbegin(); it != maps.rend(); ++it) {
        if (const Value* v = (*it)->find(name)) {
          return merged_ && v->is_map() ? MergedBelow(name, v) : v;
        }
      }
    }
  }
  return nullptr;
}

const Value* VarScope::MergedBelow(std::string_view name, const Value* top) const {
  // combine_vars folded lowest first: a value that is not a dict replaces
  // everything below it, so only the dicts above the highest non-dict count.
  std::vector<const Value*> run;
  for (size_t i = 0; i < kLayerCount; ++i) {
    ForEachMap(static_cast<Layer>(i), [&](const Map& m) {
      const Value* v = m.find(name);
      if (!v) return;
      if (!v->is_map()) run.clear();
      if (v->is_map()) run.push_back(v);
    });
  }
  if (run.size() <= 1) return top;
  Value acc = *run[0];
  for (size_t i = 1; i < run.size(); ++i) acc = MergeHashes(acc, *run[i]);
  std::lock_guard<std::mutex> lock(merged_->mu);
  merged_->values.push_back(std::move(acc));
  return &merged_->values.back();
}

Map VarScope::Flatten(Layer first, Layer last) const {
  Map out;
  for (size_t i = static_cast<size_t>(first); i <= static_cast<size_t>(last); ++i) {
    ForEachMap(static_cast<Layer>(i), [&out](const Map& m) {
      for (const auto& [k, v] : m) CombineInto(out, k, v);
    });
  }
  return out;
}

Map VarScope::Flatten(std::initializer_list<Layer> layers) const {
  Map out;
  for (Layer layer : layers) {
    ForEachMap(layer, [&out](const Map& m) {
      for (const auto& [k, v] : m) CombineInto(out, k, v);
    });
  }
  return out;
}

Map VarScope::Flatten() const {
  return Flatten(Layer::kRoleDefaults, Layer::kMagic);
}

}  // namespace drover::vars
