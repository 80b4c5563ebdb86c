// A module brings one thing on a host to a described state. Each module is
// one file: an argument spec (parsed strictly, see args.h) and Run(), which
// generates POSIX sh and sends it over the task's connection, in the common
// case as one round trip that both checks and changes. In check mode a
// module only queries; with diff it returns before/after.
//
// Run's contract: returns the result map Ansible's module would return
// (changed, failed, msg, rc, stdout, ...). An Error is returned only when the
// host could not be used at all (ExitCode::kUnreachable) or become failed.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connection/connection.h"
#include "core/error.h"
#include "core/value.h"
#include "modules/args.h"
#include "modules/path_probe.h"

namespace drover::modules {

struct RunContext {
  connection::Connection* conn = nullptr;
  std::optional<connection::BecomeSpec> become;
  std::vector<std::pair<std::string, std::string>> environment;
  bool check_mode = false;
  bool diff_mode = false;
  Location where;  // the task, for errors
  // Directories a task's local files are looked up under, most specific
  // first (the role's directory, then the playbook's): copy looks in
  // <dir>/files/<src> then <dir>/<src>, template in <dir>/templates/<src>.
  std::vector<std::string> search_paths;
  // Renders a template module source with the task's variables (Jinja2 as
  // the template module configures it). `name` names it in errors. Empty
  // when the caller has no templating (template then fails clearly).
  std::function<Result<std::string>(const std::string& template_text, const std::string& name)>
      render;

  // The `timeout` keyword: when set, every script run through Exec is
  // killed (with its children) at this time on the host; past it Exec fails
  // at once. The controller stops waiting shortly after it too, so a
  // stalled host cannot hold the task.
  std::optional<std::chrono::steady_clock::time_point> deadline;

  // Batching (path_probe.h), set by the executor when it is on: this host's
  // answers fetched ahead, and the probes of the tasks after this one that
  // may be asked in the same round trip.
  ProbeCache* probe_cache = nullptr;
  std::function<std::vector<PathProbe>()> plan_ahead;
  // The probes of the tasks after this one only, when this task's writes
  // may carry them (ExecThenProbe); null when they may not.
  std::function<std::vector<PathProbe>()> plan_after;

  // A read-only probe's answer: taken from the batch fetched ahead when it
  // holds it, else asked now (with the probes of plan_ahead when no write
  // is in flight anywhere). An empty answer: the probe failed on the host
  // (its stderr in *error_text). Every other script run through this
  // context counts as a write (WriteClock) and so ends every batch.
  Result<std::optional<ProbeAnswer>> Probe(const PathProbe& probe, std::string* error_text);

  // Runs `script` then `last` (its final command, without `exec`) on the
  // host, as Exec(script + "exec " + last). With plan_after, the probes of
  // the following tasks run after `last` in the same round trip and their
  // answers go to probe_cache (under WriteClock's rule for fused writes);
  // the result (stdout, stderr, exit status) is `last`'s as without them.
  Result<connection::ExecResult> ExecThenProbe(const std::string& script, const std::string& last);

  // Runs a script on the host with the task's become and environment.
  Result<connection::ExecResult> Exec(const std::string& script,
                                      std::optional<std::string> stdin_data = std::nullopt);
  // As Exec, with stdin streamed from a local file (constant memory).
  Result<connection::ExecResult> ExecWithFile(const std::string& script,
                                              const std::string& local_path);
  // As Exec, with stdout passed to `sink` as it arrives (when set).
  Result<connection::ExecResult> ExecStreaming(const std::string& script,
                                               connection::OutputSink sink);

 private:
  Result<connection::ExecResult> Run(connection::ExecRequest req, bool write = true);
  Result<std::optional<ProbeAnswer>> ProbeWithProcesses(const PathProbe& probe,
                                                        std::string* error_text);
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view Name() const = 0;
  virtual const std::vector<ArgSpec>& Spec() const = 0;
  // `args` have been parsed against Spec().
  virtual Result<Map> Run(const Map& args, RunContext& ctx) const = 0;
  // The probe Run(args, ctx) starts with (RunContext::Probe), for a batch
  // asked ahead of the task; nullopt when it starts otherwise. It only has
  // to be right to be useful: an answer is served only to an equal probe.
  virtual std::optional<PathProbe> PlanProbe(const Map& /*args*/, const RunContext& /*ctx*/) const {
    return std::nullopt;
  }
};

// The module for a canonical name, or null when drover has none (yet).
const Module* FindModule(std::string_view name);
// Names of every implemented module.
std::vector<std::string_view> ModuleNames();

// Results helpers shared by modules.
Map Failed(std::string msg);
// "2026-11-22 00:03:07.631912" (Python's str(datetime)), local time.
std::string PythonDatetimeNow();
// "0:00:00.006999" (Python's str(timedelta)) for a duration in microseconds.
std::string PythonTimedelta(int64_t micros);
// Lines of text as Python's str.splitlines() would give.
List SplitLines(const std::string& text);

}  // namespace drover::modules
