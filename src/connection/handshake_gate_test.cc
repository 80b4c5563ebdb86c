#include "connection/handshake_gate.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

using namespace drover::connection;

TEST_CASE("handshake limit: DROVER_SSH_HANDSHAKES, strictly, else 64") {
  std::string warning;
  ::unsetenv("DROVER_SSH_HANDSHAKES");
  CHECK(HandshakeLimit(&warning) == 64);
  CHECK(warning.empty());
  ::setenv("DROVER_SSH_HANDSHAKES", "10", 1);
  CHECK(HandshakeLimit(&warning) == 10);
  CHECK(warning.empty());
  for (const char* bad : {"0", "-3", "ten", "10x", "", " 5"}) {
    ::setenv("DROVER_SSH_HANDSHAKES", bad, 1);
    warning.clear();
    CHECK(HandshakeLimit(&warning) == 64);
    CHECK(warning.find("is not a whole number >= 1; using 64") != std::string::npos);
  }
  ::unsetenv("DROVER_SSH_HANDSHAKES");
}

TEST_CASE("handshake slots: never more than the limit at once, every waiter served") {
  std::atomic<int> inside{0}, most{0}, served{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 200; ++i) {
    threads.emplace_back([&] {
      HandshakeSlot slot;
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --inside;
      ++served;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(served == 200);
  CHECK(most <= 64);
  CHECK(most > 1);
}
