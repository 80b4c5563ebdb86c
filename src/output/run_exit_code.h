// The exit code ansible-playbook gives for a run that reached its recap:
// 2 when a host failed, else 4 when a host was unreachable, else 0. One
// place for `drover playbook` and `drover recap` (merged slices).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "output/events.h"

namespace drover::output {

int RunExitCode(const std::vector<std::pair<std::string, HostStats>>& hosts);

}  // namespace drover::output
