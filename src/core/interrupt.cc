#include "core/interrupt.h"

#include <signal.h>

#include <atomic>

namespace drover {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// Slots of tracked process groups; 0 is a free slot.
constexpr int kMaxGroups = 256;
std::atomic<pid_t> g_groups[kMaxGroups];
static_assert(std::atomic<pid_t>::is_always_lock_free);

}  // namespace

void RequestInterrupt() {
  g_interrupted.store(true);
}

bool Interrupted() {
  return g_interrupted.load();
}

void TrackProcessGroup(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, pgid)) return;
  }
}

void UntrackProcessGroup(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void KillTrackedGroups(int signal) {
  for (auto& slot : g_groups) {
    const pid_t pgid = slot.load();
    if (pgid > 0) ::kill(-pgid, signal);
  }
}

}  // namespace drover
