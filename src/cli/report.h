// Printing errors and warnings for the user. Everything goes through
// Redact(), so secrets never reach the terminal; both are also appended to
// the log_path log when one is open (output::ProcessLog()).
#pragma once

#include <string>

#include "core/error.h"

namespace drover::cli {

// Prints "ERROR! <headline>" and its detail to stderr; returns the exit code.
int ReportError(const Error& error);
// Prints "[WARNING]: <headline>" to stderr.
void ReportWarning(const Error& warning);
// A command line the parser rejected: ReportError with exit code 2, the
// code Ansible's argparse exits with.
int ReportUsageError(const std::string& message);

}  // namespace drover::cli
