#include "executor/hostvars_entry.h"

#include <array>
#include <string_view>

namespace drover::executor {
namespace {

// 2.14's _get_magic_variables(play=None) and load_options_vars, with the
// host's own (Host.get_magic_vars).
constexpr std::array<std::string_view, 19> kHostvarsMagic = {"ansible_check_mode",
                                                             "ansible_config_file",
                                                             "ansible_diff_mode",
                                                             "ansible_forks",
                                                             "ansible_inventory_sources",
                                                             "ansible_limit",
                                                             "ansible_playbook_python",
                                                             "ansible_run_tags",
                                                             "ansible_skip_tags",
                                                             "ansible_verbosity",
                                                             "ansible_version",
                                                             "groups",
                                                             "group_names",
                                                             "inventory_dir",
                                                             "inventory_file",
                                                             "inventory_hostname",
                                                             "inventory_hostname_short",
                                                             "omit",
                                                             "playbook_dir"};

}  // namespace

Map HostvarsEntry(const vars::VarScope& scope) {
  using vars::Layer;
  Map entry = scope.Flatten({Layer::kInventoryGroupAll, Layer::kInventoryGroups,
                             Layer::kInventoryGroupVarsAllFiles, Layer::kPlaybookGroupVarsAllFiles,
                             Layer::kInventoryGroupVarsFiles, Layer::kPlaybookGroupVarsFiles,
                             Layer::kInventoryHost, Layer::kInventoryHostVarsFiles,
                             Layer::kPlaybookHostVarsFiles, Layer::kFacts, Layer::kIncludeVars,
                             Layer::kSetFact, Layer::kExtraVars});
  for (std::string_view name : kHostvarsMagic) {
    Layer layer;
    if (scope.FindLayer(name, &layer) && layer == Layer::kMagic)
      entry.set(std::string(name), *scope.Find(name));
  }
  if (!entry.contains("ansible_facts")) entry.set("ansible_facts", Value(Map{}));
  return entry;
}

}  // namespace drover::executor
