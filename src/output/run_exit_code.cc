#include "output/run_exit_code.h"

#include "core/error.h"

namespace drover::output {

int RunExitCode(const std::vector<std::pair<std::string, HostStats>>& hosts) {
  bool failed = false, unreachable = false;
  for (const auto& [name, stats] : hosts) {
    failed = failed || stats.failed > 0;
    unreachable = unreachable || stats.unreachable > 0;
  }
  if (failed) return static_cast<int>(ExitCode::kHostFailed);
  if (unreachable) return static_cast<int>(ExitCode::kUnreachable);
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace drover::output
