// Helpers shared by the file modules (stat, file, copy, template,
// lineinfile): the host-side stat probe and its parser, mode arithmetic
// (octal and chmod's symbolic form), the attribute-fixing shell text, and
// the unified diff Ansible's --diff prints.
//
// The host probe uses `stat -c` (GNU coreutils or busybox); hosts with only
// BSD stat are not supported yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::modules {

// One path's lstat (or stat, with follow) as the host reported it.
struct RemoteStat {
  bool exists = false;
  unsigned st_mode = 0;  // type and permission bits
  int64_t uid = 0, gid = 0;
  std::string owner, group;  // "UNKNOWN" when the id has no name
  int64_t size = 0;
  double mtime = 0, atime = 0, ctime = 0;
  int64_t inode = 0, dev = 0, nlink = 0, blocks = 0, block_size = 0;
  std::string link_target;  // for symlinks
  std::string checksum;     // when asked for and a regular file

  bool IsDir() const { return (st_mode & 0170000) == 0040000; }
  bool IsReg() const { return (st_mode & 0170000) == 0100000; }
  bool IsLink() const { return (st_mode & 0170000) == 0120000; }
  unsigned Perms() const { return st_mode & 07777; }
};

// Shell text defining `__drover_stat PATH [ALGO]`: prints one line
// "DROVER_STAT|..." for an existing path (ALGO: md5, sha1, ... adds its
// checksum for regular files) or "DROVER_STAT|absent". `follow` uses stat
// -L semantics.
std::string StatShellFunction(bool follow = false);
// Parses the first DROVER_STAT line of `out`; nullopt when there is none.
std::optional<RemoteStat> ParseStatOutput(const std::string& out);

// "0644" (at least four octal digits, as Ansible's '%04o').
std::string OctalMode(unsigned mode);

// Applies chmod's symbolic mode ("u=rw,g=r,o=r", "a+x", "u+X,go-w") to
// `current` (permission bits). Errors name the bad clause.
Result<unsigned> ApplySymbolicMode(const std::string& spec, unsigned current, bool is_dir);

// The permission bits `mode` asks for, from an int (YAML 0644 is already
// 420), octal text ("0644", "644", "0o644") or symbolic text, given the
// path's current bits. nullopt when mode is null (leave it).
Result<std::optional<unsigned>> ResolveMode(const Value& mode, unsigned current, bool is_dir);

// Whether owner/group (names or numeric ids; empty = leave) differ from
// the stat.
bool OwnerDiffers(const std::string& owner, const RemoteStat& st);
bool GroupDiffers(const std::string& group, const RemoteStat& st);

// Shell text that sets owner, group and mode (octal) of PATH, each only
// when given; `recurse` adds -R. Fails the script (exit 1, message on
// stderr) on error.
std::string AttrsScript(const std::string& path, const std::string& owner, const std::string& group,
                        std::optional<unsigned> mode, bool recurse = false, bool no_deref = false);

// A unified diff as Python's difflib.unified_diff(n=3) prints it after
// "--- before: HEADER" / "+++ after: HEADER" lines; "" when equal.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_header, const std::string& after_header);

// Ansible's result keys for a path's attributes (mode, owner, group, uid,
// gid, size, state), from its stat.
void AddPathAttrs(const RemoteStat& st, Map* result);

// Text of a string argument, or "" when absent/null; ints are printed.
std::string ArgText(const Map& args, const char* key);
// ArgText, or nullopt when the argument is absent or null.
std::optional<std::string> OptionalArgText(const Map& args, const char* key);

// Lines of `text` with their '\n' kept (Python's str.splitlines(True) for
// text whose only line break is '\n').
std::vector<std::string> LinesKeepEnds(const std::string& text);

}  // namespace drover::modules
