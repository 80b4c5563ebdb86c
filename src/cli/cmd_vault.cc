#include "cli/command.h"
#include "cli/pending_command.h"

namespace drover::cli {

Command VaultCommand() {
  return PendingCommand(
      "vault", "ansible-vault", "Create, view, edit and re-key ansible-vault encrypted files",
      "{create,decrypt,edit,view,encrypt,encrypt_string,rekey} [options] FILE...");
}

}  // namespace drover::cli
