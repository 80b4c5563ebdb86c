// The variables a task's connection is made from, with Ansible's rule for
// the `connection` keyword: variables (inventory, play, block or task
// `ansible_connection`) win over the keyword (task, block, play), which wins
// over -c.
#pragma once

#include "core/error.h"
#include "core/value.h"
#include "template/template.h"
#include "vars/precedence.h"

namespace drover::executor {

// Every ansible_* variable of `scope`, templated with it (so `ansible_host:
// "{{ hostvars['db'].ip }}"` connects to the rendered address); when no
// `ansible_connection` is set, the templated `connection_keyword` (may be
// null) stands in for it. `scope` is the task's scope when the task runs on
// its own host, the delegate's host scope when delegated.
// A connection setting Ansible's PlayContext templates (ansible_host,
// ansible_port, ansible_user, ansible_password, ...) that cannot be
// rendered is an error with 2.14's message ("The field 'remote_addr' has
// an invalid value, which includes an undefined variable. ..."), which
// fails the task on that host; other ansible_* variables that cannot be
// rendered are passed as written (no connection reads them).
Result<Map> ConnectionVars(const vars::VarScope& scope, const Value* connection_keyword);

// The same for one host's variables `vars` templated with `scope` (drover
// adhoc): its ansible_* variables, rendered.
Result<Map> TemplateConnectionVars(const Map& vars, const tmpl::Scope& scope);

}  // namespace drover::executor
