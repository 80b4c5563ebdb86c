// The `timeout` task keyword on the host: a script wrapped so that it is
// killed, with every process it started, when it runs longer than its time.
// Plain POSIX sh (ps, awk, kill, sleep); nothing installed on the host.
#pragma once

#include <string>

namespace drover::modules {

// `script` run by /bin/sh as a child of a watchdog: after `seconds` the
// child's process tree is stopped and killed (SIGKILL), and the wrapper
// exits with the child's status (137 when killed). stdin, the environment
// and the exit status pass through unchanged otherwise.
std::string TimeLimitedScript(const std::string& script, long seconds);

}  // namespace drover::modules
