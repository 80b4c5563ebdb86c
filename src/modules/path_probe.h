// The read-only host query the file-shaped modules (file, copy, template,
// lineinfile) start with, as data: which path, and whether its checksum,
// its parent directory and its bytes are wanted. One probe or many become
// one script with merged host work: one `stat` for every path, one
// `sha1sum` for every file to checksum, one `stat -L` and one `cat` for
// every file whose bytes are wanted; everything else is shell builtins
// (the parent directory is computed on the controller). So a single probe
// costs at most three host processes and a batch of probes for k tasks
// (see ProbeCache) the same three, in one round trip.
//
// Contract: for each probe, the answer is what the module's own query of
// the same path would have seen (lstat, sha1 of a regular readable file
// following symlinks, `[ -d parent ]`, the bytes of `[ -f path ]`).
#pragma once

#include <atomic>
#include <cstdint>
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
};

// The parent directory as coreutils' dirname prints it ("." for a bare
// name, "/" for the root).
std::string PosixDirname(const std::string& path);

// The script for `probes` (one round trip, read-only).
std::string ProbeScript(const std::vector<PathProbe>& probes);
// The answers to ProbeScript(probes) from its stdout; nullopt when the
// output does not match (a failed or raced script: ask again, one by one).
std::optional<std::vector<ProbeAnswer>> ParseProbeOutput(const std::vector<PathProbe>& probes,
                                                         const std::string& out);

// Counts writes to any host (every script that is not a probe), run-wide:
// a probe answered before a write started may be stale after it, whatever
// host the write went to (two inventory hosts may be one machine, or share
// a file system).
class WriteClock {
 public:
  // Call around a script that may change a host.
  static void Begin();
  static void End();
  // The current count, or nullopt while a write is in flight.
  static std::optional<uint64_t> QuietStamp();
  static uint64_t Started();

 private:
  static std::atomic<uint64_t> started_, finished_;
};

// The answers a batch fetched ahead for one host's next tasks. An answer
// is served once, to the task whose probe equals it, and only while no
// write has started anywhere since the batch was taken.
class ProbeCache {
 public:
  void Store(uint64_t stamp, std::vector<PathProbe> probes, std::vector<ProbeAnswer> answers);
  // The answer for `probe`, removed from the cache, or nullopt.
  std::optional<ProbeAnswer> Take(const PathProbe& probe);
  void Clear();

 private:
  std::mutex mu_;
  uint64_t stamp_ = 0;
  std::vector<PathProbe> probes_;
  std::vector<ProbeAnswer> answers_;
};

}  // namespace drover::modules
