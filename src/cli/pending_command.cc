#include "cli/pending_command.h"

#include <cstdio>

namespace drover::cli {

Command PendingCommand(std::string name, std::string ansible_name, std::string summary,
                       std::string usage) {
  Command c;
  c.name = std::move(name);
  c.ansible_name = std::move(ansible_name);
  c.summary = summary + " [not implemented yet]";
  c.run = [summary, usage](const std::string& prog, std::vector<std::string> args) {
    bool help = false;
    for (const auto& a : args) help = help || a == "--help" || a == "-h";
    std::fprintf(help ? stdout : stderr,
                 "Usage: %s %s\n\n%s.\n\nNOT IMPLEMENTED YET: this command is "
                 "registered but does nothing in this version of drover.\n",
                 prog.c_str(), usage.c_str(), summary.c_str());
    return help ? 0 : 5;
  };
  return c;
}

}  // namespace drover::cli
