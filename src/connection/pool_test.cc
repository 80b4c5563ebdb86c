#include "connection/pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace drover::connection {

TEST_CASE("RunParallel runs each index once on at most `forks` threads") {
  std::vector<std::atomic<int>> calls(50);
  std::atomic<int> running{0}, peak{0};
  RunParallel(calls.size(), 4, [&](size_t i) {
    const int now = ++running;
    int p = peak;
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ++calls[i];
    --running;
  });
  for (auto& c : calls) CHECK(c == 1);
  CHECK(peak <= 4);
  CHECK(peak >= 2);
}

TEST_CASE("ConnectionPool makes one connection per host and keeps it") {
  ConnectionPool pool({});
  Map local{{"ansible_connection", Value("local")}};
  auto a = pool.Get("h1", local);
  auto b = pool.Get("h1", local);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK((*a)->Kind() == "local");
  REQUIRE((*a)->Exec({"true", std::nullopt, {}, std::nullopt}).ok());
  CHECK(pool.TotalRoundTrips() == 1);
  auto ssh = pool.Get("h2", {});
  REQUIRE(ssh.ok());
  CHECK((*ssh)->Kind() == "ssh");
  CHECK(pool.ConnectionCount() == 2);
  auto bad = pool.Get("h3", Map{{"ansible_port", Value("http")}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ExitCode::kUnreachable);
  CHECK(bad.error().message.find("ansible_port") != std::string::npos);
  CHECK_FALSE(pool.Get("h4", Map{{"ansible_connection", Value("winrm")}}).ok());
}

}  // namespace drover::connection
