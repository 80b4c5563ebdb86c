// The variables a template sees for one host and task: a small map of
// task-local names (item, loop index, the registered result under
// changed_when) over the host's precedence-ordered VarScope.
#pragma once

#include <string>
#include <vector>

#include "template/template.h"
#include "vars/precedence.h"

namespace drover::executor {

class TemplateScope : public tmpl::Scope {
 public:
  TemplateScope(const vars::VarScope& vars, const Map* locals = nullptr)
      : vars_(vars), locals_(locals) {}
  const Value* Lookup(std::string_view name) const override {
    if (locals_)
      if (const Value* v = locals_->find(name)) return v;
    if (const Value* v = vars_.Find(name)) return v;
    // As Ansible's PlayContext.update_vars: a task sees ansible_host (and
    // ansible_ssh_host) as the host's address, its inventory name, when no
    // variable sets it (hostvars do not show it).
    if (name == "ansible_host" || name == "ansible_ssh_host") {
      const Value* other = vars_.Find(name == "ansible_host" ? "ansible_ssh_host" : "ansible_host");
      return other ? other : vars_.Find("inventory_hostname");
    }
    return nullptr;
  }
  // Every visible name: the locals, then the host's variables.
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    if (locals_)
      for (const auto& [k, v] : *locals_) out.push_back(k);
    for (const auto& [k, v] : vars_.Flatten())
      if (!locals_ || !locals_->contains(k)) out.push_back(k);
    return out;
  }

 private:
  const vars::VarScope& vars_;
  const Map* locals_;
};

}  // namespace drover::executor
