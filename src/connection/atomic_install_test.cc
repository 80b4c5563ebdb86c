#include "connection/atomic_install.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "connection/local_connection.h"
#include "connection/shell.h"

namespace drover::connection {

namespace {

// Runs VerifyArrivalScript against a file holding `actual`, expecting
// `sent`; "ok" when the check passed, else the reason given to the fail
// function.
std::string Verify(const std::string& actual, const std::string& sent) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "drover-verify-arrival-test";
  std::ofstream(file, std::ios::binary) << actual;
  const std::string script = "f() { printf '%s' \"$1\"; exit 1; }\n" +
                             VerifyArrivalScript(ShellQuote(file.string()), DigestOf(sent), "f") +
                             "printf ok\n";
  Result<ExecResult> r = RunLocalShell(script, nullptr);
  std::filesystem::remove(file);
  REQUIRE(r.ok());
  return r->stdout_data;
}

}  // namespace

TEST_CASE("VerifyArrivalScript passes only the exact content") {
  CHECK(Verify("hello\n", "hello\n") == "ok");
  CHECK(Verify("", "") == "ok");
  CHECK(Verify("hel", "hello\n") == "only 3 of 6 bytes arrived");
  const std::string mismatch = Verify("HELLO\n", "hello\n");
  CHECK(mismatch.rfind("checksum mismatch: the host computed ", 0) == 0);
  CHECK(mismatch.find(DigestOf("hello\n").sha1) != std::string::npos);
}

}  // namespace drover::connection
