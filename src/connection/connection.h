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
#include <cstdint>
#include <optional>
#include <string>
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
struct ExecRequest {
  std::string command;
  std::optional<std::string> stdin_data;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<BecomeSpec> become;
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

  // Runs one command (connecting first if needed). Returns an Error only
  // when the command could not be run: code kUnreachable when the session
  // failed, kHostFailed when become failed (wrong or missing password). A
  // command's own failure is a non-zero exit_status.
  Result<ExecResult> Exec(const ExecRequest& request);

  // Writes `content` to `remote_path` atomically (temp name in the same
  // directory, fsync, attrs, rename): a reader sees the old file or the
  // whole new one, never a partial one. One round trip; any size.
  Status PutContent(const std::string& content, const std::string& remote_path,
                    const FileAttributes& attrs = {},
                    const std::optional<BecomeSpec>& become = std::nullopt);
  // As PutContent, with the bytes of a local file.
  Status PutFile(const std::string& local_path, const std::string& remote_path,
                 const FileAttributes& attrs = {},
                 const std::optional<BecomeSpec>& become = std::nullopt);
  // Reads a remote file's bytes (one round trip).
  Result<std::string> FetchContent(const std::string& remote_path,
                                   const std::optional<BecomeSpec>& become = std::nullopt);
  // Copies a remote file to `local_path`, written atomically.
  Status FetchFile(const std::string& remote_path, const std::string& local_path,
                   const std::optional<BecomeSpec>& become = std::nullopt);

  // Commands run so far: each is one round trip on the wire (a channel
  // opened, the script sent, its output read). For benchmarks.
  uint64_t RoundTrips() const { return round_trips_; }

 protected:
  // Runs `script` with `/bin/sh -c` semantics on the host, feeding `stdin`
  // (empty when null). Errors mean the transport failed (kUnreachable).
  virtual Result<ExecResult> RunScript(const std::string& script, const std::string* stdin) = 0;

 private:
  std::atomic<uint64_t> round_trips_{0};
};

}  // namespace drover::connection
