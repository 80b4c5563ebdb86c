#include "playbook/model.h"

namespace drover::playbook {

std::string Task::display_name() const {
  const Value* name = keywords.find("name");
  if (name && name->is_string() && !name->as_string().empty()) {
    return role ? role->name + " : " + name->as_string() : name->as_string();
  }
  return role ? role->name + " : " + action_as_written : action_as_written;
}

std::shared_ptr<RoleSlot> RoleCache::Slot(const std::string& key, bool* created) {
  std::lock_guard lock(mu_);
  std::shared_ptr<RoleSlot>& slot = slots_[key];
  *created = !slot;
  if (!slot) slot = std::make_shared<RoleSlot>();
  return slot;
}

}  // namespace drover::playbook
