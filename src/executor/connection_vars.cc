#include "executor/connection_vars.h"

#include <string_view>

#include "executor/template_scope.h"
#include "template/template.h"

namespace drover::executor {

namespace {

// PlayContext's field for each connection variable it templates
// (ansible.constants.MAGIC_VARIABLE_MAPPING); nullptr when none.
const char* PlayContextField(std::string_view var) {
  static const std::pair<std::string_view, const char*> kFields[] = {
      {"ansible_host", "remote_addr"},
      {"ansible_ssh_host", "remote_addr"},
      {"ansible_user", "remote_user"},
      {"ansible_ssh_user", "remote_user"},
      {"ansible_port", "port"},
      {"ansible_ssh_port", "port"},
      {"ansible_password", "password"},
      {"ansible_ssh_pass", "password"},
      {"ansible_private_key_file", "private_key_file"},
      {"ansible_ssh_private_key_file", "private_key_file"},
      {"ansible_timeout", "timeout"},
      {"ansible_ssh_timeout", "timeout"},
      {"ansible_ssh_common_args", "ssh_common_args"},
      {"ansible_ssh_extra_args", "ssh_extra_args"},
      {"ansible_shell_executable", "executable"},
  };
  for (const auto& [name, field] : kFields)
    if (name == var) return field;
  return nullptr;
}

Error FieldError(const char* field, const Value& raw, const Error& cause) {
  std::string why = cause.message;
  if (std::string_view(why).starts_with("<template>: ")) why.erase(0, 12);
  if (cause.detail.starts_with("undefined variable"))
    return MakeError(std::string("The field '") + field +
                     "' has an invalid value, which includes an undefined variable. The error "
                     "was: " +
                     why);
  return MakeError(std::string("the field '") + field + "' has an invalid value (" +
                   (raw.is_string() ? raw.as_string() : std::string("...")) +
                   "), and could not be converted to str. The error was: " + why);
}

}  // namespace

Result<Map> TemplateConnectionVars(const Map& vars, const tmpl::Scope& scope) {
  Map out;
  for (const auto& [k, v] : vars) {
    if (k.rfind("ansible_", 0) != 0) continue;
    Result<Value> t = tmpl::TemplateValue(v, scope);
    if (!t)
      if (const char* field = PlayContextField(k)) return FieldError(field, v, t.error());
    out.set(k, t ? *t : v);
  }
  return out;
}

Result<Map> ConnectionVars(const vars::VarScope& scope, const Value* connection_keyword) {
  TemplateScope tscope(scope);
  Result<Map> out = TemplateConnectionVars(scope.Flatten(), tscope);
  if (!out) return out;
  if (connection_keyword && !connection_keyword->is_null() &&
      !out->contains("ansible_connection")) {
    Result<Value> t = tmpl::TemplateValue(*connection_keyword, tscope);
    out->set("ansible_connection", t ? *t : *connection_keyword);
  }
  return out;
}

}  // namespace drover::executor
