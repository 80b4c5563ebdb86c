#include "cli/command.h"
#include "cli/pending_command.h"

namespace drover::cli {

Command PlaybookCommand() {
  return PendingCommand("playbook", "ansible-playbook", "Run playbooks against an inventory",
                        "[options] PLAYBOOK...");
}

}  // namespace drover::cli
