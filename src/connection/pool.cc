#include "connection/pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "connection/local_connection.h"
#include "connection/persisted_connection.h"

namespace drover::connection {

Result<Connection*> ConnectionPool::Get(const std::string& host, const Map& vars) {
  std::lock_guard lock(mutex_);
  auto kind = ConnectionKind(vars, defaults_);
  if (!kind) {
    Error e = kind.take_error();
    e.code = ExitCode::kUnreachable;
    return e;
  }
  // A host reached both ways (`connection: local` on some tasks) keeps one
  // connection of each kind.
  const std::string key = *kind == "local" ? host + "\nlocal" : host;
  if (auto it = connections_.find(key); it != connections_.end()) return it->second.get();
  std::unique_ptr<Connection> connection;
  if (*kind == "local") {
    connection = std::make_unique<LocalConnection>();
  } else {
    auto target = ResolveSshTarget(host, vars, defaults_);
    if (!target) {
      Error e = target.take_error();
      e.code = ExitCode::kUnreachable;
      return e;
    }
    if (defaults_.persist_idle_s) {
      connection = std::make_unique<PersistedConnection>(
          std::move(*target), &notices_, defaults_.control_path_dir, *defaults_.persist_idle_s);
    } else {
      connection = std::make_unique<SshConnection>(std::move(*target), &notices_);
    }
  }
  Connection* raw = connection.get();
  connections_.emplace(key, std::move(connection));
  return raw;
}

void ConnectionPool::MarkUnreachable(const std::string& host) {
  std::lock_guard lock(mutex_);
  unreachable_.insert(host);
}

bool ConnectionPool::IsUnreachable(const std::string& host) const {
  std::lock_guard lock(mutex_);
  return unreachable_.count(host) > 0;
}

size_t ConnectionPool::ConnectionCount() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

uint64_t ConnectionPool::TotalRoundTrips() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [name, c] : connections_) total += c->RoundTrips();
  return total;
}

void ConnectionPool::CloseAll() {
  std::lock_guard lock(mutex_);
  for (auto& [name, c] : connections_) c->Close();
}

void RunParallel(size_t count, int forks, const std::function<void(size_t)>& work) {
  const size_t workers = std::min<size_t>(count, static_cast<size_t>(std::max(forks, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < count;) work(i);
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace drover::connection
