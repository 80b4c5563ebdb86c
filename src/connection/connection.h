// The one way the engine talks to a host. Implementations: SshConnection
// (libssh, one persistent session) and LocalConnection (fork/exec on this
// machine); they provide only a transport (Connect, RunScript, Close). The
// base class builds everything else on RunScript, so every operation is one
// round trip: environment and become wrapping, atomic file install (content
// streamed on the command's stdin), fetch.
//
// Threading contract: a Connection is used by one thread at a time (the
// worker that currently owns the host); it may move between threads between
// calls. Nothing here prints; failures come back as values.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connection/become.h"
#include "core/error.h"

namespace drover::connection {

// A command to run on the host through `/bin/sh -c`. `command` is shell text
// (quote values with ShellQuote). `env` is exported in the same script
// before the command runs (never through the SSH protocol's env request,
// which sshd's AcceptEnv filters). `stdin_data`, when set, is written to the
// command's standard input, then EOF; otherwise stdin is empty. `become`
// runs the command as another user (wrapped once; its password travels on
// stdin, never on a command line or in the environment).
// Alternatively `stdin_file` streams a local file's bytes (constant memory,
// any size) and `stdout_sink` receives stdout chunk by chunk instead of
// collecting it in stdout_data (a sink error ends the command with that
// error). Past `deadline` the controller stops waiting: the session is
// closed (a stalled host cannot hold the run) and Exec fails.
using OutputSink = std::function<Status(std::string_view)>;
using Deadline = std::chrono::steady_clock::time_point;
struct ExecRequest {
  ExecRequest() = default;
  ExecRequest(std::string command_text, std::optional<std::string> stdin_text = std::nullopt,
              std::vector<std::pair<std::string, std::string>> environment = {},
              std::optional<BecomeSpec> become_spec = std::nullopt)
      : command(std::move(command_text)),
        stdin_data(std::move(stdin_text)),
        env(std::move(environment)),
        become(std::move(become_spec)) {}

  std::string command;
  std::optional<std::string> stdin_data;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<BecomeSpec> become;
  std::optional<std::string> stdin_file;
  OutputSink stdout_sink;
  std::optional<Deadline> deadline;
};

// A command's stdin as the transport pulls it: an optional prefix (the
// become password), then a string or a local file descriptor, in chunks.
class StdinStream {
 public:
  StdinStream(std::string prefix, const std::string* text, int fd)
      : prefix_(std::move(prefix)), text_(text), fd_(fd) {}
  // Up to `cap` bytes into buf; 0 at the end. Errors: the local file failed.
  Result<size_t> Read(char* buf, size_t cap);

 private:
  std::string prefix_;
  size_t prefix_done_ = 0;
  const std::string* text_;
  size_t text_done_ = 0;
  int fd_;
};

// How a transport runs one script: its stdin (null: empty), where stdout
// goes (null: ExecResult::stdout_data) and when to give up waiting.
struct ScriptIo {
  StdinStream* stdin = nullptr;
  const OutputSink* stdout_sink = nullptr;
  std::optional<Deadline> deadline;
};

struct ExecResult {
  int exit_status = -1;  // the command's exit code; 128+N when killed by signal N
  std::string stdout_data;
  std::string stderr_data;
};

// Owner and mode applied to a put file before it is renamed into place.
// Empty fields leave the defaults (see AtomicInstallScript).
struct FileAttributes {
  std::string owner;
  std::string group;
  std::string mode;  // octal text, e.g. "0644"
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Establishes the session (connect, verify the host key, authenticate).
  // Idempotent: returns at once when already connected. Errors carry
  // ExitCode::kUnreachable: the host cannot be used at all.
  virtual Status Connect() = 0;

  // Closes the session; a later call connects again. Safe to call twice.
  virtual void Close() = 0;

  // "ssh" or "local".
  virtual std::string Kind() const = 0;

  // False when the host must not receive passwords (its SSH host key
  // changed and the policy let the session go on): Exec then refuses a
  // become password.
  virtual bool MaySendSecrets() const { return true; }

  // The machine this connection's commands run on (machine_identity.h):
  // its boot id, or "" while unknown or when it may share files with other
  // machines. Learned with the first command, at no extra round trip.
  virtual std::string MachineKey() const { return ""; }

  // Runs one command (connecting first if needed). Returns an Error only
  // when the command could not be run: code kUnreachable when the session
  // failed, kHostFailed when become failed (wrong or missing password). A
  // command's own failure is a non-zero exit_status.
  Result<ExecResult> Exec(const ExecRequest& request);

  // Writes `content` to `remote_path` atomically (temp name in the same
  // directory, length and sha1 checked on the host, fsync, attrs, rename):
  // a reader sees the old file or the whole new one, never a partial one;
  // a failed or interrupted write leaves the old file and no temp file.
  // One round trip; any size.
  Status PutContent(const std::string& content, const std::string& remote_path,
                    const FileAttributes& attrs = {},
                    const std::optional<BecomeSpec>& become = std::nullopt);
  // As PutContent, with the bytes of a local file, streamed (constant memory).
  Status PutFile(const std::string& local_path, const std::string& remote_path,
                 const FileAttributes& attrs = {},
                 const std::optional<BecomeSpec>& become = std::nullopt);
  // Reads a remote file's bytes (one round trip).
  Result<std::string> FetchContent(const std::string& remote_path,
                                   const std::optional<BecomeSpec>& become = std::nullopt);
  // Copies a remote file to `local_path`, streamed (constant memory) and
  // written atomically.
  Status FetchFile(const std::string& remote_path, const std::string& local_path,
                   const std::optional<BecomeSpec>& become = std::nullopt);

  // Commands run so far: each is one round trip on the wire (a channel
  // opened, the script sent, its output read). For benchmarks.
  uint64_t RoundTrips() const { return round_trips_; }

 protected:
  // Runs `script` with `/bin/sh -c` semantics on the host, with `io`.
  // Errors mean the transport failed (kUnreachable), a sink failed, or the
  // deadline passed.
  virtual Result<ExecResult> RunScript(const std::string& script, const ScriptIo& io) = 0;

 private:
  std::atomic<uint64_t> round_trips_{0};
};

}  // namespace drover::connection
