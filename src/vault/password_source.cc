#include "vault/password_source.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include "core/file_util.h"
#include "vault/plaintext_workspace.h"

extern char** environ;

namespace drover::vault {

namespace {

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string StripWhitespace(const std::string& s) {
  const char* ws = " \t\r\n\v\f";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Python's os.path.splitext(path)[0].endswith("-client").
bool IsClientScript(const std::string& path) {
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  const size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  const std::string suffix = "-client";
  return base.size() >= suffix.size() &&
         base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::string> RunPasswordScript(const std::string& path, const std::string& vault_id) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    return MakeError("could not run vault password script " + path + ": " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  std::vector<std::string> args = {path};
  if (IsClientScript(path)) args.insert(args.end(), {"--vault-id", vault_id});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return MakeError("Problem running vault password script " + path + " (" + std::strerror(rc) +
                     "). If this is not a script, remove the executable bit from the file.");
  }
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = read(pipefd[0], buf, sizeof(buf));
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  OPENSSL_cleanse(buf, sizeof(buf));
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    OPENSSL_cleanse(out.data(), out.size());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (IsClientScript(path) && code == 2) {
      return MakeError("Vault password client script " + path +
                       " did not find a secret for vault-id=" + vault_id);
    }
    return MakeError("Vault password script " + path + " returned non-zero (" +
                     std::to_string(code) + ")");
  }
  return StripTrailingNewlines(std::move(out));
}

// Reads one line from fd (the terminal), without its newline.
bool ReadLine(int fd, std::string* line) {
  line->clear();
  char c;
  while (true) {
    const ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR && SignalGuard::Pending() == 0) continue;
    if (n <= 0) return !line->empty();
    if (c == '\n') return true;
    line->push_back(c);
  }
}

Result<std::string> AskOnce(int tty, const std::string& prompt) {
  // A signal while echo is off: the terminal is restored first, then the
  // guard re-raises the signal.
  SignalGuard guard;
  termios saved{};
  const bool is_tty = tcgetattr(tty, &saved) == 0;
  if (is_tty) {  // echo off before the prompt appears, as getpass(3)
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  if (write(tty, prompt.data(), prompt.size()) < 0) {
    if (is_tty) tcsetattr(tty, TCSAFLUSH, &saved);
    return MakeError("could not write the vault password prompt to the terminal");
  }
  std::string line;
  const bool got = ReadLine(tty, &line);
  if (is_tty) tcsetattr(tty, TCSAFLUSH, &saved);
  if (!got) return MakeError("no vault password was entered (end of input)");
  return StripTrailingNewlines(std::move(line));
}

}  // namespace

Result<std::string> ReadPasswordSource(const std::string& path, const std::string& vault_id) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return MakeError("The vault password file " + path + " was not found");
  }
  std::string password;
  std::string kind = "file";
  if (S_ISREG(st.st_mode) &&
      (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {  // Ansible's is_executable
    Result<std::string> out = RunPasswordScript(path, vault_id);
    if (!out) return out.take_error();
    password = std::move(out).value();
    kind = "script";
  } else {
    Result<std::string> text = ReadFile(path);
    if (!text) {
      return MakeError("Could not read vault password file " + path + ": " + text.error().message);
    }
    password = StripWhitespace(*text);
    OPENSSL_cleanse(text->data(), text->size());
  }
  if (password.empty()) {
    return MakeError("Invalid vault password was provided from " + kind + " (" + path + ")");
  }
  return password;
}

bool CanPrompt() {
  const int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  close(fd);
  return true;
}

Result<std::string> PromptPassword(const std::string& prompt, const std::string& confirm_prompt) {
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) {
    return MakeError("cannot prompt for a vault password: no terminal (" +
                     std::string(std::strerror(errno)) + ")");
  }
  Result<std::string> first = AskOnce(tty, prompt);
  if (first && !confirm_prompt.empty()) {
    Result<std::string> second = AskOnce(tty, confirm_prompt);
    if (!second) {
      close(tty);
      return second.take_error();
    }
    const bool same = *first == *second;
    OPENSSL_cleanse(second->data(), second->size());
    if (!same) {
      close(tty);
      return MakeError("Passwords do not match");
    }
  }
  close(tty);
  if (first && first->empty()) return MakeError("Invalid vault password was provided from prompt");
  return first;
}

}  // namespace drover::vault
