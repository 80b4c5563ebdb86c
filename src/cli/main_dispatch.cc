#include <cstdio>
#include <cstring>
#include <string>

#include "cli/command.h"
#include "cli/report.h"
#include "core/ansible_cfg.h"
#include "core/open_files.h"
#include "core/value.h"
#include "version.h"

namespace drover::cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      PlaybookCommand(), AdhocCommand(), VaultCommand(), InventoryCommand(),
      TemplateCommand(), DebugCommand(), RecapCommand(), PersistCommand(),
  };
  return commands;
}

namespace {

void PrintTopHelp(FILE* out) {
  std::fprintf(out,
               "drover %s: an agentless provisioning engine that runs Ansible "
               "projects unchanged.\n\n"
               "Usage: drover <command> [options]\n"
               "       drover --help | --version\n\n"
               "Commands:\n",
               kDroverVersion);
  for (const Command& c : Commands()) {
    if (c.hidden) continue;
    std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  }
  std::fprintf(out,
               "\nRun `drover <command> --help` for a command's options.\n"
               "Linked as ansible-playbook, ansible, ansible-vault or "
               "ansible-inventory, drover runs the matching command.\n");
}

// `--version` anywhere before a `--`, as Ansible's commands accept it.
bool AsksVersion(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") return false;
    if (a == "--version") return true;
  }
  return false;
}

// Ansible's shape ("<prog> [core X]", then the config file in use), with
// drover's version: "ansible-playbook [drover X]" or "drover X".
int PrintVersion(const std::string& prog, const char* argv0) {
  const std::string cfg = ReadAnsibleConfig().file;
  const std::string headline =
      prog == "drover" ? prog + " " + kDroverVersion : prog + " [drover " + kDroverVersion + "]";
  std::printf("%s\n  config file = %s\n  executable location = %s\n", headline.c_str(),
              cfg.empty() ? "None" : cfg.c_str(), argv0);
  return 0;
}

std::string Basename(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int RunCommand(const Command& c, const std::string& prog, std::vector<std::string> args) {
  try {
    return c.run(prog, std::move(args));
  } catch (const Failure& f) {
    return ReportError(f.error);
  } catch (const std::exception& e) {
    Error err = MakeError(std::string("unexpected error: ") + e.what());
    err.code = ExitCode::kUnexpected;
    return ReportError(err);
  }
}

}  // namespace

int Main(int argc, char** argv) {
  RaiseOpenFileLimit();  // one socket per host: --forks 500 needs more than 1024
  const std::string invoked = argc > 0 ? Basename(argv[0]) : "drover";
  std::vector<std::string> rest(argv + (argc > 0 ? 1 : 0), argv + argc);

  const char* argv0 = argc > 0 ? argv[0] : "drover";
  for (const Command& c : Commands()) {
    if (!c.ansible_name.empty() && invoked == c.ansible_name) {
      if (AsksVersion(rest)) return PrintVersion(invoked, argv0);
      return RunCommand(c, invoked, std::move(rest));
    }
  }
  if (rest.empty() || rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
    PrintTopHelp(rest.empty() ? stderr : stdout);
    return rest.empty() ? static_cast<int>(ExitCode::kBadOptions) : 0;
  }
  if (rest[0] == "--version") return PrintVersion("drover", argv0);
  const std::string name = rest[0];
  rest.erase(rest.begin());
  for (const Command& c : Commands()) {
    if (c.name == name || (name == "ping" && c.name == "adhoc")) {
      if (AsksVersion(rest)) return PrintVersion("drover " + c.name, argv0);
      if (name == "ping") rest.insert(rest.begin(), {"-m", "ping"});
      return RunCommand(c, "drover " + c.name, std::move(rest));
    }
  }
  Error err = MakeError("unknown command '" + name + "'; run `drover --help` for the list");
  err.code = ExitCode::kBadOptions;
  return ReportError(err);
}

}  // namespace drover::cli
