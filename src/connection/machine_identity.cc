#include "connection/machine_identity.h"

#include <array>
#include <fstream>
#include <sstream>

#include "connection/shell.h"

namespace drover::connection {

namespace {

// Types whose files other machines may write: network and cluster file
// systems, VM shared folders, automounts (an NFS mount may appear later),
// and every FUSE file system (sshfs, s3fs, glusterfs' client, ...).
constexpr std::array<std::string_view, 26> kSharedTypes = {
    "nfs",   "nfs4",  "cifs",   "smb3",   "smbfs",    "ncpfs",  "ceph",  "glusterfs", "lustre",
    "gpfs",  "afs",   "coda",   "9p",     "virtiofs", "ocfs2",  "gfs2",  "beegfs",    "orangefs",
    "pvfs2", "davfs", "autofs", "vboxsf", "vmhgfs",   "prl_fs", "drvfs", "fuse"};

constexpr std::string_view kBootIdFile = "/proc/sys/kernel/random/boot_id";

}  // namespace

bool SharedFileSystem(std::string_view type) {
  for (std::string_view t : kSharedTypes)
    if (type == t) return true;
  return type.starts_with("fuse.");
}

std::string MachineIdentityScript(const std::string& tag) {
  std::string patterns;
  for (std::string_view t : kSharedTypes) patterns += std::string(t) + "|";
  patterns += "fuse.*";
  const std::string boot(kBootIdFile);
  // `read` and `case` only: no process. The redirections are guarded by
  // `[ -r ]` (a failed redirection of a compound command may end the shell).
  return "__drover_mb=; __drover_ms=1\n"
         "if [ -r " +
         boot + " ]; then read -r __drover_mb 2>/dev/null <" + boot +
         "; fi\n"
         "if [ -r /proc/mounts ]; then __drover_ms=0\n"
         "while read -r __drover_mx __drover_mx __drover_mt __drover_mx; do\n"
         "case $__drover_mt in " +
         patterns +
         ") __drover_ms=1; break;; esac; done </proc/mounts; fi\n"
         "printf '%s|%s|%s\\n' " +
         ShellQuote(tag) +
         " \"$__drover_mb\" \"$__drover_ms\"\n"
         "unset __drover_mb __drover_ms __drover_mx __drover_mt\n";
}

std::optional<MachineIdentity> TakeMachineIdentity(std::string* out, const std::string& tag) {
  size_t at = 0;
  for (;; ++at) {
    at = out->find(tag + "|", at);
    if (at == std::string::npos) return std::nullopt;
    if (at == 0 || (*out)[at - 1] == '\n') break;
  }
  const size_t nl = out->find('\n', at);
  if (nl == std::string::npos) return std::nullopt;
  const std::string line = out->substr(at + tag.size() + 1, nl - at - tag.size() - 1);
  const size_t bar = line.rfind('|');
  if (bar == std::string::npos) return std::nullopt;
  MachineIdentity id;
  id.boot_id = line.substr(0, bar);
  id.shared_files = line.substr(bar + 1) != "0" || id.boot_id.empty();
  out->erase(at, nl + 1 - at);
  return id;
}

const MachineIdentity& LocalMachineIdentity() {
  static const MachineIdentity id = [] {
    MachineIdentity m;
    std::ifstream(std::string(kBootIdFile)) >> m.boot_id;
    std::ifstream mounts("/proc/mounts");
    if (m.boot_id.empty() || !mounts) return m;
    m.shared_files = false;
    for (std::string line; std::getline(mounts, line);) {
      std::istringstream fields(line);
      std::string device, dir, type;
      fields >> device >> dir >> type;
      if (SharedFileSystem(type)) m.shared_files = true;
    }
    return m;
  }();
  return id;
}

}  // namespace drover::connection
