// command/shell/raw/ping run for real through the local connection (a real
// /bin/sh on this machine), in a scratch directory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "connection/local_connection.h"
#include "modules/registry.h"

using namespace drover;
using namespace drover::modules;
namespace fs = std::filesystem;

namespace {
struct Fixture {
  connection::LocalConnection conn;
  RunContext ctx;
  fs::path dir;
  Fixture() {
    ctx.conn = &conn;
    char tmpl[] = "/tmp/drover-cmd-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~Fixture() { fs::remove_all(dir); }
  Map Run(const Module& m, const Map& raw_args) {
    Result<Map> args = ParseArgs(std::string(m.Name()), raw_args, m.Spec(), {});
    REQUIRE_MESSAGE(args.ok(), (args.ok() ? "" : args.error().message));
    Result<Map> r = m.Run(*args, ctx);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
  }
};
}  // namespace

TEST_CASE("command runs argv without a shell; shell runs sh") {
  Fixture f;
  Map r = f.Run(CommandModule(), Map{{"_raw_params", "echo '$HOME' \"a  b\""}});
  CHECK(r.find("stdout")->as_string() == "$HOME a  b");
  CHECK(r.find("rc")->as_int() == 0);
  CHECK(r.find("changed")->as_bool());
  CHECK(r.find("cmd")->as_list().size() == 3);
  CHECK(r.find("delta")->as_string().rfind("0:00:0", 0) == 0);

  Map s = f.Run(ShellModule(), Map{{"_raw_params", "echo one; echo two >&2; exit 3"}});
  CHECK(s.find("stdout")->as_string() == "one");
  CHECK(s.find("stderr")->as_string() == "two");
  CHECK(s.find("rc")->as_int() == 3);
  CHECK(s.find("failed")->as_bool());
  CHECK(s.find("msg")->as_string() == "non-zero return code");
}

TEST_CASE("creates, removes, chdir and stdin") {
  Fixture f;
  std::ofstream(f.dir / "my file.txt") << "x";
  const std::string glob = (f.dir / "my fi*").string();
  Map c = f.Run(CommandModule(), Map{{"_raw_params", "touch /nonexistent/x"}, {"creates", glob}});
  CHECK_FALSE(c.find("changed")->as_bool());
  CHECK(c.find("msg")->as_string() == "Did not run command since '" + glob + "' exists");

  Map rm =
      f.Run(CommandModule(), Map{{"_raw_params", "false"}, {"removes", (f.dir / "nope").string()}});
  CHECK(rm.find("rc")->as_int() == 0);
  CHECK_FALSE(rm.contains("failed"));

  Map d = f.Run(ShellModule(),
                Map{{"_raw_params", "pwd; cat"}, {"chdir", f.dir.string()}, {"stdin", "in"}});
  CHECK(d.find("stdout")->as_string() == f.dir.string() + "\nin");

  Map bad = f.Run(CommandModule(), Map{{"_raw_params", "true"}, {"chdir", "/nonexistent"}});
  CHECK(bad.find("failed")->as_bool());
}

TEST_CASE("check mode does not run the command") {
  Fixture f;
  f.ctx.check_mode = true;
  const std::string marker = (f.dir / "ran").string();
  Map r = f.Run(CommandModule(), Map{{"_raw_params", "touch " + marker}});
  CHECK(r.find("skipped")->as_bool());
  CHECK(r.find("msg")->as_string() == "Command would have run if not in check mode");
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("strict arguments: unknown argument, wrong type, missing") {
  Result<Map> unknown =
      ParseArgs("command", Map{{"_raw_params", "x"}, {"chdri", "/"}}, CommandModule().Spec(), {});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find(
            "unsupported argument 'chdri' for module 'command'; did you mean 'chdir'?") == 0);
  Result<Map> type = ParseArgs("command", Map{{"_raw_params", "x"}, {"strip_empty_ends", "maybe"}},
                               CommandModule().Spec(), {});
  REQUIRE_FALSE(type.ok());
  Result<Map> yes = ParseArgs("command", Map{{"_raw_params", "x"}, {"strip_empty_ends", "no"}},
                              CommandModule().Spec(), {});
  REQUIRE(yes.ok());
  CHECK_FALSE(yes->find("strip_empty_ends")->as_bool());
  CHECK_FALSE(ParseArgs("raw", Map{}, RawModule().Spec(), {}).ok());
}

TEST_CASE("ping answers pong after a round trip; raw runs text as is") {
  Fixture f;
  CHECK(f.Run(PingModule(), Map{}).find("ping")->as_string() == "pong");
  Map r = f.Run(RawModule(), Map{{"_raw_params", "echo raw; exit 2"}});
  CHECK(r.find("stdout")->as_string() == "raw\n");
  CHECK(r.find("rc")->as_int() == 2);
}
