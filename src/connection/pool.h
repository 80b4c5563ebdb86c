// The run's connections and the workers that use them. A host's connection
// is made once, on its first use, and reused by every task of every play;
// at any moment at most one worker uses it. Hosts run in parallel on up to
// --forks worker threads; a slow or dead host holds only its own worker.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "connection/connection.h"
#include "connection/ssh_connection.h"
#include "connection/ssh_options.h"
#include "core/value.h"

namespace drover::connection {

class ConnectionPool {
 public:
  explicit ConnectionPool(ConnectionDefaults defaults) : defaults_(std::move(defaults)) {}
  ~ConnectionPool() { CloseAll(); }

  // The connection for `host` (created on first call from the host's
  // variables: ansible_connection, ansible_host, ansible_port, ...; not yet
  // connected: the first Exec connects, in the worker's thread). Later
  // calls return the same object. Thread-safe. Errors: bad connection
  // variables (ExitCode::kUnreachable, as Ansible reports them).
  Result<Connection*> Get(const std::string& host, const Map& vars);

  // Hosts found unreachable stay so for the rest of the run.
  void MarkUnreachable(const std::string& host);
  bool IsUnreachable(const std::string& host) const;

  // Warnings for the user (ignored ssh options, keys added, checking off).
  ConnectionNotices& notices() { return notices_; }
  const ConnectionDefaults& defaults() const { return defaults_; }

  // Connections made so far and the round trips they have used (benchmarks).
  size_t ConnectionCount() const;
  uint64_t TotalRoundTrips() const;

  // Closes every session (end of run).
  void CloseAll();

 private:
  ConnectionDefaults defaults_;
  ConnectionNotices notices_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;
  std::set<std::string> unreachable_;
};

// Calls work(i) for i in [0, count) on min(forks, count) threads, each index
// exactly once; returns when all calls have returned. forks < 1 means 1.
// `work` must not throw.
void RunParallel(size_t count, int forks, const std::function<void(size_t)>& work);

}  // namespace drover::connection
