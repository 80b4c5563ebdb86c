#include "connection/connection.h"

#include "connection/atomic_install.h"
#include "connection/local_connection.h"
#include "connection/shell.h"
#include "core/file_util.h"

namespace drover::connection {

Result<ExecResult> Connection::Exec(const ExecRequest& request) {
  if (Status s = Connect(); !s) return s.take_error();
  for (const auto& [key, value] : request.env) {
    bool valid = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (unsigned char c : key) valid = valid && (std::isalnum(c) || c == '_');
    if (!valid) return MakeError("invalid environment variable name '" + key + "'");
  }
  std::string script = WithEnvironment(request.command, request.env);
  std::optional<BecomePlan> plan;
  std::string stdin_buffer;
  const std::string* stdin_data = request.stdin_data ? &*request.stdin_data : nullptr;
  if (request.become) {
    auto wrapped = WrapBecome(script, *request.become);
    if (!wrapped) return wrapped.take_error();
    plan = std::move(*wrapped);
    script = plan->command;
    if (!plan->stdin_prefix.empty()) {
      stdin_buffer = plan->stdin_prefix;
      if (stdin_data) stdin_buffer += *stdin_data;
      stdin_data = &stdin_buffer;
    }
  }
  ++round_trips_;
  auto result = RunScript(script, stdin_data);
  if (!result) return result;
  if (plan) {
    if (auto failure = CheckBecomeResult(*plan, result->exit_status, &result->stderr_data)) {
      Error e = MakeError(*failure);
      e.code = ExitCode::kHostFailed;
      e.detail = result->stderr_data;
      return e;
    }
  }
  return result;
}

Status Connection::PutContent(const std::string& content, const std::string& remote_path,
                              const FileAttributes& attrs,
                              const std::optional<BecomeSpec>& become) {
  // Small text travels inside the script: no stdin, so the SSH transport
  // can run it in its persistent shell (no new channel).
  const bool needs_stdin = become && become->password;
  ExecRequest req = !needs_stdin && CanInline(content)
                        ? ExecRequest{AtomicInstallInlineScript(content, remote_path, attrs),
                                      std::nullopt,
                                      {},
                                      become}
                        : ExecRequest{AtomicInstallScript(remote_path, attrs), content, {}, become};
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) {
    return MakeError("cannot write " + remote_path + " on the host: " + r->stderr_data);
  }
  return {};
}

Status Connection::PutFile(const std::string& local_path, const std::string& remote_path,
                           const FileAttributes& attrs, const std::optional<BecomeSpec>& become) {
  auto content = ReadFile(local_path);
  if (!content) return content.take_error();
  return PutContent(*content, remote_path, attrs, become);
}

Result<std::string> Connection::FetchContent(const std::string& remote_path,
                                             const std::optional<BecomeSpec>& become) {
  ExecRequest req{"cat -- " + ShellQuote(remote_path), std::nullopt, {}, become};
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) {
    return MakeError("cannot read " + remote_path + " on the host: " + r->stderr_data);
  }
  return std::move(r->stdout_data);
}

Status Connection::FetchFile(const std::string& remote_path, const std::string& local_path,
                             const std::optional<BecomeSpec>& become) {
  auto content = FetchContent(remote_path, become);
  if (!content) return content.take_error();
  return WriteFileAtomically(*content, local_path);
}

}  // namespace drover::connection
