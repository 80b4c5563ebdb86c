#include "connection/local_connection.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "connection/atomic_install.h"

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
  static const bool sigpipe_ignored = [] { return signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return SystemError("pipe");
  if (pipe2(out, O_CLOEXEC) != 0) return SystemError("pipe");
  if (pipe2(err, O_CLOEXEC) != 0) return SystemError("pipe");
  const pid_t pid = fork();
  if (pid < 0) return SystemError("fork");
  if (pid == 0) {
    if (stdin_data) {
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
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!stdin_data) {
    close(in[1]);
    in[1] = -1;
  } else {
    SetNonBlocking(in[1]);
  }
  ExecResult result;
  size_t written = 0;
  int open_outputs = 2;
  char buf[65536];
  while (open_outputs > 0 || in[1] >= 0) {
    if (in[1] >= 0 && written == stdin_data->size()) {
      close(in[1]);
      in[1] = -1;
      continue;
    }
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return SystemError("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.stdout_data : result.stderr_data).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EAGAIN) {
        close(fds[i].fd);
        (i == 0 ? out[0] : err[0]) = -1;
        --open_outputs;
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(in[1], stdin_data->data() + written, stdin_data->size() - written);
      if (n > 0) {
        written += static_cast<size_t>(n);
      } else if (errno != EAGAIN && errno != EINTR) {
        close(in[1]);  // the command stopped reading: drop the rest, as a pipe would
        in[1] = -1;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Result<ExecResult> LocalConnection::RunScript(const std::string& script, const std::string* stdin) {
  return RunLocalShell(script, stdin);
}

Status WriteFileAtomically(const std::string& content, const std::string& path) {
  const std::string temp = TempNameBeside(path);
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return SystemError("cannot create " + temp);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = SystemError("cannot write " + temp);
      close(fd);
      unlink(temp.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    Error e = SystemError("cannot sync " + temp);
    unlink(temp.c_str());
    return e;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    Error e = SystemError("cannot rename " + temp + " to " + path);
    unlink(temp.c_str());
    return e;
  }
  return {};
}

}  // namespace drover::connection
