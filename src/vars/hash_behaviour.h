// hash_behaviour (ansible.cfg [defaults] hash_behaviour, ANSIBLE_HASH_BEHAVIOUR):
// how Ansible's combine_vars (ansible/utils/vars.py) joins two variable maps
// wherever it combines them: "replace" (the default) lets the later map's
// value replace the earlier one's; "merge" merges a key whose values are
// both dicts recursively (merge_hash, lists replaced). Set once by the
// command before any variable is loaded; read by VarScope, extra vars,
// group_vars/host_vars files and include_vars.
#pragma once

#include <string>

#include "core/value.h"

namespace drover::vars {

void SetHashMerge(bool merge);
bool HashMerge();

// merge_hash(low, high): high's keys win; keys whose values are dicts in
// both are merged recursively. Both must be maps.
Value MergeHashes(const Value& low, const Value& high);

// combine_vars for one key: `out[key] = value`, or, with hash_behaviour
// merge and both values dicts, their merge.
void CombineInto(Map& out, const std::string& key, Value value);

}  // namespace drover::vars
