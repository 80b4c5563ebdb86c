#include "executor/connection_vars.h"

#include "executor/template_scope.h"
#include "template/template.h"

namespace drover::executor {

Map ConnectionVars(const vars::VarScope& scope, const Value* connection_keyword) {
  Map out;
  TemplateScope tscope(scope);
  for (const auto& [k, v] : scope.Flatten()) {
    if (k.rfind("ansible_", 0) != 0) continue;
    Result<Value> t = tmpl::TemplateValue(v, tscope);
    out.set(k, t ? *t : v);
  }
  if (connection_keyword && !connection_keyword->is_null() && !out.contains("ansible_connection")) {
    Result<Value> t = tmpl::TemplateValue(*connection_keyword, tscope);
    out.set("ansible_connection", t ? *t : *connection_keyword);
  }
  return out;
}

}  // namespace drover::executor
