#include "vars/hash_behaviour.h"

#include <atomic>

namespace drover::vars {

namespace {
std::atomic<bool> hash_merge{false};
}  // namespace

void SetHashMerge(bool merge) {
  hash_merge = merge;
}

bool HashMerge() {
  return hash_merge;
}

Value MergeHashes(const Value& low, const Value& high) {
  if (low.as_map().empty() || low == high) return high;
  Map out(low.as_map());
  for (const auto& [k, hv] : high.as_map()) {
    Value* lv = out.find(k);
    if (lv && lv->is_map() && hv.is_map()) {
      *lv = MergeHashes(*lv, hv);
    } else {
      out.set(k, hv);
    }
  }
  return Value(std::move(out));
}

void CombineInto(Map& out, const std::string& key, Value value) {
  if (HashMerge() && value.is_map())
    if (const Value* old = out.find(key); old && old->is_map()) value = MergeHashes(*old, value);
  out.set(key, std::move(value));
}

}  // namespace drover::vars
