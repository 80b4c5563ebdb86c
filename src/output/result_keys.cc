#include "output/result_keys.h"

namespace drover::output {

namespace {
bool Removed(const std::string& key, bool keep_callback_keys) {
  if (key.rfind("_drover_", 0) == 0) return true;
  if (key.rfind("_ansible_", 0) != 0) return false;
  return !(keep_callback_keys &&
           (key == "_ansible_verbose_always" || key == "_ansible_item_label" ||
            key == "_ansible_no_log" || key == "_ansible_verbose_override"));
}
}  // namespace

Value StripInternalKeys(const Value& v, bool keep_callback_keys) {
  if (v.is_map()) {
    Map out;
    for (const auto& [k, item] : v.as_map())
      if (!Removed(k, keep_callback_keys)) out.set(k, StripInternalKeys(item, keep_callback_keys));
    return Value(std::move(out));
  }
  if (v.is_list()) {
    List out;
    for (const Value& item : v.as_list())
      out.push_back(StripInternalKeys(item, keep_callback_keys));
    return Value(std::move(out));
  }
  return v;
}

}  // namespace drover::output
