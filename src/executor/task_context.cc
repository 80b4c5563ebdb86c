#include "executor/task_context.h"

namespace drover::executor {

const Value* TaskContext::Inherited(const playbook::Task& task, std::string_view key) const {
  if (const Value* v = task.keywords.find(key)) return v;
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
    if (const Value* v = (*it)->keywords.find(key)) return v;
  if (play) return play->keywords.find(key);
  return nullptr;
}

std::vector<const Value*> TaskContext::Conditions(const playbook::Task& task) const {
  std::vector<const Value*> out;
  for (const playbook::Block* b : blocks)
    if (const Value* w = b->keywords.find("when")) out.push_back(w);
  if (const Value* w = task.keywords.find("when")) out.push_back(w);
  return out;
}

std::vector<const Value*> TaskContext::Environments(const playbook::Task& task) const {
  std::vector<const Value*> out;
  if (play)
    if (const Value* e = play->keywords.find("environment")) out.push_back(e);
  for (const playbook::Block* b : blocks)
    if (const Value* e = b->keywords.find("environment")) out.push_back(e);
  if (const Value* e = task.keywords.find("environment")) out.push_back(e);
  return out;
}

std::vector<const Value*> TaskContext::BlockVars() const {
  std::vector<const Value*> out;
  for (const playbook::Block* b : blocks)
    if (const Value* v = b->keywords.find("vars")) out.push_back(v);
  return out;
}

const playbook::Role* TaskContext::Role(const playbook::Task& task) const {
  if (task.role) return task.role.get();
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
    if ((*it)->role) return (*it)->role.get();
  return nullptr;
}

}  // namespace drover::executor
