// The modules `drover adhoc` runs directly over a Connection: ping,
// command, shell, raw, setup. (The playbook executor's module library is a
// separate stage; these mirror Ansible's results for ad-hoc use.)
#pragma once

#include <optional>
#include <string>

#include "connection/connection.h"
#include "core/error.h"
#include "core/value.h"
#include "template/template.h"

namespace drover::cli {

struct AdhocOutcome {
  enum class State { kOk, kChanged, kFailed, kUnreachable, kSkipped };
  State state = State::kOk;
  Map result;               // the module's result, as Ansible's JSON
  bool raw_output = false;  // command/shell/raw: shown as "| rc=N >>"
};

// Checks the module name and its arguments before any host is contacted.
Status ValidateAdhocModule(const std::string& module, const std::string& args);

// Runs `module` with `args` (Ansible's -a text) on one host.
AdhocOutcome RunAdhocModule(const std::string& module, const std::string& args,
                            connection::Connection& connection,
                            const std::optional<connection::BecomeSpec>& become);

// The controller action debug (msg=, var=, verbosity=; no connection), with
// var= evaluated in the host's `scope` and the result cleaned as Ansible's
// callback shows debug's.
bool IsAdhocDebug(const std::string& module);
AdhocOutcome RunAdhocDebug(const std::string& args, const tmpl::Scope& scope, int verbosity);

// "web1 | SUCCESS => {...}" and friends, the message Ansible's minimal
// callback displays (a command's raw form ends in a newline, the JSON forms
// do not): print it with Display().
std::string FormatAdhocOutcome(const std::string& host, const AdhocOutcome& outcome);

}  // namespace drover::cli
