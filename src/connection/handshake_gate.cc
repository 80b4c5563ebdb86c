#include "connection/handshake_gate.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>

namespace drover::connection {

namespace {

constexpr int kDefaultHandshakes = 64;

struct Gate {
  std::mutex mu;
  std::condition_variable freed;
  int in_flight = 0;
  const int limit = HandshakeLimit(nullptr);
};

Gate& TheGate() {
  static Gate gate;
  return gate;
}

}  // namespace

int HandshakeLimit(std::string* warning) {
  const char* v = std::getenv("DROVER_SSH_HANDSHAKES");
  if (!v) return kDefaultHandshakes;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*v >= '0' && *v <= '9' && end && *end == '\0' && n >= 1 && n <= 100000) {
    return static_cast<int>(n);
  }
  if (warning) {
    *warning = "DROVER_SSH_HANDSHAKES='" + std::string(v) + "' is not a whole number >= 1; using " +
               std::to_string(kDefaultHandshakes);
  }
  return kDefaultHandshakes;
}

HandshakeSlot::HandshakeSlot() {
  Gate& g = TheGate();
  std::unique_lock lock(g.mu);
  g.freed.wait(lock, [&] { return g.in_flight < g.limit; });
  ++g.in_flight;
}

HandshakeSlot::~HandshakeSlot() {
  Gate& g = TheGate();
  {
    std::lock_guard lock(g.mu);
    --g.in_flight;
  }
  g.freed.notify_one();
}

}  // namespace drover::connection
