#include "playbook/model.h"

namespace drover::playbook {

std::string Task::display_name() const {
  const Value* name = keywords.find("name");
  if (name && name->is_string() && !name->as_string().empty()) {
    return role ? role->name + " : " + name->as_string() : name->as_string();
  }
  return role ? role->name + " : " + action_as_written : action_as_written;
}

}  // namespace drover::playbook
