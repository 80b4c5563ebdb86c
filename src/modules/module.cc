#include "modules/module.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "modules/registry.h"
#include "modules/time_limit.h"

namespace drover::modules {

Result<connection::ExecResult> RunContext::Exec(const std::string& script,
                                                std::optional<std::string> stdin_data) {
  connection::ExecRequest req;
  req.command = script;
  req.stdin_data = std::move(stdin_data);
  return Run(std::move(req));
}

Result<connection::ExecResult> RunContext::ExecWithFile(const std::string& script,
                                                        const std::string& local_path) {
  connection::ExecRequest req;
  req.command = script;
  req.stdin_file = local_path;
  return Run(std::move(req));
}

Result<connection::ExecResult> RunContext::ExecStreaming(const std::string& script,
                                                         connection::OutputSink sink) {
  connection::ExecRequest req;
  req.command = script;
  req.stdout_sink = std::move(sink);
  return Run(std::move(req));
}

Result<std::optional<ProbeAnswer>> RunContext::ProbeWithProcesses(const PathProbe& probe,
                                                                  std::string* error_text) {
  Result<connection::ExecResult> res =
      Run(connection::ExecRequest(ProcessProbeScript({probe})), false);
  if (!res) return res.take_error();
  std::optional<std::vector<ProbeAnswer>> answers;
  if (res->exit_status == 0) answers = ParseProcessProbeOutput({probe}, res->stdout_data);
  if (!answers) {
    *error_text = res->stderr_data;
    return std::optional<ProbeAnswer>();
  }
  return std::optional<ProbeAnswer>(std::move(answers->front()));
}

Result<std::optional<ProbeAnswer>> RunContext::Probe(const PathProbe& probe,
                                                     std::string* error_text) {
  if (probe_cache) {
    if (std::optional<ProbeAnswer> ahead = probe_cache->Take(probe)) {
      if (ahead->exact) return ahead;
      return ProbeWithProcesses(probe, error_text);
    }
  }
  std::vector<PathProbe> batch{probe};
  std::optional<WriteClock::Stamp> stamp;
  if (probe_cache && plan_ahead && !deadline &&
      (stamp = WriteClock::QuietStamp(conn->MachineKey()))) {
    // The plan starts at the task's first probe (a loop's first item): the
    // probes up to this one's are behind us.
    std::vector<PathProbe> more = plan_ahead();
    auto self = std::find(more.begin(), more.end(), probe);
    if (self != more.end()) batch.insert(batch.end(), self + 1, more.end());
  }
  for (;;) {
    const std::string nonce = ProbeNonce();
    Result<connection::ExecResult> res =
        Run(connection::ExecRequest(ProbeScript(batch, nonce)), false);
    if (!res) return res.take_error();
    std::optional<std::vector<ProbeAnswer>> answers;
    if (res->exit_status == 0) answers = ParseProbeOutput(batch, res->stdout_data, nonce);
    if (!answers && batch.size() > 1) {  // ask this task's probe alone
      batch.resize(1);
      continue;
    }
    if (!answers) return ProbeWithProcesses(probe, error_text);
    if (batch.size() > 1) {
      probe_cache->Store(*stamp, std::vector<PathProbe>(batch.begin() + 1, batch.end()),
                         std::vector<ProbeAnswer>(answers->begin() + 1, answers->end()));
    }
    // Not exact with builtins: this path again with processes (read-only:
    // the rest of the batch stays good).
    if (!answers->front().exact) return ProbeWithProcesses(probe, error_text);
    return std::optional<ProbeAnswer>(std::move(answers->front()));
  }
}

Result<connection::ExecResult> RunContext::ExecThenProbe(const std::string& script,
                                                         const std::string& last) {
  if (!probe_cache || !plan_after || deadline) return Exec(script + "exec " + last + "\n");
  // Only a write that starts while no other that counts on its machine is
  // in flight can carry probes (WriteClock); it counts as begun from here on.
  const std::string machine = conn->MachineKey();
  const std::optional<WriteClock::Stamp> stamp = WriteClock::BeginFused(machine);
  std::vector<PathProbe> probes;
  if (stamp) probes = plan_after();
  if (probes.empty()) {
    Result<connection::ExecResult> res =
        Run(connection::ExecRequest(script + "exec " + last + "\n"), false);
    WriteClock::End(machine);
    return res;
  }
  // The probes run after `last` in the same script (`last` in a subshell
  // that execs it, so a builtin's name is still looked up as a program,
  // on the same line: messages are the same); what `last` prints ends
  // with a line of the nonce and its exit status, and the probes' stderr
  // is dropped (the command's stays exact).
  const std::string nonce = ProbeNonce();
  std::string fused = script + "(exec " + last +
                      ")\n__rc=$?\nexec 2>/dev/null\nprintf '\\n%s|rc|%s\\n' '" + nonce +
                      "' \"$__rc\"\n" + ProbeScript(probes, nonce);
  Result<connection::ExecResult> res = Run(connection::ExecRequest(fused), false);
  WriteClock::End(machine);
  if (!res) return res;
  std::string& out = res->stdout_data;
  const size_t mark = out.find("\n" + nonce + "|rc|");
  if (mark == std::string::npos) return res;  // the script ended before (exit)
  const size_t rc_at = mark + nonce.size() + 5, nl = out.find('\n', rc_at);
  if (nl == std::string::npos) return res;
  const std::string rc = out.substr(rc_at, nl - rc_at), probed = out.substr(nl + 1);
  const bool probes_ok = res->exit_status == 0;
  out.resize(mark);
  res->exit_status = std::atoi(rc.c_str());
  std::optional<std::vector<ProbeAnswer>> answers;
  if (probes_ok) answers = ParseProbeOutput(probes, probed, nonce);
  if (answers) probe_cache->Store(*stamp, std::move(probes), std::move(*answers));
  return res;
}

Result<connection::ExecResult> RunContext::Run(connection::ExecRequest req, bool write) {
  if (write) {
    // The key as the write starts (a first command may learn it).
    const std::string machine = conn->MachineKey();
    WriteClock::Begin(machine);
    Result<connection::ExecResult> res = Run(std::move(req), false);
    WriteClock::End(machine);
    return res;
  }
  if (deadline) {
    const auto left = *deadline - std::chrono::steady_clock::now();
    const long seconds = static_cast<long>(std::ceil(std::chrono::duration<double>(left).count()));
    if (seconds <= 0) return MakeError("the task's time ran out", where);
    req.command = TimeLimitedScript(req.command, seconds);
    // The host kills the script at the deadline; the controller waits a
    // little longer for that report, then gives up on a stalled host.
    req.deadline = *deadline + std::chrono::seconds(2);
  }
  req.env = environment;
  req.become = become;
  return conn->Exec(req);
}

const Module* FindModule(std::string_view name) {
  for (const Module* m : AllModules())
    if (m->Name() == name) return m;
  // A collection module registered by its FQCN (community.general.ufw) is
  // found by the short name the task parser dispatches on (ufw).
  for (const Module* m : AllModules()) {
    std::string_view n = m->Name();
    if (n.size() > name.size() && n.ends_with(name) && n[n.size() - name.size() - 1] == '.')
      return m;
  }
  return nullptr;
}

std::vector<std::string_view> ModuleNames() {
  std::vector<std::string_view> names;
  for (const Module* m : AllModules()) names.push_back(m->Name());
  return names;
}

Map Failed(std::string msg) {
  return Map{{"failed", true}, {"changed", false}, {"msg", std::move(msg)}};
}

std::string PythonDatetimeNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%06lld", buf, static_cast<long long>(micros));
  return out;
}

std::string PythonTimedelta(int64_t micros) {
  int64_t secs = micros / 1000000;
  char out[64];
  std::snprintf(out, sizeof out, "%lld:%02lld:%02lld.%06lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(micros % 1000000));
  return out;
}

List SplitLines(const std::string& text) {
  List lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(Value(text.substr(start)));
      break;
    }
    lines.push_back(Value(text.substr(start, end - start)));
    start = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
  }
  return lines;
}

}  // namespace drover::modules
