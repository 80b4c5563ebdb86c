// What copy and template share: finding a task's local source file as
// Ansible does, and installing content at a destination idempotently
// (query checksum and attributes in one round trip; install atomically,
// with attributes, in a second only when something differs).
#pragma once

#include <string>

#include "modules/module.h"

namespace drover::modules {

// The local path of `src` for a task: absolute as is, else the first of
// <dir>/<subdir>/<src>, <dir>/<src> over ctx.search_paths that exists.
// The error lists where it looked (as Ansible's "Could not find or access").
Result<std::string> FindLocalFile(const RunContext& ctx, const std::string& subdir,
                                  const std::string& src);

// Installs `content` at `dest` (a directory, or a dest ending in '/', means
// dest/<basename>; empty basename then fails) honouring args owner, group,
// mode, backup, force. Check mode only queries; diff mode returns the
// unified diff in "_drover_diff" with `after_header` naming the source.
// Returns Ansible's copy result keys.
Result<Map> InstallContent(RunContext& ctx, const std::string& content, const Map& args,
                           std::string dest, const std::string& basename,
                           const std::string& after_header);

// The text of local file `path`; a vault-encrypted one ($ANSIBLE_VAULT
// header) decrypted with the run's vault secrets (the plaintext registered
// as a secret, so output masks it), as Ansible's copy (decrypt=true) and
// template actions read their sources. `*was_vault` tells which.
Result<std::string> ReadLocalSource(const std::string& path, bool* was_vault = nullptr);
// Whether local file `path` starts with the vault header.
bool IsVaultFile(const std::string& path);

// As InstallContent, with the bytes of a local file streamed from disk:
// constant memory whatever its size (its text is read only for a diff of
// at most 104448 bytes, Ansible's limit).
Result<Map> InstallFile(RunContext& ctx, const std::string& local_path, const Map& args,
                        std::string dest, const std::string& basename,
                        const std::string& after_header);

// The probe InstallContent and InstallFile start with (outside diff mode),
// for a batch asked ahead (Module::PlanProbe).
PathProbe InstallProbe(const std::string& dest, const std::string& basename);

// Lowercase hex digest ("sha1" or "md5") of `data`.
std::string HexDigest(const std::string& algorithm, const std::string& data);

}  // namespace drover::modules
