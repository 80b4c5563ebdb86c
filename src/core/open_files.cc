#include "core/open_files.h"

#include <sys/resource.h>

namespace drover {

long RaiseOpenFileLimit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  constexpr rlim_t kNrOpenDefault = 1 << 20;
  const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? kNrOpenDefault : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    struct rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace drover
