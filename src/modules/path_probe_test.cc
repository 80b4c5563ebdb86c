// Probes answered one by one and in one batch give exactly what the file
// modules' own per-path queries (stat function, dirname, cat) gave, on
// real files through the local connection's /bin/sh.
#include "modules/path_probe.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "connection/local_connection.h"
#include "connection/shell.h"
#include "modules/module.h"

using namespace drover;
using namespace drover::modules;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  connection::LocalConnection conn;
  RunContext ctx;
  fs::path dir;
  Scratch() {
    ctx.conn = &conn;
    char tmpl[] = "/tmp/drover-probe-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string Path(const std::string& name) const { return (dir / name).string(); }
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
};

// The query the modules sent before probes existed.
ProbeAnswer Reference(RunContext& ctx, const PathProbe& p) {
  using connection::ShellQuote;
  std::string q = StatShellFunction(false) + "__t=" + ShellQuote(p.path) + "\n";
  if (p.into_dir) {
    q += "if [ -d \"$__t\" ]; then " +
         (p.into_dir->empty()
              ? std::string("echo DROVER_DIR_NO_NAME; exit 0")
              : "__t=\"$__t\"/" + ShellQuote(*p.into_dir) + "; echo DROVER_INTO_DIR") +
         "; fi\n";
  }
  q += std::string("__drover_stat \"$__t\" ") + (p.checksum ? "sha1" : "''") + " || exit 1\n";
  q += "[ -d \"$(dirname -- \"$__t\")\" ] || echo DROVER_NO_PARENT\n";
  if (p.content) q += "if [ -f \"$__t\" ]; then echo DROVER_CONTENT; cat -- \"$__t\"; fi\n";
  Result<connection::ExecResult> res = ctx.Exec(q);
  REQUIRE(res.ok());
  const std::string& out = res->stdout_data;
  ProbeAnswer a;
  a.dir_no_name = out.find("DROVER_DIR_NO_NAME") != std::string::npos;
  if (a.dir_no_name) return a;
  a.st = ParseStatOutput(out).value();
  a.into_dir = out.find("DROVER_INTO_DIR") != std::string::npos;
  a.parent_exists = !p.parent || out.find("DROVER_NO_PARENT") == std::string::npos;
  if (size_t at = out.find("DROVER_CONTENT\n"); at != std::string::npos)
    a.content = out.substr(at + 15);
  return a;
}

void CheckSame(const ProbeAnswer& got, const ProbeAnswer& want, const std::string& what) {
  INFO(what);
  CHECK(got.dir_no_name == want.dir_no_name);
  if (want.dir_no_name) return;
  CHECK(got.into_dir == want.into_dir);
  CHECK(got.parent_exists == want.parent_exists);
  CHECK(got.content == want.content);
  CHECK(got.st.exists == want.st.exists);
  CHECK(got.st.st_mode == want.st.st_mode);
  CHECK(got.st.uid == want.st.uid);
  CHECK(got.st.owner == want.st.owner);
  CHECK(got.st.group == want.st.group);
  CHECK(got.st.size == want.st.size);
  CHECK(got.st.mtime == want.st.mtime);  // atime moves when a file is read
  CHECK(got.st.inode == want.st.inode);
  CHECK(got.st.checksum == want.st.checksum);
  CHECK(got.st.link_target == want.st.link_target);
}

}  // namespace

TEST_CASE("PosixDirname prints what coreutils' dirname prints") {
  CHECK(PosixDirname("/etc/motd") == "/etc");
  CHECK(PosixDirname("/etc/") == "/");
  CHECK(PosixDirname("/") == "/");
  CHECK(PosixDirname("motd") == ".");
  CHECK(PosixDirname("") == ".");
  CHECK(PosixDirname("a/b//") == "a");
  CHECK(PosixDirname("a//b") == "a");
  CHECK(PosixDirname("/a") == "/");
}

