#include "modules/time_limit.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "connection/shell.h"

namespace drover::modules {

namespace {
// Runs `script` under /bin/sh locally; returns its exit status.
int RunSh(const std::string& script, std::string* out) {
  FILE* p = popen(("/bin/sh -c " + connection::ShellQuote(script)).c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("TimeLimitedScript passes output and status through") {
  std::string out;
  CHECK(RunSh(TimeLimitedScript("echo hi; exit 3", 5), &out) == 3);
  CHECK(out == "hi\n");
}

TEST_CASE("TimeLimitedScript kills the script and its children when time is up") {
  std::string out;
  auto start = std::chrono::steady_clock::now();
  int rc = RunSh(TimeLimitedScript("sleep 30 & sleep 31; echo not-reached", 1), &out);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(rc == 137);
  CHECK(out.empty());
  CHECK(s < 10);
}

}  // namespace drover::modules
