#include "vault/safe_edit.h"

#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/file_util.h"
#include "vault/atomic_write.h"
#include "vault/plaintext_workspace.h"

extern char** environ;

namespace drover::vault {

namespace {

std::string EditorCommand() {
  for (const char* var : {"VISUAL", "EDITOR"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  return "vi";
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Runs `editor file` and waits, forwarding SIGTERM/SIGHUP to it.
Status RunEditor(const std::string& file) {
  const std::string editor = EditorCommand();
  std::string script = "exec " + editor + " \"$@\"";
  std::vector<std::string> args = {"/bin/sh", "-c", script, "sh", file};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return MakeError("Unable to execute the editor \"" + editor + "\": " + std::strerror(rc));
  }
  int status = 0;
  bool forwarded = false;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return MakeError("lost track of the editor: " + std::string(strerror(errno)));
    const int sig = SignalGuard::Pending();
    if ((sig == SIGTERM || sig == SIGHUP) && !forwarded) {
      kill(pid, sig);
      forwarded = true;
    } else if (sig == SIGINT || sig == SIGQUIT) {
      SignalGuard::ClearInterrupt();
    }
  }
  if (SignalGuard::Pending() != 0) {
    return MakeError("interrupted by signal " + std::to_string(SignalGuard::Pending()));
  }
  if (WIFSIGNALED(status)) {
    return MakeError("the editor \"" + editor + "\" was killed by signal " +
                     std::to_string(WTERMSIG(status)));
  }
  if (WEXITSTATUS(status) != 0) {
    return MakeError("the editor \"" + editor + "\" exited with status " +
                     std::to_string(WEXITSTATUS(status)));
  }
  return {};
}

// Encrypts and writes, keeping an existing file's mode.
Status Save(const std::string& path, std::string_view plaintext, const VaultSecret& secret,
            const std::string& vault_id) {
  Result<std::string> text = Encrypt(plaintext, secret, vault_id);
  if (!text) return text.take_error();
  if (SignalGuard::Pending() != 0) return MakeError("interrupted; " + path + " was not changed");
  return WriteFileAtomically(path, *text);
}

void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

Result<std::string> EditPlaintext(std::string_view plaintext, const std::string& name) {
  Result<std::unique_ptr<PlaintextWorkspace>> ws = PlaintextWorkspace::Create();
  if (!ws) return ws.take_error();
  Result<std::string> file = (*ws)->WriteFile(name, plaintext);
  if (!file) return file.take_error();
  if (Status s = RunEditor(*file); !s) return s.take_error();
  Result<std::string> edited = ReadFile(*file);
  (*ws)->Remove();
  return edited;
}

Status EditVaultFile(const std::string& path, const Keyring& keyring) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text.take_error();
  Result<Decrypted> d = keyring.Decrypt(*text, path);
  if (!d) return d.take_error();

  Result<std::string> edited = [&] {
    SignalGuard guard;  // outlives the workspace inside EditPlaintext
    return EditPlaintext(d->plaintext, BaseName(path));
  }();
  if (!edited) {
    Wipe(d->plaintext);
    Error e = edited.take_error();
    e.message += "; " + path + " was not changed";
    return e;
  }
  Status saved;
  if (*edited != d->plaintext) saved = Save(path, *edited, *d->secret, d->envelope.vault_id);
  Wipe(d->plaintext);
  Wipe(*edited);
  return saved;
}

Status CreateVaultFile(const std::string& path, const VaultSecret& secret,
                       const std::string& vault_id) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    return MakeError(path + " exists, please use 'edit' instead");
  }
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    std::string partial;
    for (size_t i = 0; i <= dir.size(); ++i) {
      if (i == dir.size() || (dir[i] == '/' && i > 0)) {
        partial = dir.substr(0, i);
        mkdir(partial.c_str(), 0755);  // existing directories are fine
      }
    }
  }
  Result<std::string> edited = [&] {
    SignalGuard guard;
    return EditPlaintext("", BaseName(path));
  }();
  if (!edited) {
    Error e = edited.take_error();
    e.message += "; " + path + " was not created";
    return e;
  }
  Status saved = Save(path, *edited, secret, vault_id);
  Wipe(*edited);
  return saved;
}

}  // namespace drover::vault