TEST_CASE("a batch of probes answers as each module's own query did") {
  Scratch s;
  s.Write("text", "one\ntwo\n");
  s.Write("no-newline", "last line");
  s.Write("binary", std::string("a\0b\n\0", 5));
  s.Write("empty", "");
  s.Write("we\nird\\name", "x\n");
  fs::create_directory(s.Path("dir"));
  s.Write("dir/inner", "inner\n");
  fs::create_symlink(s.Path("text"), s.Path("link"));
  fs::create_symlink(s.Path("nowhere"), s.Path("dangling"));
  std::vector<PathProbe> probes;
  for (const std::string name : {"text", "no-newline", "binary", "empty", "we\nird\\name", "dir",
                                 "link", "dangling", "missing", "missing-dir/x"}) {
    for (int kind = 0; kind < 3; ++kind) {
      PathProbe p;
      p.path = s.Path(name);
      p.parent = true;
      if (kind == 0) p.content = true;                         // lineinfile
      if (kind == 1) p.checksum = true, p.into_dir = "inner";  // copy, template
      probes.push_back(p);                                     // kind 2: file
    }
  }
  PathProbe no_name;
  no_name.path = s.Path("dir");
  no_name.into_dir = "";
  no_name.checksum = no_name.parent = true;
  probes.push_back(no_name);

  Result<connection::ExecResult> batch = s.ctx.Exec(ProcessProbeScript(probes));
  REQUIRE(batch.ok());
  CHECK(batch->exit_status == 0);
  std::optional<std::vector<ProbeAnswer>> answers =
      ParseProcessProbeOutput(probes, batch->stdout_data);
  REQUIRE(answers.has_value());
  REQUIRE(answers->size() == probes.size());
  const std::string nonce = ProbeNonce();
  Result<connection::ExecResult> built = s.ctx.Exec(ProbeScript(probes, nonce));
  REQUIRE(built.ok());
  CHECK(built->exit_status == 0);
  std::optional<std::vector<ProbeAnswer>> builtin =
      ParseProbeOutput(probes, built->stdout_data, nonce);
  REQUIRE(builtin.has_value());
  REQUIRE(builtin->size() == probes.size());
  for (size_t k = 0; k < probes.size(); ++k) {
    const ProbeAnswer want = Reference(s.ctx, probes[k]);
    CheckSame((*answers)[k], want, "batched: " + probes[k].path);
    // The builtin batch is exact, or says it is not (symlinks to files,
    // NUL bytes), never wrong.
    const bool reads = probes[k].content || probes[k].checksum;
    const std::string name = fs::path(probes[k].path).filename().string();
    if ((*builtin)[k].exact)
      CheckSame((*builtin)[k], want, "builtin: " + probes[k].path);
    else
      CHECK_MESSAGE((reads && (name == "binary" || name == "link")), probes[k].path);
    if (reads && (name == "text" || name == "no-newline" || name == "empty"))
      CHECK_MESSAGE((*builtin)[k].exact, probes[k].path);
    std::string error;
    Result<std::optional<ProbeAnswer>> one = s.ctx.Probe(probes[k], &error);
    REQUIRE(one.ok());
    REQUIRE(one->has_value());
    CheckSame(**one, want, "alone: " + probes[k].path);
  }
}

TEST_CASE("a batch answer is served once, in order, and never after a write") {
  Scratch s;
  s.Write("a", "a\n");
  s.Write("b", "b\n");
  PathProbe a, b;
  a.path = s.Path("a");
  b.path = s.Path("b");
  b.checksum = true;
  ProbeCache cache;
  s.ctx.probe_cache = &cache;
  s.ctx.plan_ahead = [&] { return std::vector<PathProbe>{a, b}; };
  std::string error;
  REQUIRE(s.ctx.Probe(a, &error).ok());
  s.ctx.plan_ahead = nullptr;
  std::optional<ProbeAnswer> served = cache.Take(b);
  REQUIRE(served.has_value());
  CHECK(served->st.checksum.size() == 40);
  CHECK_FALSE(cache.Take(b).has_value());  // once

  s.ctx.plan_ahead = [&] { return std::vector<PathProbe>{a, b}; };
  REQUIRE(s.ctx.Probe(a, &error).ok());
  REQUIRE(s.ctx.Exec("echo b2 > " + connection::ShellQuote(b.path)).ok());  // a write
  CHECK_FALSE(cache.Take(b).has_value());
  Result<std::optional<ProbeAnswer>> fresh = s.ctx.Probe(b, &error);
  REQUIRE(fresh.ok());
  CHECK((*fresh)->st.size == 3);
}

TEST_CASE("the write clock counts a write on its machine, on unknown machines, and for them") {
  // A reader on m1 sees writes on m1 and on "" (unknown or file-sharing),
  // not those on m2; a reader on "" sees them all.
  using S = std::optional<WriteClock::Stamp>;
  const S m1 = WriteClock::QuietStamp("m1"), unknown = WriteClock::QuietStamp("");
  REQUIRE(m1.has_value());
  REQUIRE(unknown.has_value());
  WriteClock::Begin("m2");
  CHECK(WriteClock::QuietStamp("m1").has_value());
  CHECK_FALSE(WriteClock::QuietStamp("").has_value());
  CHECK_FALSE(WriteClock::QuietStamp("m2").has_value());
  CHECK_FALSE(WriteClock::BeginFused("m2").has_value());  // another write on m2 in flight
  WriteClock::End("m2");
  const S fused = WriteClock::BeginFused("m1");  // its own write does not void it
  WriteClock::End("m1");
  REQUIRE(fused.has_value());
  CHECK(WriteClock::Unchanged(*fused));
  WriteClock::End("m2");
  CHECK(WriteClock::Unchanged(*m1) == false);  // m1's own fused write started since
  CHECK_FALSE(WriteClock::Unchanged(*unknown));
  const S after = WriteClock::QuietStamp("m1");
  REQUIRE(after.has_value());
  WriteClock::Begin("m2");
  WriteClock::End("m2");
  CHECK(WriteClock::Unchanged(*after));
  WriteClock::Begin("");
  CHECK_FALSE(WriteClock::QuietStamp("m1").has_value());
  WriteClock::End("");
  CHECK_FALSE(WriteClock::Unchanged(*after));
}

