#include "vault/plaintext_workspace.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace drover::vault {

namespace {

volatile sig_atomic_t g_pending_signal = 0;
constexpr int kGuardedSignals[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void RecordSignal(int sig) {
  if (g_pending_signal == 0) g_pending_signal = sig;
}

bool IsMemoryBacked(const std::string& dir) {
  struct statfs fs {};
  if (statfs(dir.c_str(), &fs) != 0) return false;
  return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

bool IsUsableDir(const std::string& dir) {
  struct stat st {};
  return !dir.empty() && stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         access(dir.c_str(), W_OK | X_OK) == 0 && IsMemoryBacked(dir);
}

// Overwrites a regular file with zeros before it is unlinked.
void Scrub(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    static const char zeros[4096] = {};
    off_t left = st.st_size;
    while (left > 0) {
      const ssize_t n = write(fd, zeros, left < 4096 ? static_cast<size_t>(left) : 4096);
      if (n <= 0) break;
      left -= n;
    }
  }
  close(fd);
}

void RemoveTree(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    if (DIR* d = opendir(path.c_str())) {
      std::vector<std::string> names;
      while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
      }
      closedir(d);
      for (const std::string& name : names) RemoveTree(path + "/" + name);
    }
    rmdir(path.c_str());
  } else {
    if (S_ISREG(st.st_mode)) Scrub(path);
    unlink(path.c_str());
  }
}

constexpr char kDirPrefix[] = "drover-vault-";

// The pid recorded in a workspace name "drover-vault-<pid>-XXXXXX", or 0.
pid_t RecordedPid(const std::string& name) {
  if (name.rfind(kDirPrefix, 0) != 0) return 0;
  const size_t start = sizeof kDirPrefix - 1;
  const size_t dash = name.find('-', start);
  if (dash == std::string::npos || dash == start || dash - start > 9) return 0;
  pid_t pid = 0;
  for (size_t i = start; i < dash; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  return name.size() - dash - 1 == 6 ? pid : 0;
}

// True when the process that made a workspace created at `made` is gone:
// its pid is dead, or now belongs to a process started after the workspace.
bool OwnerGone(pid_t pid, const struct timespec& made) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  struct stat proc {};
  if (stat(("/proc/" + std::to_string(pid)).c_str(), &proc) != 0) return false;
  return proc.st_ctim.tv_sec > made.tv_sec;
}

// Removes workspaces left in `root` by an edit that was SIGKILLed: only
// directories named as drover names them, owned by this user, whose
// recorded process is gone.
void RemoveStaleWorkspaces(const std::string& root) {
  DIR* d = opendir(root.c_str());
  if (!d) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const pid_t pid = RecordedPid(name);
    if (pid <= 0 || pid == getpid()) continue;
    struct stat st {};
    const std::string path = root + "/" + name;
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) continue;
    if (OwnerGone(pid, st.st_ctim)) stale.push_back(path);
  }
  closedir(d);
  for (const std::string& path : stale) RemoveTree(path);
}

}  // namespace

SignalGuard::SignalGuard() {
  struct sigaction sa {};
  sa.sa_handler = RecordSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR
  for (int i = 0; i < 4; ++i) sigaction(kGuardedSignals[i], &sa, &saved_[i]);
}

SignalGuard::~SignalGuard() {
  for (int i = 0; i < 4; ++i) sigaction(kGuardedSignals[i], &saved_[i], nullptr);
  const int sig = g_pending_signal;
  if (sig != 0) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

int SignalGuard::Pending() {
  return g_pending_signal;
}

void SignalGuard::ClearInterrupt() {
  if (g_pending_signal == SIGINT || g_pending_signal == SIGQUIT) g_pending_signal = 0;
}

std::string MemoryBackedTempRoot() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg && IsUsableDir(xdg)) return xdg;
  if (IsUsableDir("/dev/shm")) return "/dev/shm";
  const std::string run_user = "/run/user/" + std::to_string(getuid());
  if (IsUsableDir(run_user)) return run_user;
  return "";
}

Result<std::unique_ptr<PlaintextWorkspace>> PlaintextWorkspace::Create() {
  const std::string root = MemoryBackedTempRoot();
  if (root.empty()) {
    return MakeError(
        "no memory-backed directory for the decrypted text ($XDG_RUNTIME_DIR and /dev/shm are "
        "missing or not tmpfs); refusing to write plaintext to a persistent disk");
  }
  RemoveStaleWorkspaces(root);
  std::string tmpl = root + "/" + kDirPrefix + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return MakeError("could not create a private directory in " + root + ": " +
                     std::strerror(errno));
  }
  chmod(tmpl.c_str(), 0700);
  return std::unique_ptr<PlaintextWorkspace>(new PlaintextWorkspace(tmpl));
}

PlaintextWorkspace::~PlaintextWorkspace() {
  Remove();
}

void PlaintextWorkspace::Remove() {
  if (dir_.empty()) return;
  RemoveTree(dir_);
  dir_.clear();
}

Result<std::string> PlaintextWorkspace::WriteFile(const std::string& name, std::string_view data) {
  std::string safe_name = name.empty() ? "vault" : name;
  for (char& c : safe_name) {
    if (c == '/') c = '_';
  }
  const std::string path = dir_ + "/" + safe_name;
  const mode_t old_umask = umask(077);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  umask(old_umask);
  if (fd < 0) return MakeError("could not create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return MakeError("could not write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return path;
}

}  // namespace drover::vault
