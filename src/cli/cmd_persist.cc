// `drover persist --stop`: ends the connection holders that keep SSH
// sessions open between runs (connection/persist_holder.h), as `ssh -O
// exit` ends an OpenSSH ControlMaster. `drover persist --holder FD` is the
// holder itself, started by a run (not for users).
#include <cstdio>
#include <cstdlib>

#include "cli/command.h"
#include "cli/config_defaults.h"
#include "cli/report.h"
#include "connection/persist_holder.h"
#include "connection/persisted_connection.h"

namespace drover::cli {

Command PersistCommand() {
  Command c;
  c.name = "persist";
  c.summary = "Stop the connection holders kept for later runs (--stop)";
  c.run = [](const std::string& prog, std::vector<std::string> args) -> int {
    if (args.size() == 2 && args[0] == "--holder") {
      return connection::persist::RunHolder(std::atoi(args[1].c_str()));
    }
    if (args.size() == 1 && args[0] == "--stop") {
      const std::string dir = ConfiguredControlPathDir(ReadAnsibleConfig());
      const int n = connection::StopHolders(dir);
      std::printf("stopped %d connection holder%s (%s)\n", n, n == 1 ? "" : "s", dir.c_str());
      return 0;
    }
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
      std::printf(
          "Usage: %s --stop\n\nEnds every connection holder of this user (the processes "
          "that keep SSH sessions open between runs, as Ansible's ControlPersist does; "
          "DROVER_PERSIST=0 turns them off) and removes their sockets.\n\nOptions:\n"
          "  --stop       end every holder and remove its socket\n"
          "  -h, --help   show this help\n",
          prog.c_str());
      return 0;
    }
    return ReportUsageError("usage: " + prog + " --stop");
  };
  return c;
}

}  // namespace drover::cli
