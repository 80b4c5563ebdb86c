#include "vault/merge_driver.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "core/file_util.h"
#include "vault/atomic_write.h"
#include "vault/envelope.h"
#include "vault/plaintext_workspace.h"

extern char** environ;

namespace drover::vault {

namespace {

struct Version {
  std::string plaintext;
  std::optional<Decrypted> decrypted;  // set when the version was vault text
};

Result<Version> Open(const std::string& path, const Keyring& keyring) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text.take_error();
  Version v;
  if (!IsVaultText(*text)) {
    v.plaintext = std::move(text).value();
    return v;
  }
  Result<Decrypted> d = keyring.Decrypt(*text, path);
  if (!d) return d.take_error();
  v.plaintext = d->plaintext;
  v.decrypted = std::move(d).value();
  return v;
}

// Runs `git merge-file -p -L ... ours base theirs`; stdout is the merge, the
// exit status the number of conflicts (negative on error).
Result<std::pair<std::string, int>> GitMergeFile(const std::string& ours, const std::string& base,
                                                 const std::string& theirs,
                                                 const std::string& label) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return MakeError("pipe: " + std::string(strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<std::string> args = {"git",
                                   "merge-file",
                                   "-p",
                                   "-L",
                                   label + " (ours)",
                                   "-L",
                                   label + " (base)",
                                   "-L",
                                   label + " (theirs)",
                                   ours,
                                   base,
                                   theirs};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    return MakeError("could not run git merge-file: " + std::string(strerror(rc)));
  }
  std::string merged;
  char buf[8192];
  while (true) {
    const ssize_t n = read(out[0], buf, sizeof(buf));
    if (n > 0) {
      merged.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  OPENSSL_cleanse(buf, sizeof(buf));
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) >= 128) {
    OPENSSL_cleanse(merged.data(), merged.size());
    return MakeError("git merge-file failed");
  }
  return std::pair{std::move(merged), WEXITSTATUS(status)};
}

}  // namespace

Result<MergeOutcome> MergeVaultFiles(const std::string& base, const std::string& ours,
                                     const std::string& theirs, const std::string& label,
                                     const Keyring& keyring) {
  Result<Version> o = Open(ours, keyring);
  if (!o) return o.take_error();
  Result<Version> b = Open(base, keyring);
  if (!b) return b.take_error();
  Result<Version> t = Open(theirs, keyring);
  if (!t) return t.take_error();

  // Encrypt the result as ours was encrypted, else as theirs, else with the
  // first secret and no id.
  const VaultSecret* secret = nullptr;
  std::string vault_id(kDefaultVaultId);
  for (const Version* v : {&*o, &*t, &*b}) {
    if (v->decrypted) {
      secret = v->decrypted->secret;
      vault_id = v->decrypted->envelope.vault_id;
      break;
    }
  }
  if (!secret) {
    Result<const VaultSecret*> first = keyring.EncryptSecret();
    if (!first) return first.take_error();
    secret = *first;
  }

  Result<std::pair<std::string, int>> merged = MakeError("unreachable");
  {
    SignalGuard guard;  // outlives the workspace
    Result<std::unique_ptr<PlaintextWorkspace>> ws = PlaintextWorkspace::Create();
    if (!ws) return ws.take_error();
    Result<std::string> po = (*ws)->WriteFile("ours", o->plaintext);
    Result<std::string> pb = (*ws)->WriteFile("base", b->plaintext);
    Result<std::string> pt = (*ws)->WriteFile("theirs", t->plaintext);
    if (!po) return po.take_error();
    if (!pb) return pb.take_error();
    if (!pt) return pt.take_error();
    merged = GitMergeFile(*po, *pb, *pt, label);
  }
  for (Version* v : {&*o, &*b, &*t}) OPENSSL_cleanse(v->plaintext.data(), v->plaintext.size());
  if (!merged) return merged.take_error();
  Result<std::string> text = Encrypt(merged->first, *secret, vault_id);
  OPENSSL_cleanse(merged->first.data(), merged->first.size());
  if (!text) return text.take_error();
  if (Status s = WriteFileAtomically(ours, *text); !s) return s.take_error();
  return MergeOutcome{merged->second};
}

}  // namespace drover::vault
