// The command registry: each `drover <command>` lives in its own file and
// registers itself here. The CLI is the only layer that prints errors.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace drover::cli {

struct Command {
  std::string name;          // drover <name>
  std::string ansible_name;  // name of the ansible-* link that runs it ("" = none)
  std::string summary;       // one line for `drover --help`
  bool hidden = false;       // not listed in --help (developer tools)
  // Runs the command. `prog` is what to call it in usage text (e.g.
  // "drover vault" or "ansible-vault"); args exclude the command name.
  std::function<int(const std::string& prog, std::vector<std::string> args)> run;
};

// All commands, in the order `drover --help` lists them.
const std::vector<Command>& Commands();

// Entry point: dispatches on argv[0] (ansible-* links) or the first argument.
int Main(int argc, char** argv);

// Each command file defines one of these; Commands() collects them.
Command PlaybookCommand();
Command AdhocCommand();
Command VaultCommand();
Command InventoryCommand();
Command TemplateCommand();
Command DebugCommand();
Command RecapCommand();
Command PersistCommand();

}  // namespace drover::cli
