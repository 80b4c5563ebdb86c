#include "connection/connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "connection/atomic_install.h"
#include "connection/local_connection.h"
#include "connection/shell.h"
#include "core/digest.h"
#include "core/file_util.h"

namespace drover::connection {

Result<size_t> StdinStream::Read(char* buf, size_t cap) {
  if (prefix_done_ < prefix_.size()) {
    const size_t n = std::min(cap, prefix_.size() - prefix_done_);
    std::memcpy(buf, prefix_.data() + prefix_done_, n);
    prefix_done_ += n;
    return n;
  }
  if (text_ && text_done_ < text_->size()) {
    const size_t n = std::min(cap, text_->size() - text_done_);
    std::memcpy(buf, text_->data() + text_done_, n);
    text_done_ += n;
    return n;
  }
  if (fd_ < 0) return size_t{0};
  for (;;) {
    const ssize_t n = read(fd_, buf, cap);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR)
      return MakeError(std::string("cannot read the local file: ") + std::strerror(errno));
  }
}

namespace {

// Closes a file descriptor when it goes out of scope.
struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

Result<ExecResult> Connection::Exec(const ExecRequest& request) {
  if (Status s = Connect(); !s) return s.take_error();
  for (const auto& [key, value] : request.env) {
    bool valid = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (unsigned char c : key) valid = valid && (std::isalnum(c) || c == '_');
    if (!valid) return MakeError("invalid environment variable name '" + key + "'");
  }
  std::string script = WithEnvironment(request.command, request.env);
  std::optional<BecomePlan> plan;
  std::string prefix;
  if (request.become) {
    auto wrapped = WrapBecome(script, *request.become);
    if (!wrapped) return wrapped.take_error();
    plan = std::move(*wrapped);
    script = plan->command;
    prefix = plan->stdin_prefix;
    if (!prefix.empty() && !MaySendSecrets()) {
      Error e = MakeError(
          "refusing to send the become password: the host's SSH key changed "
          "(REMOTE HOST IDENTIFICATION HAS CHANGED)");
      e.code = ExitCode::kHostFailed;
      return e;
    }
  }
  FdCloser file;
  if (request.stdin_file) {
    file.fd = open(request.stdin_file->c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0)
      return MakeError("cannot read " + *request.stdin_file + ": " + std::strerror(errno));
  }
  const std::string* text = request.stdin_data ? &*request.stdin_data : nullptr;
  std::optional<StdinStream> stdin_stream;
  if (text || file.fd >= 0 || !prefix.empty()) stdin_stream.emplace(prefix, text, file.fd);
  ScriptIo io{stdin_stream ? &*stdin_stream : nullptr,
              request.stdout_sink ? &request.stdout_sink : nullptr, request.deadline};
  ++round_trips_;
  auto result = RunScript(script, io);
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
  ExecRequest req;
  req.become = become;
  if (!needs_stdin && CanInline(content)) {
    req.command = AtomicInstallInlineScript(content, remote_path, attrs);
  } else {
    req.command = AtomicInstallScript(remote_path, attrs, DigestOf(content));
    req.stdin_data = content;
  }
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) return MakeError(InstallFailureMessage(remote_path, r->stderr_data));
  return {};
}

Status Connection::PutFile(const std::string& local_path, const std::string& remote_path,
                           const FileAttributes& attrs, const std::optional<BecomeSpec>& become) {
  Result<FileDigests> digests = DigestLocalFile(local_path);
  if (!digests) return digests.take_error();
  ExecRequest req;
  req.become = become;
  req.command = AtomicInstallScript(remote_path, attrs, {digests->size, digests->sha1});
  req.stdin_file = local_path;
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) return MakeError(InstallFailureMessage(remote_path, r->stderr_data));
  return {};
}

Result<std::string> Connection::FetchContent(const std::string& remote_path,
                                             const std::optional<BecomeSpec>& become) {
  ExecRequest req;
  req.command = "cat -- " + ShellQuote(remote_path);
  req.become = become;
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) {
    return MakeError("cannot read " + remote_path + " on the host: " + r->stderr_data);
  }
  return std::move(r->stdout_data);
}

Status Connection::FetchFile(const std::string& remote_path, const std::string& local_path,
                             const std::optional<BecomeSpec>& become) {
  LocalAtomicFile out;
  if (Status s = out.Open(local_path); !s) return s;
  ExecRequest req;
  req.command = "cat -- " + ShellQuote(remote_path);
  req.become = become;
  req.stdout_sink = [&out](std::string_view chunk) { return out.Write(chunk); };
  auto r = Exec(req);
  if (!r) return r.take_error();
  if (r->exit_status != 0) {
    return MakeError("cannot read " + remote_path + " on the host: " + r->stderr_data);
  }
  return out.Commit();
}

}  // namespace drover::connection
