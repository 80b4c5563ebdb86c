// Privilege escalation (Ansible's become): wraps a command once for sudo or
// su, with the password sent on stdin ahead of the command's own input.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"

namespace drover::connection {

struct BecomeSpec {
  std::string method = "sudo";  // "sudo" or "su"
  std::string user = "root";
  // Replaces the method's default flags (sudo: "-H -S -n"; su: none), as
  // Ansible's become_flags does.
  std::optional<std::string> flags;
  std::optional<std::string> password;
};

// What to run instead of a command, and what to send on stdin before the
// command's own input.
struct BecomePlan {
  std::string command;
  std::string stdin_prefix;
  // The password prompt the method prints on stderr (empty without a password).
  std::string prompt;
};

// Wraps `command` (shell text) to run as spec.user through spec.method.
// With a password the plan's stdin begins "<password>\n<marker>\n"; the
// wrapped shell discards input up to the marker, so the command's own stdin
// is intact whether or not the method asked for the password (sudo does not
// when credentials are cached or NOPASSWD applies). Unknown methods are an
// error naming the supported ones.
Result<BecomePlan> WrapBecome(const std::string& command, const BecomeSpec& spec);

// The become method drover runs for a name as written ("sudo", "su", or
// their FQCNs "ansible.builtin.sudo", "ansible.builtin.su"), or nullopt for
// any other method (doas, runas, pbrun, ...: not supported).
std::optional<std::string> CanonicalBecomeMethod(const std::string& method);
// Whether the installed Ansible resolves this become plugin (ansible.builtin's
// and the names its runtime routes to collections). A method it does not
// know fails the task with Ansible's "Invalid become method specified".
bool AnsibleHasBecomePlugin(std::string method);

// Removes the method's prompts from stderr. Returns an error message when
// stderr shows that escalation itself failed (wrong or missing password),
// or nullopt when the command ran.
std::optional<std::string> CheckBecomeResult(const BecomePlan& plan, int exit_status,
                                             std::string* stderr_data);

}  // namespace drover::connection
