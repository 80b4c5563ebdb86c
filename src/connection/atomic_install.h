// The sh scripts that install a file atomically on a host: write to a
// temporary name in the destination directory, check on the host that the
// whole content arrived (its length and sha1, computed on the host from the
// temp file, against what the controller sent), apply owner and mode, fsync,
// then rename over the destination.
//
// Contract, whatever the context the script is embedded in (a subshell on
// the left of `||` disables `set -e`, so no step relies on it): any failed
// step (a short or failed write, disk full, a dropped connection that ends
// stdin early, a signal) removes the temp file, prints one line
// "Failed to replace file: <temp> to <dest>: <reason>" (Ansible's
// atomic_move message) on stderr and exits 1; the destination is then
// untouched. Only a complete, verified temp file is ever renamed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "connection/connection.h"

namespace drover::connection {

// What the controller sent: checked against the temp file on the host.
struct ContentDigest {
  uint64_t size = 0;
  std::string sha1;  // lowercase hex
};
ContentDigest DigestOf(const std::string& content);

// Shell lines checking that `file` (a shell word, e.g. "\"$t\"") holds
// exactly `expect` (length, and sha1 where the host has sha1sum); on a
// mismatch they call `fail` (a shell function) with the reason as its one
// argument.
std::string VerifyArrivalScript(const std::string& file, const ContentDigest& expect,
                                const std::string& fail);

// Installs the bytes on the script's stdin at `remote_path`, which must be
// exactly `expect`. Prints nothing on success. Without explicit attrs an
// existing destination keeps its mode and owner (as Ansible's atomic_move);
// a new file gets 0666&~umask.
std::string AtomicInstallScript(const std::string& remote_path, const FileAttributes& attrs,
                                const ContentDigest& expect);

// As AtomicInstallScript, with `content` embedded in the script (shell-quoted)
// instead of read from stdin, so the script needs no stdin. Only for content
// without NUL bytes (sh strings cannot hold them); see CanInline.
std::string AtomicInstallInlineScript(const std::string& content, const std::string& remote_path,
                                      const FileAttributes& attrs);

// Whether `content` can travel inside a script: no NUL bytes, and small
// enough (64 KiB) to keep the command line cheap.
bool CanInline(const std::string& content);

// Moves an already-written temp file into place, after checking it against
// `expect` when given.
std::string FinishInstallScript(const std::string& temp_path, const std::string& remote_path,
                                const FileAttributes& attrs,
                                const std::optional<ContentDigest>& expect = std::nullopt);

// A fresh temp name beside `remote_path`: "<dir>/.<base>.drover-<hex>.tmp".
std::string TempNameBeside(const std::string& remote_path);

// Removes the temp files a killed earlier install left beside `remote_path`
// (a connection killed with SIGKILL on the host leaves one behind).
std::string StaleTempSweep(const std::string& remote_path);

// The task message for a failed install: the script's "Failed to replace
// file: ..." line when it printed one, else that shape around `stderr_text`.
std::string InstallFailureMessage(const std::string& remote_path, const std::string& stderr_text);

}  // namespace drover::connection
