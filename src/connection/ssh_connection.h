// SshConnection: one persistent libssh session to one host, opened once and
// reused for every command of the run. Commands without stdin run in one
// long-lived `/bin/sh` on the session (each in its own subshell, its output
// framed by random end markers), so a command costs one write and one read
// instead of a channel open and an sshd session process; commands with stdin
// (file puts, become passwords) get a fresh channel running `/bin/sh -c`.
// The only file that includes libssh is ssh_connection.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connection/connection.h"
#include "connection/machine_identity.h"
#include "connection/ssh_options.h"

namespace drover::connection {

// State shared by every connection of a run: the lock serializing writes
// to known_hosts, and notices for the user (each reported once).
class ConnectionNotices {
 public:
  // Records a warning; duplicates are dropped. Thread-safe.
  void Warn(const std::string& text);
  // Returns and clears the warnings recorded so far.
  std::vector<std::string> Take();
  std::mutex& known_hosts_mutex() { return known_hosts_mutex_; }

 private:
  std::mutex mutex_;
  std::set<std::string> seen_;
  std::vector<std::string> pending_;
  std::mutex known_hosts_mutex_;
};

// True when `path` is a private key that cannot be loaded without a
// passphrase. Call from the main thread to ask for it before workers start.
bool KeyNeedsPassphrase(const std::string& path);

class SshConnection : public Connection {
 public:
  SshConnection(SshTarget target, ConnectionNotices* notices);
  ~SshConnection() override;
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;

  // Connects, checks the host key per target.host_key_policy, and
  // authenticates (agent and key files, then password when one is given).
  Status Connect() override;
  void Close() override;
  std::string Kind() const override { return "ssh"; }

  const SshTarget& target() const { return target_; }
  bool MaySendSecrets() const override { return !host_key_changed_; }
  // Learned by the persistent shell's first command; "" until then.
  std::string MachineKey() const override;

  // For a connection holder (persist_holder.h): RunScript from outside,
  // whether a session is open, and whether it is still usable without a
  // round trip (the host has not closed the TCP connection; any packets
  // already received, e.g. a disconnect, are processed).
  Result<ExecResult> RunScriptNow(const std::string& script, const ScriptIo& io) {
    return RunScript(script, io);
  }
  bool Connected() const { return session_ != nullptr; }
  bool SessionAlive();
  int SocketFd() const;
  // The host key accepted at Connect and the known_hosts verdict it had
  // then (a later run re-checks it against the files as they are now).
  struct SeenHostKey {
    std::string host;
    int port = 22;
    std::vector<std::string> files;
    std::string key_type, key_base64;
    int verdict = 0;  // KnownHostsVerdict::State, after accept-new recorded it
  };
  const SeenHostKey& seen_host_key() const { return seen_host_key_; }

 protected:
  Result<ExecResult> RunScript(const std::string& script, const ScriptIo& io) override;

 private:
  struct Session;
  Status VerifyHostKey();
  Status Authenticate();
  Result<ExecResult> RunInPersistentShell(const std::string& script,
                                          const std::optional<Deadline>& deadline);
  Result<ExecResult> RunInNewChannel(const std::string& script, const ScriptIo& io);
  Status CheckAlive(std::chrono::steady_clock::time_point* last_heard);
  Error Unreachable(const std::string& message);
  Error TimedOut();

  SshTarget target_;
  ConnectionNotices* notices_;
  std::unique_ptr<Session> session_;
  uint64_t marker_seed_;
  // The host's key differs from known_hosts and the policy let the session
  // go on (StrictHostKeyChecking=no): no password goes to this host.
  bool host_key_changed_ = false;
  // What the persistent shell's first command found (machine_identity.h);
  // forgotten when the session closes (the host may reboot).
  std::optional<MachineIdentity> machine_;
  SeenHostKey seen_host_key_;
};

}  // namespace drover::connection
