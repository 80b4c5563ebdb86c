// Integration checks of the Connection API over a real sshd (started by
// connection_api_test.sh): environment and stdin passing, session reuse,
// a 50 MB put and fetch, atomic replacement under a concurrent reader,
// owner and mode, become for puts. Prints "N passed, N failed".
#include <openssl/evp.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pwd.h>
#include <random>
#include <string>
#include <thread>

#include "connection/local_connection.h"
#include "connection/ssh_connection.h"

using namespace drover;
using namespace drover::connection;

namespace {

int passed = 0, failed = 0;

void Check(bool ok, const std::string& what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) {
    std::fprintf(stderr, "missing %s\n", name);
    std::exit(2);
  }
  return v;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

std::string ReadLocal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  SshTarget target;
  target.name = target.address = "127.0.0.1";
  target.port = std::atoi(Env("DROVER_ITEST_PORT").c_str());
  target.user = "root";
  target.identity_files = {Env("DROVER_ITEST_KEY")};
  target.known_hosts_file = Env("DROVER_ITEST_KNOWN_HOSTS");
  const std::string dir = Env("DROVER_ITEST_DIR");
  const std::string user = Env("DROVER_ITEST_USER");
  ConnectionNotices notices;
  SshConnection ssh(target, &notices);

  // --bench N: N `true` commands over one session (for tools/bench/connections_bench.sh).
  if (argc == 3 && std::string(argv[1]) == "--bench") {
    const int n = std::atoi(argv[2]);
    if (Status s = ssh.Connect(); !s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (!ssh.Exec({"true", std::nullopt, {}, std::nullopt}).ok()) return 1;
    }
    const double s = Seconds(t0);
    std::printf("%d x `true` over one session: %.3f ms each, %.0f/s, %llu round trips\n", n,
                1000 * s / n, n / s, static_cast<unsigned long long>(ssh.RoundTrips()));
    return 0;
  }