TEST_CASE("a write carries the next tasks' probes, answered after it, under the clock's rule") {
  Scratch s;
  s.Write("a", "old\n");
  std::string lines;
  while (lines.size() <= kMaxBuiltinRead) lines += std::string(99, 'x') + "\n";
  s.Write("big", lines);
  PathProbe a, big;
  a.path = s.Path("a");
  a.content = true;
  big.path = s.Path("big");
  big.checksum = true;
  ProbeCache cache;
  s.ctx.probe_cache = &cache;
  auto plan = [&] { return std::vector<PathProbe>{a, big}; };
  s.ctx.plan_after = plan;
  const std::string writes = "sh -c 'printf new > " + connection::ShellQuote(a.path) +
                             "; printf out; echo err >&2; exit 3'";
  Result<connection::ExecResult> res = s.ctx.ExecThenProbe("echo before\n", writes);
  REQUIRE(res.ok());
  CHECK(res->stdout_data == "before\nout");  // the command's, exactly
  CHECK(res->stderr_data == "err\n");
  CHECK(res->exit_status == 3);
  std::optional<ProbeAnswer> got = cache.Take(a);
  REQUIRE(got.has_value());
  CHECK(got->content == std::optional<std::string>("new"));  // seen after the write
  got = cache.Take(big);
  REQUIRE(got.has_value());
  CHECK_FALSE(got->exact);  // too big to read with builtins
  std::string error;
  Result<std::optional<ProbeAnswer>> asked = s.ctx.Probe(big, &error);  // with processes
  REQUIRE(asked.ok());
  REQUIRE(asked->has_value());
  CheckSame(**asked, Reference(s.ctx, big), "big");

  // Another write in flight when it began, on an unknown machine or on
  // this one: nothing is kept.
  // This machine's key ("" where a shared file system is mounted: then
  // every write counts here, and the other-machine case below is skipped).
  const std::string here = s.conn.MachineKey();
  for (const std::string& machine : {std::string(), here}) {
    WriteClock::Begin(machine);
    REQUIRE(s.ctx.ExecThenProbe("", "true").ok());
    WriteClock::End(machine);
    CHECK_FALSE(cache.Take(a).has_value());
    // Such a write started after it: nothing is served.
    REQUIRE(s.ctx.ExecThenProbe("", "true").ok());
    WriteClock::Begin(machine);
    WriteClock::End(machine);
    CHECK_FALSE(cache.Take(a).has_value());
  }
  // Writes on another machine, in flight or after: served.
  if (!here.empty()) {
    WriteClock::Begin("another-boot-id");
    REQUIRE(s.ctx.ExecThenProbe("", "true").ok());
    WriteClock::End("another-boot-id");
    WriteClock::Begin("another-boot-id");
    WriteClock::End("another-boot-id");
    CHECK(cache.Take(a).has_value());
  }
  // Unchanged: served.
  REQUIRE(s.ctx.ExecThenProbe("", "true").ok());
  CHECK(cache.Take(a).has_value());

  // As without probes: a builtin's name is a program to look up, and the
  // result of an early exit is the script's.
  for (const char* last : {"cd /", "false", "printf 'no newline'"}) {
    s.ctx.plan_after = plan;
    Result<connection::ExecResult> fused = s.ctx.ExecThenProbe("echo x\n", last);
    s.ctx.plan_after = nullptr;
    Result<connection::ExecResult> alone = s.ctx.ExecThenProbe("echo x\n", last);
    REQUIRE(fused.ok());
    REQUIRE(alone.ok());
    CHECK(fused->stdout_data == alone->stdout_data);
    CHECK(fused->stderr_data == alone->stderr_data);
    CHECK(fused->exit_status == alone->exit_status);
  }
  s.ctx.plan_after = plan;
  res = s.ctx.ExecThenProbe("echo early; exit 0\n", "true");
  REQUIRE(res.ok());
  CHECK(res->stdout_data == "early\n");
  CHECK(res->exit_status == 0);
}
