// `drover recap FILE...`: the PLAY RECAP and exit code of one run made of
// several, from their --json-log files (the slices of `drover playbook
// --slice K/N`, run as separate processes or CI jobs).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/command.h"
#include "cli/report.h"
#include "output/ansible_text.h"
#include "output/recap_merge.h"
#include "output/run_exit_code.h"

namespace drover::cli {

Command RecapCommand() {
  Command c;
  c.name = "recap";
  c.summary = "Merge the JSON event logs of a run's slices into one recap";
  c.run = [](const std::string& prog, std::vector<std::string> args) -> int {
    CLI::App app{
        "Reads the --json-log files of the slices of one run (`drover playbook --slice K/N "
        "--json-log FILE`, one process or CI job per slice) and prints the PLAY RECAP that "
        "one run over all their hosts prints, hosts sorted by name. Refuses a log that is "
        "missing, cut off, without a recap (the run stopped or is still running) or "
        "interrupted; a host in two logs; and an incomplete set of slices.",
        prog};
    app.footer(
        "Exit codes: those of the merged run (as ansible-playbook's): 0 ok; 2 a host "
        "failed; 4 a host unreachable (none failed). 1 when a log is refused; 2 also for a "
        "command line the parser rejects.");
    std::vector<std::string> files;
    app.add_option("file", files, "JSON event logs, one per slice")->required();
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);
      return ReportUsageError(e.what());
    }
    std::vector<output::RunLog> logs;
    for (const std::string& file : files) {
      Result<output::RunLog> log = output::ReadRunLog(file);
      if (!log) return ReportError(log.error());
      logs.push_back(std::move(log).value());
    }
    Result<output::Recap> merged = output::MergeRunLogs(logs);
    if (!merged) return ReportError(merged.error());
    output::TextOptions text_options;
    text_options.timing = false;  // the logs carry no per-task times
    text_options.color =
        ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") && !std::getenv("ANSIBLE_NOCOLOR");
    output::AnsibleTextReporter(stdout, text_options).OnRecap(*merged);
    return output::RunExitCode(merged->hosts);
  };
  return c;
}

}  // namespace drover::cli
