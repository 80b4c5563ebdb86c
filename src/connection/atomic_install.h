// The sh scripts that install a file atomically on a host: write to a
// temporary name in the destination directory, fsync, apply owner and mode,
// then rename over the destination. Used by every Connection's put.
#pragma once

#include <string>

#include "connection/connection.h"

namespace drover::connection {

// Installs the bytes on the script's stdin at `remote_path`. Prints nothing
// on success; on failure exits non-zero with the reason on stderr and leaves
// no temp file behind. Without explicit attrs an existing destination keeps
// its mode and owner (as Ansible's atomic_move); a new file gets 0666&~umask.
std::string AtomicInstallScript(const std::string& remote_path, const FileAttributes& attrs);

// As AtomicInstallScript, with `content` embedded in the script (shell-quoted)
// instead of read from stdin, so the script needs no stdin. Only for content
// without NUL bytes (sh strings cannot hold them); see CanInline.
std::string AtomicInstallInlineScript(const std::string& content, const std::string& remote_path,
                                      const FileAttributes& attrs);

// Whether `content` can travel inside a script: no NUL bytes, and small
// enough (64 KiB) to keep the command line cheap.
bool CanInline(const std::string& content);

// Moves an already-written temp file (e.g. an SFTP upload) into place.
std::string FinishInstallScript(const std::string& temp_path, const std::string& remote_path,
                                const FileAttributes& attrs);

// A fresh temp name beside `remote_path`: "<dir>/.<base>.drover-<hex>.tmp".
std::string TempNameBeside(const std::string& remote_path);

}  // namespace drover::connection
