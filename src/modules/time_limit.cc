#include "modules/time_limit.h"

#include "connection/shell.h"

namespace drover::modules {

std::string TimeLimitedScript(const std::string& script, long seconds) {
  if (seconds < 1) seconds = 1;
  // __drover_tree PID: stop PID (so it starts nothing new), kill its
  // children's trees, then kill it.
  return "__drover_tree() { kill -STOP \"$1\" 2>/dev/null; "
         "for __drover_c in $(ps -e -o pid= -o ppid= | awk -v p=\"$1\" '$2 == p {print $1}'); "
         "do __drover_tree \"$__drover_c\"; done; kill -KILL \"$1\" 2>/dev/null; }\n"
         "exec 3<&0\n"
         "/bin/sh -c " +
         connection::ShellQuote(script) +
         " <&3 3<&- &\n"
         "__drover_pid=$!\n"
         "exec 3<&-\n"
         "( sleep " +
         std::to_string(seconds) +
         "; __drover_tree \"$__drover_pid\" ) </dev/null >/dev/null 2>&1 &\n"
         "__drover_watch=$!\n"
         "wait \"$__drover_pid\"\n"
         "__drover_rc=$?\n"
         "__drover_tree \"$__drover_watch\"\n"
         "exit \"$__drover_rc\"\n";
}

}  // namespace drover::modules
