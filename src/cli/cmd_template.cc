#include "cli/command.h"
#include "cli/pending_command.h"

namespace drover::cli {

Command TemplateCommand() {
  return PendingCommand("template", "", "Render a Jinja2 template with an environment's variables",
                        "SRC [-i INVENTORY --host HOST] [-e VARS]");
}

}  // namespace drover::cli
