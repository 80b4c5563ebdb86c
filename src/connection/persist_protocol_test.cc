#include "connection/persist_protocol.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connection/persisted_connection.h"

namespace drover::connection::persist {

TEST_CASE("persist Writer/Reader round-trip every field type") {
  Writer w;
  w.U32(7).I64(-5).Bool(true).Str("a\0b").OptStr(std::nullopt).OptStr("x").Strs({"p", "", "q"});
  Reader r(w.data());
  uint32_t u = 0;
  int64_t i = 0;
  bool b = false;
  std::string s;
  std::optional<std::string> o1 = "set", o2;
  std::vector<std::string> v;
  CHECK(r.U32(&u));
  CHECK(r.I64(&i));
  CHECK(r.Bool(&b));
  CHECK(r.Str(&s));
  CHECK(r.OptStr(&o1));
  CHECK(r.OptStr(&o2));
  CHECK(r.Strs(&v));
  CHECK(r.AtEnd());
  CHECK(u == 7);
  CHECK(i == -5);
  CHECK(b);
  CHECK(s == std::string("a\0b", 1));  // "a\0b" as a string_view literal stops at NUL
  CHECK(!o1);
  CHECK(o2 == "x");
  CHECK(v == std::vector<std::string>{"p", "", "q"});
}

TEST_CASE("persist Reader fails on truncated or malformed input and stays failed") {
  Writer w;
  w.Str("hello");
  const std::string cut = w.data().substr(0, w.data().size() - 1);
  Reader r(cut);
  std::string s;
  CHECK_FALSE(r.Str(&s));
  uint32_t u = 0;
  CHECK_FALSE(r.U32(&u));
  CHECK_FALSE(r.ok());
  Writer bad;
  bad.U32(2);  // a bool must be 0 or 1
  Reader rb(bad.data());
  bool b = false;
  CHECK_FALSE(rb.Bool(&b));
  // A string length beyond the data.
  Writer huge;
  huge.U32(1000);
  Reader rh(huge.data());
  CHECK_FALSE(rh.Str(&s));
}

TEST_CASE("persist frame header carries type and length; oversized lengths are refused") {
  char type = 0;
  uint32_t length = 0;
  CHECK(ParseFrameHeader(FrameHeader(kRun, 300), &type, &length));
  CHECK(type == kRun);
  CHECK(length == 300);
  CHECK_FALSE(ParseFrameHeader(FrameHeader(kRun, kMaxPayload + 1), &type, &length));
  CHECK_FALSE(ParseFrameHeader("abc", &type, &length));
}

TEST_CASE("persist frames travel a socket with a descriptor; EOF and timeout are told apart") {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  int p[2];
  REQUIRE(pipe(p) == 0);
  REQUIRE(SendFrame(sv[0], kRun, "payload", p[0]));
  REQUIRE(SendFrame(sv[0], kStdout, std::string(200000, 'z')));
  Frame f;
  REQUIRE(RecvFrame(sv[1], 1000, &f) == Recv::kOk);
  CHECK(f.type == kRun);
  CHECK(f.payload == "payload");
  REQUIRE(f.fd >= 0);
  REQUIRE(write(p[1], "k", 1) == 1);
  char c = 0;
  CHECK(read(f.fd, &c, 1) == 1);
  CHECK(c == 'k');
  close(f.fd);
  Frame big;
  REQUIRE(RecvFrame(sv[1], 1000, &big) == Recv::kOk);
  CHECK(big.payload.size() == 200000);
  CHECK(big.fd == -1);
  CHECK(RecvFrame(sv[1], 50, &f) == Recv::kTimeout);
  close(sv[0]);
  CHECK(RecvFrame(sv[1], 1000, &f) == Recv::kEof);
  close(sv[1]);
  close(p[0]);
  close(p[1]);
}

TEST_CASE("persist a frame cut short is an error, not a frame") {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  const std::string header = FrameHeader(kResult, 10);
  REQUIRE(write(sv[0], header.data(), header.size()) == 5);
  REQUIRE(write(sv[0], "abc", 3) == 3);
  close(sv[0]);
  Frame f;
  CHECK(RecvFrame(sv[1], 1000, &f) == Recv::kError);
  close(sv[1]);
}

TEST_CASE("persist target and outcome encodings round-trip") {
  SshTarget t;
  t.name = "web1";
  t.address = "10.0.0.1";
  t.port = 2222;
  t.user = "deploy";
  t.identity_files = {"~/.ssh/a", "/k/b"};
  t.password = "pw";
  t.key_passphrases["/k/b"] = "phrase";
  t.connect_timeout_s = 7;
  t.keepalive_interval_s = 0;
  t.known_hosts_file = "/kh";
  t.host_key_policy = HostKeyPolicy::kAcceptNew;
  t.proxy_command = "nc %h %p";
  t.compression = false;
  t.ignored_options = {"-o Foo=bar"};
  const std::string enc = EncodeTarget(t);
  Reader r(enc);
  SshTarget d;
  REQUIRE(DecodeTarget(&r, &d));
  CHECK(r.AtEnd());
  CHECK(EncodeTarget(d) == enc);
  CHECK(d.port == 2222);
  CHECK(d.compression == false);
  CHECK(d.key_passphrases.at("/k/b") == "phrase");
  CHECK(d.host_key_policy == HostKeyPolicy::kAcceptNew);

  Outcome ok;
  ok.result.exit_status = 3;
  ok.result.stdout_data = "out";
  ok.result.stderr_data = "err";
  ok.machine_key = "boot-1";
  Outcome back;
  REQUIRE(DecodeOutcome(EncodeOutcome(ok), &back));
  CHECK(!back.error);
  CHECK(back.result.exit_status == 3);
  CHECK(back.result.stdout_data == "out");
  CHECK(back.result.stderr_data == "err");
  CHECK(back.machine_key == "boot-1");
  Outcome failed;
  Error e = MakeError("lost the connection to h: x");
  e.code = ExitCode::kUnreachable;
  failed.error = e;
  failed.holder_done = true;
  Outcome back2;
  REQUIRE(DecodeOutcome(EncodeOutcome(failed), &back2));
  REQUIRE(back2.error);
  CHECK(back2.error->message == e.message);
  CHECK(back2.error->code == ExitCode::kUnreachable);
  CHECK(back2.holder_done);
  CHECK_FALSE(DecodeOutcome(EncodeOutcome(ok) + "x", &back));  // trailing bytes
}

TEST_CASE("persist socket names hash the session's settings, not its secrets") {
  SshTarget a;
  a.name = "h";
  a.address = "h";
  SshTarget b = a;
  b.password = "secret";
  CHECK(HolderSocketPath("/d", a) == HolderSocketPath("/d", b));
  SshTarget c = a;
  c.port = 2200;
  CHECK(HolderSocketPath("/d", a) != HolderSocketPath("/d", c));
  SshTarget u = a;
  u.user = "other";
  CHECK(HolderSocketPath("/d", a) != HolderSocketPath("/d", u));
  SshTarget k = a;
  k.identity_files = {"/other/key"};
  CHECK(HolderSocketPath("/d", a) != HolderSocketPath("/d", k));
  SshTarget s = a;
  s.host_key_policy = HostKeyPolicy::kOff;
  CHECK(HolderSocketPath("/d", a) != HolderSocketPath("/d", s));
  CHECK(HolderSocketPath("/d", a).rfind("/d/drover-", 0) == 0);
}

TEST_CASE("persist credential digests differ with the password or a passphrase") {
  SshTarget a;
  a.address = "h";
  SshTarget b = a;
  b.password = "pw";
  SshTarget c = b;
  c.password = "other";
  SshTarget d = a;
  d.key_passphrases["/k"] = "x";
  CHECK(CredentialDigest(a) == CredentialDigest(a));
  CHECK(CredentialDigest(a) != CredentialDigest(b));
  CHECK(CredentialDigest(b) != CredentialDigest(c));
  CHECK(CredentialDigest(a) != CredentialDigest(d));
  CHECK(CredentialDigest(b).find("pw") == std::string::npos);
}

TEST_CASE("persist settings follow Ansible's ssh_args and DROVER_PERSIST") {
  auto idle = [](const char* env, const std::string& args) {
    auto r = PersistIdleSeconds(env, args);
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(idle(nullptr, "") == 60);  // Ansible's default ssh_args
  CHECK(idle(nullptr, "-C -o ControlMaster=auto -o ControlPersist=600s") == 600);
  CHECK(idle(nullptr, "-o ControlMaster=auto -o ControlPersist=1h30m") == 5400);
  CHECK(idle(nullptr, "-oControlMaster=auto -oControlPersist=90") == 90);
  CHECK(idle(nullptr, "-o ControlMaster=auto -o ControlPersist=yes") == 0);
  CHECK(!idle(nullptr, "-o ControlMaster=no -o ControlPersist=60s"));
  CHECK(!idle(nullptr, "-o ControlMaster=auto -o ControlPersist=no"));
  CHECK(!idle(nullptr, "-C"));  // user ssh_args without ControlPersist
  CHECK(!idle("0", ""));
  CHECK(idle("2", "-C") == 2);
  CHECK_FALSE(PersistIdleSeconds("soon", "").ok());
  CHECK_FALSE(PersistIdleSeconds(nullptr, "-o ControlMaster=auto -o ControlPersist=x1").ok());
}

}  // namespace drover::connection::persist
