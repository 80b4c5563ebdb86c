// A run interrupted by the user (SIGINT). The CLI's signal handler calls
// RequestInterrupt(); the executor stops starting tasks, and transports
// waiting on a host stop the in-flight command and return an error.
// Lock-free: safe to call from a signal handler and from any thread.
#pragma once

namespace drover {

void RequestInterrupt();
bool Interrupted();

}  // namespace drover
