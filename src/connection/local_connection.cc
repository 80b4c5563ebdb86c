#include "connection/local_connection.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "connection/atomic_install.h"
#include "connection/machine_identity.h"
#include "core/interrupt.h"

extern char** environ;

namespace drover::connection {

namespace {

Error SystemError(const std::string& what) {
  return MakeError(what + ": " + std::strerror(errno));
}

void SetNonBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

}  // namespace

Result<ExecResult> RunLocalShell(const std::string& script, const std::string* stdin_data) {
  std::optional<StdinStream> in;
  if (stdin_data) in.emplace("", stdin_data, -1);
  return RunLocalShell(script, ScriptIo{in ? &*in : nullptr, nullptr, std::nullopt});
}

namespace {

// Milliseconds to wait in poll: until the deadline, and at most 250 ms, so
// that a user interrupt (seen by another thread) is noticed soon.
int PollTimeoutMs(const std::optional<Deadline>& deadline) {
  constexpr long long kInterruptCheckMs = 250;
  if (!deadline) return kInterruptCheckMs;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0
                           : static_cast<int>(std::min<long long>(left.count(), kInterruptCheckMs));
}

}  // namespace

Result<ExecResult> RunLocalShell(const std::string& script, const ScriptIo& io) {
  static const bool sigpipe_ignored = [] { return signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return SystemError("pipe");
  if (pipe2(out, O_CLOEXEC) != 0) return SystemError("pipe");
  if (pipe2(err, O_CLOEXEC) != 0) return SystemError("pipe");
  const pid_t pid = fork();
  if (pid < 0) return SystemError("fork");
  if (pid == 0) {
    setpgid(0, 0);  // a group of its own: an interrupt stops all it started
    if (io.stdin) {
      dup2(in[0], 0);
    } else {
      int devnull = open("/dev/null", O_RDONLY);
      dup2(devnull, 0);
    }
    dup2(out[1], 1);
    dup2(err[1], 2);
    signal(SIGPIPE, SIG_DFL);
    const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
    execve("/bin/sh", const_cast<char**>(argv), environ);
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever of parent and child runs first
  TrackProcessGroup(pid);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!io.stdin) {
    close(in[1]);
    in[1] = -1;
  } else {
    SetNonBlocking(in[1]);
  }
  ExecResult result;
  std::optional<Error> failure;  // a local read, a sink, or the deadline
  std::string pending;           // stdin bytes read but not yet written
  size_t pending_done = 0;
  bool input_done = !io.stdin;
  int open_outputs = 2;
  char buf[65536];
  auto close_in = [&] {
    if (in[1] >= 0) close(in[1]);
    in[1] = -1;
  };
  while (open_outputs > 0 || in[1] >= 0) {
    if (in[1] >= 0 && pending_done == pending.size()) {
      if (input_done) {
        close_in();
        continue;
      }
      Result<size_t> n = io.stdin->Read(buf, sizeof buf);
      if (!n) {
        failure = n.take_error();
        kill(pid, SIGKILL);  // never let the command see a short input as complete
        close_in();
        continue;
      }
      if (*n == 0) input_done = true;
      pending.assign(buf, *n);
      pending_done = 0;
      continue;
    }
    if (Interrupted()) {
      failure = MakeError("interrupted by the user (the local command was stopped)");
      kill(-pid, SIGTERM);
      close_in();
      for (int* fd : {&out[0], &err[0]}) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
      }
      break;
    }
    if (io.deadline && std::chrono::steady_clock::now() >= *io.deadline) {
      failure = MakeError("the command did not finish before the task's timeout");
      kill(pid, SIGKILL);
      close_in();
      for (int* fd : {&out[0], &err[0]}) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
      }
      break;
    }
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (poll(fds, 3, PollTimeoutMs(io.deadline)) < 0) {
      if (errno == EINTR) continue;
      return SystemError("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        if (i == 0 && io.stdout_sink) {
          if (Status st = (*io.stdout_sink)({buf, static_cast<size_t>(n)}); !st && !failure)
            failure = st.take_error();
        } else {
          (i == 0 ? result.stdout_data : result.stderr_data).append(buf, static_cast<size_t>(n));
        }
      } else if (n == 0 || errno != EAGAIN) {
        close(fds[i].fd);
        (i == 0 ? out[0] : err[0]) = -1;
        --open_outputs;
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(in[1], pending.data() + pending_done, pending.size() - pending_done);
      if (n > 0) {
        pending_done += static_cast<size_t>(n);
      } else if (errno != EAGAIN && errno != EINTR) {
        close_in();  // the command stopped reading: drop the rest, as a pipe would
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  UntrackProcessGroup(pid);
  if (failure) return *failure;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string LocalConnection::MachineKey() const {
  return LocalMachineIdentity().Key();
}

Result<ExecResult> LocalConnection::RunScript(const std::string& script, const ScriptIo& io) {
  return RunLocalShell(script, io);
}

LocalAtomicFile::~LocalAtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

Status LocalAtomicFile::Open(const std::string& path) {
  path_ = path;
  temp_ = TempNameBeside(path);
  fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    Error e = SystemError("cannot create " + temp_);
    temp_.clear();
    return e;
  }
  return {};
}

Status LocalAtomicFile::Write(std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SystemError("cannot write " + temp_);
    done += static_cast<size_t>(n);
  }
  return {};
}

Status LocalAtomicFile::Commit() {
  const int fd = std::exchange(fd_, -1);
  if (fsync(fd) != 0 || close(fd) != 0) return SystemError("cannot sync " + temp_);
  if (rename(temp_.c_str(), path_.c_str()) != 0)
    return SystemError("cannot rename " + temp_ + " to " + path_);
  temp_.clear();
  return {};
}

Status WriteFileAtomically(const std::string& content, const std::string& path) {
  LocalAtomicFile file;
  if (Status s = file.Open(path); !s) return s;
  if (Status s = file.Write(content); !s) return s;
  return file.Commit();
}

}  // namespace drover::connection
