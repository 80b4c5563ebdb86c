#include "cli/command.h"
#include "cli/pending_command.h"

namespace drover::cli {

Command AdhocCommand() {
  return PendingCommand("adhoc", "ansible",
                        "Run one module on the hosts matching a pattern (also: drover ping)",
                        "PATTERN -i INVENTORY [-m MODULE] [-a ARGS]");
}

}  // namespace drover::cli
