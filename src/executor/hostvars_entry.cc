#include "executor/hostvars_entry.h"

#include <string_view>

#include "vars/magic_vars.h"

namespace drover::executor {

Map HostvarsEntry(const vars::VarScope& scope) {
  using vars::Layer;
  Map entry = scope.Flatten({Layer::kInventoryGroupAll, Layer::kInventoryGroups,
                             Layer::kInventoryGroupVarsAllFiles, Layer::kPlaybookGroupVarsAllFiles,
                             Layer::kInventoryGroupVarsFiles, Layer::kPlaybookGroupVarsFiles,
                             Layer::kInventoryHost, Layer::kInventoryHostVarsFiles,
                             Layer::kPlaybookHostVarsFiles, Layer::kFacts, Layer::kIncludeVars,
                             Layer::kSetFact, Layer::kExtraVars});
  // The magic variables of get_vars without a play (Ansible's INTERNAL_VARS
  // and ansible_check_mode).
  auto add_magic = [&](std::string_view name) {
    Layer layer;
    if (scope.FindLayer(name, &layer) && layer == Layer::kMagic)
      entry.set(std::string(name), *scope.Find(name));
  };
  for (std::string_view name : vars::InternalVarNames()) add_magic(name);
  add_magic("ansible_check_mode");
  if (!entry.contains("ansible_facts")) entry.set("ansible_facts", Value(Map{}));
  return entry;
}

}  // namespace drover::executor
