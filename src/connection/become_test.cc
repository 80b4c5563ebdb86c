#include "connection/become.h"

#include <doctest/doctest.h>

#include "connection/local_connection.h"

namespace drover::connection {

TEST_CASE("sudo without a password is non-interactive") {
  auto plan = WrapBecome("id -un", {"sudo", "web", std::nullopt, std::nullopt});
  REQUIRE(plan.ok());
  CHECK(plan->command == "sudo -H -S -n -u web /bin/sh -c 'id -un'");
  CHECK(plan->stdin_prefix.empty());
}

TEST_CASE("a become password goes on stdin, never on the command line") {
  auto plan = WrapBecome("id -un", {"sudo", "web", std::nullopt, std::string("s3cret pw")});
  REQUIRE(plan.ok());
  CHECK(plan->command.find("s3cret") == std::string::npos);
  CHECK(plan->command.find(" -n ") == std::string::npos);
  CHECK(plan->stdin_prefix.rfind("s3cret pw\n", 0) == 0);
}

TEST_CASE("the marker wrapper keeps the command's own stdin intact") {
  auto plan = WrapBecome("cat", {"sudo", "root", std::nullopt, std::string("pw")});
  REQUIRE(plan.ok());
  // Run the wrapper's discard loop as a method that did not consume the
  // password line would leave it: password + marker + data -> only data.
  const std::string prefix = plan->stdin_prefix;
  const std::string marker = prefix.substr(prefix.find('\n') + 1);
  std::string data = prefix + "payload line\nsecond\n";
  auto r = RunLocalShell("while IFS= read -r drover_line; do [ \"$drover_line\" = " +
                             marker.substr(0, marker.size() - 1) + " ] && break; done; cat",
                         &data);
  REQUIRE(r.ok());
  CHECK(r->stdout_data == "payload line\nsecond\n");
}

TEST_CASE("su wraps with -c and custom flags") {
  auto plan = WrapBecome("echo hi", {"su", "postgres", std::string("-l"), std::nullopt});
  REQUIRE(plan.ok());
  CHECK(plan->command == "su -l postgres -c 'echo hi'");
  CHECK_FALSE(WrapBecome("x", {"doas", "root", std::nullopt, std::nullopt}).ok());
}

TEST_CASE("CheckBecomeResult strips prompts and names password failures") {
  BecomePlan plan{"", "", "[p]"};
  std::string err = "[p]real error\n";
  CHECK_FALSE(CheckBecomeResult(plan, 1, &err).has_value());
  CHECK(err == "real error\n");
  err = "[p][p][p]sudo: 3 incorrect password attempts\n";
  CHECK(CheckBecomeResult(plan, 1, &err) == "Incorrect sudo password");
  err = "sudo: a password is required\n";
  CHECK(CheckBecomeResult({}, 1, &err) == "Missing sudo password");
}

}  // namespace drover::connection
