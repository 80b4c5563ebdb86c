#include "vault/plaintext_workspace.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vault/atomic_write.h"

using namespace drover::vault;

TEST_CASE("the plaintext workspace is a private tmpfs directory, removed with its files") {
  if (MemoryBackedTempRoot().empty()) return;  // nothing memory-backed on this machine
  std::string dir, file;
  {
    auto ws = PlaintextWorkspace::Create();
    REQUIRE(ws.ok());
    dir = (*ws)->dir();
    struct stat st {};
    REQUIRE(stat(dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    auto path = (*ws)->WriteFile("secrets.yml", "plain text");
    REQUIRE(path.ok());
    file = *path;
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE((*ws)->WriteFile("secrets.yml", "again").ok());  // never reuses a name
    std::ofstream(dir + "/secrets.yml~") << "editor backup";     // editors leave files too
  }
  CHECK(access(file.c_str(), F_OK) != 0);
  CHECK(access(dir.c_str(), F_OK) != 0);
}

TEST_CASE("a workspace left by a killed edit is removed by the next one; others are kept") {
  if (MemoryBackedTempRoot().empty()) return;
  const std::string root = MemoryBackedTempRoot();
  // A pid that is dead: a child that has exited and been reaped.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string dead = root + "/drover-vault-" + std::to_string(child) + "-AbC123";
  const std::string alive = root + "/drover-vault-1-AbC123";  // init, older than any dir
  const std::string other = root + "/drover-vault-notapid";
  for (const std::string& d : {dead, alive, other}) {
    REQUIRE(mkdir(d.c_str(), 0700) == 0);
    std::ofstream(d + "/secrets.yml") << "plain text";
  }
  {
    auto ws = PlaintextWorkspace::Create();
    REQUIRE(ws.ok());
    CHECK((*ws)->dir().find("/drover-vault-" + std::to_string(getpid()) + "-") !=
          std::string::npos);
  }
  CHECK(access(dead.c_str(), F_OK) != 0);
  CHECK(access(alive.c_str(), F_OK) == 0);
  CHECK(access(other.c_str(), F_OK) == 0);
  for (const std::string& d : {alive, other}) {
    unlink((d + "/secrets.yml").c_str());
    rmdir(d.c_str());
  }
}

TEST_CASE("atomic writes keep an existing file's mode, or set the given one") {
  char tmpl[] = "/tmp/drover-atomic-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/f";
  std::ofstream(path) << "old";
  chmod(path.c_str(), 0640);
  REQUIRE(WriteFileAtomically(path, "new").ok());
  struct stat st {};
  stat(path.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0640);
  std::stringstream buf;
  buf << std::ifstream(path).rdbuf();
  CHECK(buf.str() == "new");
  REQUIRE(WriteFileAtomically(path, "newer", 0600, /*keep_mode=*/false).ok());
  stat(path.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(WriteFileAtomically(dir + "/missing/f", "x").ok());
  unlink(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("atomic writes to a pipe write through instead of replacing it") {
  char tmpl[] = "/tmp/drover-fifo-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string fifo = dir + "/out";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  CHECK(WriteFileAtomically(fifo, "through").ok());
  char buf[16] = {};
  CHECK(read(reader, buf, sizeof(buf)) == 7);
  CHECK(std::string(buf) == "through");
  struct stat st {};
  REQUIRE(stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  close(reader);
  unlink(fifo.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("XDG_RUNTIME_DIR is used only when it is memory-backed") {
  const char* saved = std::getenv("XDG_RUNTIME_DIR");
  const std::string saved_value = saved ? saved : "";
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof(cwd)) != nullptr);
  struct statfs fs {};
  REQUIRE(statfs(cwd, &fs) == 0);
  setenv("XDG_RUNTIME_DIR", cwd, 1);
  if (fs.f_type != 0x01021994 /* tmpfs */) CHECK(MemoryBackedTempRoot() != cwd);
  if (access("/dev/shm", W_OK) == 0) {
    char tmpl[] = "/dev/shm/drover-xdg-XXXXXX";
    const std::string shm = mkdtemp(tmpl);
    setenv("XDG_RUNTIME_DIR", shm.c_str(), 1);
    CHECK(MemoryBackedTempRoot() == shm);
    rmdir(shm.c_str());
  }
  if (saved) {
    setenv("XDG_RUNTIME_DIR", saved_value.c_str(), 1);
  } else {
    unsetenv("XDG_RUNTIME_DIR");
  }
}
