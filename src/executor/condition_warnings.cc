#include "executor/condition_warnings.h"

#include "template/template.h"

namespace drover::executor {

namespace {
thread_local ConditionWarnings* current = nullptr;
}  // namespace

ConditionWarnings::ConditionWarnings(std::function<void(const std::string&)> report)
    : report_(std::move(report)), previous_(current) {
  current = this;
}

ConditionWarnings::~ConditionWarnings() {
  current = previous_;
}

void ConditionWarnings::Check(const std::string& condition) {
  if (!current || !tmpl::IsPossiblyTemplate(condition)) return;
  if (!current->seen_.insert(condition).second) return;
  current->report_(
      "conditional statements should not include jinja2 templating delimiters such as {{ }} "
      "or {% %}. Found: " +
      condition);
}

}  // namespace drover::executor
