// PersistedConnection: an SSH connection that outlives the run, as
// Ansible's default `ControlMaster=auto ControlPersist=60s` makes OpenSSH's
// do. Its scripts run on a connection holder (persist_holder.h) found by a
// socket named after every setting that shapes the session; when none is
// alive, it starts one (which makes the SSH login, with today's checks,
// messages and exit codes) and uses it. A holder whose session died or
// whose host key no longer matches known_hosts is ended and replaced. When
// the holder is busy with another run (no answer within 1 s), logged in
// with other credentials (password, key passphrases), or persistence
// cannot work here (directory not private), the connection is direct (an
// SshConnection in this process), as with persistence off.
//
// A script is never sent twice: if the holder fails after a request may
// have reached the host, the failure is reported as a lost connection
// (unreachable), as a direct session's would be.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "connection/connection.h"
#include "connection/ssh_connection.h"
#include "connection/ssh_options.h"

namespace drover::connection {

// DROVER_PERSIST ("0": off; whole seconds: on with that idle timeout) wins;
// else Ansible's ssh_args (ANSIBLE_SSH_ARGS / [ssh_connection] ssh_args,
// default "-C -o ControlMaster=auto -o ControlPersist=60s"): on with the
// ControlPersist time unless ControlMaster=no or ControlPersist is absent,
// "no" or "0"... Returns the idle timeout in seconds (0: no timeout,
// ControlPersist=yes) or nullopt for off. Errors: an unreadable value.
Result<std::optional<int>> PersistIdleSeconds(const char* drover_persist,
                                              const std::string& ssh_args);

// The socket for `target` in `dir`: "drover-" + a hash of the target
// without its secrets.
std::string HolderSocketPath(const std::string& dir, const SshTarget& target);

// Ends every holder whose socket is in `dir` (SIGTERM to the socket's
// owner, by its uid-checked peer credentials) and removes the sockets.
// Returns how many were stopped.
int StopHolders(const std::string& dir);

class PersistedConnection : public Connection {
 public:
  PersistedConnection(SshTarget target, ConnectionNotices* notices, std::string dir, int idle_s);
  ~PersistedConnection() override;
  PersistedConnection(const PersistedConnection&) = delete;
  PersistedConnection& operator=(const PersistedConnection&) = delete;

  Status Connect() override;
  void Close() override;
  std::string Kind() const override { return "ssh"; }
  bool MaySendSecrets() const override;
  std::string MachineKey() const override;

 protected:
  Result<ExecResult> RunScript(const std::string& script, const ScriptIo& io) override;

 private:
  enum class Dialed { kReady, kDirect, kAbsent, kRetry };
  Dialed Dial(const std::string& path, bool spawned);
  // kReady: a holder is listening; kAbsent: persistence does not work here.
  Result<Dialed> Spawn(const std::string& path);
  Status UseDirect();
  Result<ExecResult> RunThroughHolder(const std::string& script, const ScriptIo& io,
                                      bool* never_sent);
  Error Interrupt(int* stdin_pipe);
  void DropHolder();

  SshTarget target_;
  ConnectionNotices* notices_;
  std::string dir_;
  int idle_s_;
  int sock_ = -1;
  int holder_pid_ = -1;  // a holder this process started (reaped on Close)
  std::unique_ptr<SshConnection> direct_;
  bool host_key_changed_ = false;
  std::string machine_key_;
};

}  // namespace drover::connection
