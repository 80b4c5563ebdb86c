// `drover debug yaml FILE`: prints a YAML file as drover loads it, as JSON
// (Python's json.dumps shape). For differential tests and for users asking
// "what does drover think this file says?". Hidden from --help.
#include <cstdio>

#include "cli/command.h"
#include "cli/report.h"
#include "core/json.h"
#include "core/secrets.h"
#include "core/yaml.h"
#include "playbook/kv.h"

namespace drover::cli {

Command DebugCommand() {
  Command c;
  c.name = "debug";
  c.summary =
      "Developer tools: `debug yaml FILE` prints a file as drover loads it, `debug kv` parses k=v "
      "args";
  c.hidden = true;
  c.run = [](const std::string& prog, std::vector<std::string> args) {
    if (args.size() >= 2 && args[0] == "kv") {
      // debug kv [--raw] TEXT: free-form k=v arguments as a task would get them.
      const bool raw = args[1] == "--raw";
      if (raw && args.size() != 3) return 5;
      Result<Map> kv = playbook::ParseKeyValues(args[raw ? 2 : 1], raw);
      if (!kv) return ReportError(kv.error());
      std::printf("%s\n", Redact(ToJson(Value(*kv))).c_str());
      return 0;
    }
    if (args.size() != 2 || args[0] != "yaml") {
      std::fprintf(stderr, "Usage: %s yaml FILE | kv [--raw] TEXT\n", prog.c_str());
      return 5;
    }
    Warnings warnings;
    Result<Value> doc = LoadYamlFile(args[1], &warnings);
    for (const Error& w : warnings) ReportWarning(w);
    if (!doc) return ReportError(doc.error());
    std::printf("%s\n", Redact(ToJson(*doc)).c_str());
    return 0;
  };
  return c;
}

}  // namespace drover::cli
