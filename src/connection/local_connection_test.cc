#include "connection/local_connection.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/file_util.h"

namespace drover::connection {

namespace {
std::string TempDir() {
  char tmpl[] = "/tmp/drover-local-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}
}  // namespace

TEST_CASE("LocalConnection separates stdout, stderr and exit status") {
  LocalConnection c;
  auto r = c.Exec({"echo out; echo err >&2; exit 3", std::nullopt, {}, std::nullopt});
  REQUIRE(r.ok());
  CHECK(r->exit_status == 3);
  CHECK(r->stdout_data == "out\n");
  CHECK(r->stderr_data == "err\n");
  CHECK(c.RoundTrips() == 1);
}

TEST_CASE("LocalConnection feeds stdin and environment") {
  LocalConnection c;
  std::string big(3 << 20, 'x');  // larger than any pipe buffer
  auto r = c.Exec({"wc -c; printf %s \"$GREETING\"", big, {{"GREETING", "hi there"}}, {}});
  REQUIRE(r.ok());
  CHECK(r->stdout_data == std::to_string(big.size()) + "\nhi there");
  CHECK_FALSE(c.Exec({"true", std::nullopt, {{"BAD-NAME", "x"}}, {}}).ok());
}

TEST_CASE("LocalConnection survives a command that ignores its stdin") {
  LocalConnection c;
  auto r = c.Exec({"exit 0", std::string(4 << 20, 'y'), {}, {}});
  REQUIRE(r.ok());
  CHECK(r->exit_status == 0);
}

TEST_CASE("PutContent installs atomically with mode, FetchFile reads back") {
  LocalConnection c;
  const std::string dir = TempDir();
  const std::string dest = dir + "/conf file";
  REQUIRE(c.PutContent("hello\n", dest, {"", "", "0640"}).ok());
  struct stat st {};
  REQUIRE(stat(dest.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(ReadFile(dest).value() == "hello\n");
  // Without attrs an existing file keeps its mode.
  REQUIRE(c.PutContent("again\n", dest).ok());
  REQUIRE(stat(dest.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(c.FetchFile(dest, dir + "/fetched").ok());
  CHECK(ReadFile(dir + "/fetched").value() == "again\n");
  // No temp files are left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) entries += e.exists();
  CHECK(entries == 2);  // dest and fetched
  CHECK_FALSE(c.PutContent("x", dir + "/missing/dir/file").ok());
  // Inline (small text) and streamed (binary, large) puts give the same bytes.
  std::string binary("a\0b'\"$\n", 7);
  REQUIRE(c.PutContent(binary, dir + "/bin").ok());
  CHECK(ReadFile(dir + "/bin").value() == binary);
  const std::string text = "quote ' dollar $HOME backslash \\ newline\n\n";
  REQUIRE(c.PutContent(text, dir + "/text").ok());
  CHECK(ReadFile(dir + "/text").value() == text);
  std::string large(100000, 'z');
  REQUIRE(c.PutContent(large, dir + "/large").ok());
  CHECK(ReadFile(dir + "/large").value() == large);
  CHECK_FALSE(c.FetchContent(dir + "/nope").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace drover::connection
