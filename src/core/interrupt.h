// A run interrupted by the user (SIGINT). The CLI's signal handler calls
// RequestInterrupt(); the executor stops starting tasks, and transports
// waiting on a host stop the in-flight command and return an error.
// Lock-free: safe to call from a signal handler and from any thread.
#pragma once

#include <sys/types.h>

namespace drover {

void RequestInterrupt();
bool Interrupted();

// Process groups of commands drover runs on the controller (local tasks):
// each runs in a group of its own, so an interrupt stops the command and
// everything it started. Track while it runs; KillTrackedGroups() is
// async-signal-safe (the second SIGINT's immediate exit uses it). At most
// 256 groups are tracked at once; beyond that a group is simply not tracked.
void TrackProcessGroup(pid_t pgid);
void UntrackProcessGroup(pid_t pgid);
void KillTrackedGroups(int signal);

}  // namespace drover
