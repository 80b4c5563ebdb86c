// The read-only host query the file-shaped modules (file, copy, template,
// lineinfile) start with, as data: which path, and whether its checksum,
// its parent directory and its bytes are wanted. One probe or many become
// one script (ProbeScript) in which everything but one `stat` for every
// path is shell builtins: small regular files are read with `read` loops
// and checksummed on the controller, the parent directory is computed on
// the controller, and the `stat` is exec'd last. So a probe, or a batch of
// probes for k tasks (see ProbeCache), costs one host process besides the
// script's own shell (readlink per symlink aside). An answer the builtins
// cannot give exactly (a symlink or unreadable file to read, NUL bytes, a
// file over kMaxBuiltinRead) is marked inexact and asked again with
// ProcessProbeScript (`sha1sum`, `cat`, as before).
//
// Contract: for each probe, the answer is what the module's own query of
// the same path would have seen (lstat, sha1 of a regular readable file
// following symlinks, `[ -d parent ]`, the bytes of `[ -f path ]`).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/file_common.h"

namespace drover::modules {

struct PathProbe {
  std::string path;
  // copy/template: when `path` is a directory (following symlinks), the
  // probe is of path/<into_dir> instead (into_dir set, possibly empty:
  // an empty name answers dir_no_name).
  std::optional<std::string> into_dir;
  bool checksum = false;  // sha1 of a regular readable file
  bool parent = false;    // whether the path's directory exists
  bool content = false;   // the bytes, when `[ -f path ]`

  bool operator==(const PathProbe&) const = default;
};

struct ProbeAnswer {
  RemoteStat st;              // lstat (checksum, link target filled)
  bool into_dir = false;      // path was a directory: probed path/<into_dir>
  bool dir_no_name = false;   // path was a directory and into_dir was empty
  bool parent_exists = true;  // when asked for
  std::optional<std::string> content;
  // False: content/checksum could not be read exactly with builtins; the
  // answer must not be used (ask again with ProcessProbeScript).
  bool exact = true;
};

// Bytes a builtin read takes before giving up (one read(2) per byte).
constexpr size_t kMaxBuiltinRead = 32768;

// The parent directory as coreutils' dirname prints it ("." for a bare
// name, "/" for the root).
std::string PosixDirname(const std::string& path);

// A random token that ends the bytes of each file a ProbeScript reads
// (no file can forge it: it is new per script).
std::string ProbeNonce();
// The builtin script for `probes` (one round trip, read-only; its last
// command is an exec, so it may end a longer script). Its stderr carries
// nothing the answer needs.
std::string ProbeScript(const std::vector<PathProbe>& probes, const std::string& nonce);
// The answers to ProbeScript(probes, nonce) from its stdout; nullopt when
// the output does not match (a failed or raced script: ask again, alone).
std::optional<std::vector<ProbeAnswer>> ParseProbeOutput(const std::vector<PathProbe>& probes,
                                                         const std::string& out,
                                                         const std::string& nonce);
// The same query with host processes (`sha1sum`, `stat -L`, `cat`): exact
// for every file; its stderr explains a failure.
std::string ProcessProbeScript(const std::vector<PathProbe>& probes);
std::optional<std::vector<ProbeAnswer>> ParseProcessProbeOutput(
    const std::vector<PathProbe>& probes, const std::string& out);

// Counts the scripts that may change a host (every script that is not a
// read-only probe), per machine (connection::Connection::MachineKey(): the
// boot id, "" when unknown or when the machine may share files with
// others), run-wide: a probe answered before a write started may be stale
// after it when the write ran on the same machine. Inventory aliases of one
// machine share a key; a write on an unknown or file-sharing machine counts
// on every machine, and every write counts on such a machine.
//
// The rule, for answers stored with stamp S (taken for the reader's
// machine): they are used only while Unchanged(S). S is either QuietStamp()
// read before a read-only batch was sent (no write that counts on the
// reader's machine in flight then, none started since), or the stamp
// BeginFused() gave a write whose script runs the probes after it (no other
// such write in flight when it began, none started since: the only write
// the probes can have overlapped is their own script's, which ran before
// them). So an answer is never used if another write that counts on its
// machine ran at any time between the moment it was taken and its use.
// Not seen: writes one machine's command makes on another machine over the
// network (ssh, rsync, an API) and file systems mounted after the
// connection's first command (README, "Below the floor").
class WriteClock {
 public:
  struct Stamp {
    std::string machine;  // the reader's key
    uint64_t own = 0;     // writes started on that machine ("": on any)
    uint64_t any = 0;     // writes started on unknown or file-sharing machines
    bool operator==(const Stamp&) const = default;
  };
  // Call around a script that may change the machine `machine`.
  static void Begin(const std::string& machine);
  static void End(const std::string& machine);
  // Begin() for a write that carries probes: their stamp when no other
  // write that counts on `machine` is in flight (nullopt otherwise; End()
  // is still due).
  static std::optional<Stamp> BeginFused(const std::string& machine);
  // The stamp for a reader on `machine`, or nullopt while a write that
  // counts there is in flight.
  static std::optional<Stamp> QuietStamp(const std::string& machine);
  // No write that counts on the stamp's machine has started since it.
  static bool Unchanged(const Stamp& stamp);

 private:
  struct Counts {
    uint64_t started = 0, finished = 0;
  };
  static Stamp Current(const std::string& machine);
  static bool Quiet(const std::string& machine);
  static std::mutex mu_;
  static Counts all_, any_;
  static std::map<std::string, Counts> machines_;
};

// The answers a batch fetched ahead for one host's next tasks. An answer
// is served once, to the task whose probe equals it, and only while the
// batch's stamp is unchanged (WriteClock: no write that counts on the
// host's machine has started since the batch was taken).
class ProbeCache {
 public:
  void Store(WriteClock::Stamp stamp, std::vector<PathProbe> probes,
             std::vector<ProbeAnswer> answers);
  // The answer for `probe`, removed from the cache, or nullopt.
  std::optional<ProbeAnswer> Take(const PathProbe& probe);
  void Clear();

 private:
  std::mutex mu_;
  WriteClock::Stamp stamp_;
  std::vector<PathProbe> probes_;
  std::vector<ProbeAnswer> answers_;
};

}  // namespace drover::modules
