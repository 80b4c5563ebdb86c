#include "core/interrupt.h"

#include <atomic>

namespace drover {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

}  // namespace

void RequestInterrupt() {
  g_interrupted.store(true);
}

bool Interrupted() {
  return g_interrupted.load();
}

}  // namespace drover
