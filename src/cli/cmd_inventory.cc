#include "cli/command.h"
#include "cli/pending_command.h"

namespace drover::cli {

Command InventoryCommand() {
  return PendingCommand("inventory", "ansible-inventory", "Show an inventory as Ansible sees it",
                        "-i INVENTORY (--list | --graph [GROUP] | --host HOST)");
}

}  // namespace drover::cli
