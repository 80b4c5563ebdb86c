// Printing errors and warnings for the user. Everything goes through
// Redact(), so secrets never reach the terminal; both are also appended to
// the log_path log when one is open (output::ProcessLog()).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/ansible_cfg.h"
#include "core/error.h"
#include "output/ansible_log.h"

namespace drover::cli {

// Prints "ERROR! <headline>" and its detail to stderr; returns the exit code.
int ReportError(const Error& error);
// Prints "[WARNING]: <headline>" to stderr wrapped as display.warning()
// wraps it (output::DisplayedWarning; a deprecation as display.deprecated),
// the detail unwrapped below; a text already shown is not shown again.
void ReportWarning(const Error& warning);
// A command line the parser rejected: ReportError with exit code 2, the
// code Ansible's argparse exits with.
int ReportUsageError(const std::string& message);

// Ansible's display.display(msg) for a command's own output: `msg` through
// Redact() to `out` with a newline added unless it ends in one, and
// appended as one record to the log_path log when one is open.
void Display(const std::string& msg, FILE* out = stdout);

// log_path for this command (output::AnsibleLog::PathFrom): opened and made
// the process log, so errors, warnings and Display() reach it. Null when
// none is configured or it cannot be opened (Ansible's warning printed).
std::unique_ptr<output::AnsibleLog> OpenConfiguredLog(const AnsibleConfig& cfg);

}  // namespace drover::cli
