// SshConnection: one persistent libssh session to one host, opened once and
// reused for every command of the run. Each command is one channel running
// `/bin/sh -c SCRIPT`. The only file that includes libssh is ssh_connection.cc.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "connection/connection.h"
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

 protected:
  Result<ExecResult> RunScript(const std::string& script, const std::string* stdin) override;

 private:
  struct Session;
  Status VerifyHostKey();
  Status Authenticate();
  Error Unreachable(const std::string& message);

  SshTarget target_;
  ConnectionNotices* notices_;
  std::unique_ptr<Session> session_;
};

}  // namespace drover::connection
