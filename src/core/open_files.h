// The process's open-file limit. One SSH session is one socket, so a run
// with --forks N holds about N descriptors: the soft limit (1024 on many
// systems) is raised to the hard one at start, as a server would.
#pragma once

namespace drover {

// Raises RLIMIT_NOFILE's soft limit to its hard limit (to 1048576, the
// kernel's default nr_open, when the hard limit is unlimited). Best effort:
// on failure the limit stays as it was. Returns the soft limit in effect.
long RaiseOpenFileLimit();

}  // namespace drover
