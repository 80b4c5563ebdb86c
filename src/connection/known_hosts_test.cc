#include "connection/known_hosts.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace drover::connection {

TEST_CASE("KnownHostsLinesFor finds plain, bracketed and hashed entries") {
  char path[] = "/tmp/drover-kh-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "# comment\n"
        << "other.example ssh-ed25519 AAAA\n"
        << "web1,10.0.0.5 ssh-ed25519 AAAA\n"
        << "[127.0.0.1]:2222 ssh-ed25519 AAAA\n"
        // HMAC-SHA1 of "[10.9.9.9]:2200" with this salt (as ssh-keygen -H).
        << "|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|Yd6DNNTDH6YW4kTi7yJSkYNBK54= ssh-ed25519 AAAA\n";
  }
  CHECK(KnownHostsLinesFor("web1", 22, {path}) ==
        std::vector<std::string>{std::string(path) + ":3"});
  CHECK(KnownHostsLinesFor("10.0.0.5", 22, {path}).size() == 1);
  CHECK(KnownHostsLinesFor("127.0.0.1", 2222, {path}) ==
        std::vector<std::string>{std::string(path) + ":4"});
  CHECK(KnownHostsLinesFor("127.0.0.1", 22, {path}).empty());
  CHECK(KnownHostsLinesFor("10.9.9.9", 2200, {path}) ==
        std::vector<std::string>{std::string(path) + ":5"});
  CHECK(KnownHostsLinesFor("10.9.9.9", 22, {path}).empty());
  CHECK(KnownHostsLinesFor("x", 22, {"/nonexistent/file"}).empty());
  std::remove(path);
}

TEST_CASE("KnownHostsCheck: revoked, changed, negated patterns, cert authorities") {
  char path[] = "/tmp/drover-kh-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "[127.0.0.*]:2200,![127.0.0.1]:2200 ssh-ed25519 KEYA\n"
        << "@revoked [127.0.0.2]:2200 ssh-ed25519 KEYB\n"
        << "[127.0.0.2]:2200 ssh-ed25519 KEYB\n"
        << "@cert-authority *.example ssh-ed25519 CAKEY\n";
  }
  using State = KnownHostsVerdict::State;
  CHECK(KnownHostsCheck("127.0.0.1", 2200, {path}, "ssh-ed25519", "KEYA").state == State::kUnknown);
  CHECK(KnownHostsCheck("127.0.0.3", 2200, {path}, "ssh-ed25519", "KEYA").state == State::kMatch);
  CHECK(KnownHostsCheck("127.0.0.3", 2200, {path}, "ssh-ed25519", "KEYZ").state == State::kChanged);
  const KnownHostsVerdict revoked =
      KnownHostsCheck("127.0.0.2", 2200, {path}, "ssh-ed25519", "KEYB");
  CHECK(revoked.state == State::kRevoked);
  CHECK(revoked.where == std::string(path) + ":2");
  CHECK(KnownHostsCheck("web.example", 22, {path}, "ssh-ed25519", "HOSTKEY").state ==
        State::kCertAuthority);
  std::remove(path);
}

}  // namespace drover::connection