  // Exit status, stdout and stderr are separate.
  auto r = ssh.Exec({"echo out; echo err >&2; exit 7", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->exit_status == 7 && r->stdout_data == "out\n" && r->stderr_data == "err\n",
        "exit status and separate streams");

  // Environment values arrive exactly, whatever they contain.
  r = ssh.Exec({"printf '%s|%s' \"$GREETING\" \"$TRICKY\"", std::nullopt,
                {{"GREETING", "hello world"}, {"TRICKY", "it's $HOME `id` \"q\"\nline2"}},
                std::nullopt});
  Check(r.ok() && r->stdout_data == "hello world|it's $HOME `id` \"q\"\nline2",
        "environment passing");

  // Binary stdin comes back byte for byte.
  std::string binary;
  for (int i = 0; i < 256 * 1024; ++i) binary += static_cast<char>(i % 256);
  r = ssh.Exec({"cat", binary, {}, std::nullopt});
  Check(r.ok() && r->stdout_data == binary, "binary stdin round trip");
  r = ssh.Exec({"exit 3", std::string(4u << 20, 'x'), {}, std::nullopt});
  Check(r.ok() && r->exit_status == 3, "a command that ignores its stdin does not hang");
  r = ssh.Exec({"cat >/dev/null; echo done", std::string(), {}, std::nullopt});
  Check(r.ok() && r->stdout_data == "done\n", "empty stdin gives EOF");

  // One session for every command: the client port never changes.
  auto a = ssh.Exec({"echo $SSH_CONNECTION", std::nullopt, {}, std::nullopt});
  auto b = ssh.Exec({"echo $SSH_CONNECTION", std::nullopt, {}, std::nullopt});
  Check(a.ok() && b.ok() && !a->stdout_data.empty() && a->stdout_data == b->stdout_data,
        "session reused across commands");
  Check(ssh.RoundTrips() == 7, "one round trip per command (" +
                                   std::to_string(ssh.RoundTrips()) + ")");

  // The persistent shell: one command's exit, cd or variables do not leak
  // into the next; a background child holding stdout does not block.
  r = ssh.Exec({"cd /; LEAK=1; set -e; exit 5", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->exit_status == 5, "exit inside a command");
  r = ssh.Exec({"printf '%s|%s' \"$LEAK\" \"$(pwd)\"", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->exit_status == 0 && r->stdout_data.rfind("|", 0) == 0 &&
            r->stdout_data != "|/",
        "no state leaks between commands (" + (r.ok() ? r->stdout_data : "") + ")");
  auto t_bg = std::chrono::steady_clock::now();
  r = ssh.Exec({"sleep 3 & echo started", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->stdout_data == "started\n" && Seconds(t_bg) < 2.5,
        "background child does not block the command");
  r = ssh.Exec({"printf 'no newline'; printf 'err no newline' >&2", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->stdout_data == "no newline" && r->stderr_data == "err no newline",
        "output without a trailing newline is exact");
  r = ssh.Exec({"seq 1 200000", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->stdout_data.size() == 1288895, "large output is complete");

  // 50 MB put and fetch, intact.
  std::string big(50u << 20, '\0');
  std::mt19937_64 rng(42);
  for (size_t i = 0; i + 8 <= big.size(); i += 8) {
    const uint64_t x = rng();
    std::memcpy(&big[i], &x, 8);
  }
  const std::string big_path = dir + "/big.bin";
  auto start = std::chrono::steady_clock::now();
  Status put = ssh.PutContent(big, big_path);
  const double put_s = Seconds(start);
  Check(put.ok(), "50 MB put: " + (put.ok() ? std::string() : put.error().message));
  auto sum = ssh.Exec({"sha256sum " + big_path, std::nullopt, {}, std::nullopt});
  Check(sum.ok() && sum->stdout_data.substr(0, 64) == Sha256Hex(big), "50 MB put is intact");
  start = std::chrono::steady_clock::now();
  Status fetched = ssh.FetchFile(big_path, dir + "/big.fetched");
  const double fetch_s = Seconds(start);
  Check(fetched.ok() && ReadLocal(dir + "/big.fetched") == big, "50 MB fetch is intact");
  std::printf("50 MB put %.2f s (%.0f MB/s), fetch %.2f s (%.0f MB/s)\n", put_s, 50 / put_s,
              fetch_s, 50 / fetch_s);

  // Atomic replacement: a concurrent reader sees a whole old or new file.
  const std::string atomic_path = dir + "/atomic.bin";
  const size_t size = 8u << 20;
  const std::string va(size, 'a'), vb(size, 'b');
  Check(ssh.PutContent(va, atomic_path).ok(), "atomic: first put");
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!stop) {
      const std::string seen = ReadLocal(atomic_path);
      ++reads;
      if (seen != va && seen != vb) ++torn;
    }
  });
  bool all_put = true;
  // At least 10 puts, and on until the reader has looked more than 10 times
  // (a slow build, e.g. under the sanitizers, reads far fewer times per put).
  for (int i = 0; i < 400 && (i < 10 || reads <= 10); ++i)
    all_put = all_put && ssh.PutContent(i % 2 ? va : vb, atomic_path).ok();
  stop = true;
  reader.join();
  Check(all_put, "atomic: repeated puts");
  Check(reads > 10 && torn == 0, "atomic: reader never saw a partial file (" +
                                     std::to_string(reads) + " reads, " + std::to_string(torn) +
                                     " torn)");
  int leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    leftovers += e.path().filename().string().find(".drover-") != std::string::npos;
  }
  Check(leftovers == 0, "no temp files left behind");

  // Owner and mode are applied before the rename.
  const passwd* pw = getpwnam(user.c_str());
  Check(pw != nullptr, "test user exists");
  const std::string owned = dir + "/owned.conf";
  Check(ssh.PutContent("secret=1\n", owned, {user, "", "0600"}).ok(), "put with owner/mode");
  struct stat st {};
  Check(stat(owned.c_str(), &st) == 0 && pw && st.st_uid == pw->pw_uid &&
            (st.st_mode & 07777) == 0600,
        "owner and mode applied");

  // A put through become lands owned by the become user.
  if (pw) {
    const std::string as_user = std::string(pw->pw_dir) + "/from-become.txt";
    Status s = ssh.PutContent("hi\n", as_user, {}, BecomeSpec{"sudo", user, {}, {}});
    Check(s.ok() && stat(as_user.c_str(), &st) == 0 && st.st_uid == pw->pw_uid,
          "put via become is owned by the become user");
    auto back = ssh.FetchContent(as_user, BecomeSpec{"sudo", user, {}, {}});
    Check(back.ok() && *back == "hi\n", "fetch via become");
  }

  Check(!ssh.FetchContent(dir + "/does-not-exist").ok(), "fetching a missing file fails");
  Check(!ssh.PutContent("x", dir + "/no/such/dir/f").ok(), "put into a missing dir fails");

  // Close and reuse: a later command reconnects.
  ssh.Close();
  r = ssh.Exec({"echo again", std::nullopt, {}, std::nullopt});
  Check(r.ok() && r->stdout_data == "again\n", "reconnect after Close");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
