// Commands run on a host one after another in one script, each reported
// back with its exit status, stdout and stderr, for modules that mirror an
// Ansible module's sequence of run_command calls (iptables, ufw).
//
// The script defines `__step ARGV...`: it runs ARGV, then prints
// "DROVER_STEP|<rc>|<stdout bytes>|<stderr bytes>\n", the stdout and the
// stderr, and returns ARGV's status. Other lines the script prints are kept
// as markers.
#pragma once

#include <string>
#include <vector>

namespace drover::modules {

struct HostStep {
  int rc = 0;
  std::string out, err;
};

struct HostSteps {
  std::vector<HostStep> steps;
  std::vector<std::string> markers;  // the script's other lines, in order
  bool HasMarker(const std::string& line) const;
};

// The shell function `__step` (a prelude for the script).
std::string HostStepFunction();
// `__step` followed by the quoted words.
std::string HostStepCall(const std::vector<std::string>& argv);
// The steps and markers of the script's stdout.
HostSteps ParseHostSteps(const std::string& stdout_data);

}  // namespace drover::modules
