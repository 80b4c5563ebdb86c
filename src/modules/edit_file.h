// The host side the text-editing modules (blockinfile, replace) share: one
// read-only round trip that returns everything the edit and the attribute
// check need (stat following symlinks, the real path, the parent, umask and
// the user's ids, the content), and one write round trip, only when
// something changed, that backs up, validates and installs atomically, then
// fixes attributes. Edits are computed on the controller between the two,
// so check mode and diff come from the same computation as the write.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connection/atomic_install.h"
#include "modules/file_common.h"
#include "modules/module.h"

namespace drover::modules {

struct EditTarget {
  RemoteStat st;                       // stat -L of the path (exists=false when absent)
  bool parent_exists = true;           // the path's directory exists
  bool is_link = false;                // the path itself is a symlink
  std::string real_path;               // os.path.realpath: symlinks resolved
  std::optional<std::string> content;  // the bytes, when a regular file
  // What a file created by this user would look like (owner, group, mode
  // 0666 & ~umask), for the attribute check of a file not there yet.
  RemoteStat new_file;
};

// One round trip. Errors: the host could not be used; a failing probe is
// returned as an Ansible-shaped failure in *failure instead.
Result<EditTarget> ReadEditTarget(RunContext& ctx, const std::string& path,
                                  std::optional<Map>* failure);

// The owner/group/mode of args (Ansible's file common arguments) compared
// with what the file is (or would be, when created). For a path that is a
// symlink `mode` is not applied: Ansible's set_mode_if_different on Linux
// (no lchmod) leaves both the link and its target as they are, and reports
// a change only in check mode (the link's own 0777 differs).
struct AttrPlan {
  std::string owner, group;
  std::optional<unsigned> mode;
  bool differ = false;
  Map diff;  // Ansible's attribute diff: before/after "mode" when it differs
};
Result<AttrPlan> PlanAttrs(const Map& args, const RemoteStat& current, bool is_link = false,
                           bool check_mode = false);

struct EditWrite {
  std::optional<std::string> content;  // nullopt: fix attributes only
  bool backup = false;                 // back up the existing file first
  bool make_parent = false;            // mkdir -p the parent first
  std::string validate;                // Ansible's validate command ("" = none)
};

struct EditWriteResult {
  std::string backup_file;
  // Set when the validate command failed (the file was left untouched).
  std::optional<int> validate_rc;
  std::string validate_stdout, validate_stderr;
  // Set when the write itself failed: Ansible-shaped failure.
  std::optional<Map> failure;
};

// The write round trip for `path` (installed at target.real_path).
Result<EditWriteResult> WriteEdit(RunContext& ctx, const std::string& path,
                                  const EditTarget& target, const EditWrite& write,
                                  const AttrPlan& attrs);

// The shell words of Ansible's validate: `validate % tmpfile`, split as
// shlex.split (no shell), each word quoted, %s being `temp_path`. Errors:
// no %s ("validate must contain %s: ..."), a bad % sequence, bad quoting.
Result<std::string> ValidateCommand(const std::string& validate, const std::string& temp_path);

// Shell text that installs what `fill` writes into "$__t" (a temp file
// beside `dest`; e.g. "cat > \"$__t\"" for stdin) atomically at `dest` with
// `attrs`, after running Ansible's `validate` command ("" = none) on it. A
// failing validation prints "DROVER_VALIDATE|<rc>", then its stdout; its
// stderr goes to stderr; the script then exits 0 leaving dest untouched
// (see ParseValidateFailure). With `expect`, the temp file is checked
// against the controller's length and sha1 before the rename (see
// atomic_install.h: any failure removes it and leaves dest untouched).
// Errors: a bad validate command.
Result<std::string> InstallScript(
    const std::string& dest, const std::string& fill, const connection::FileAttributes& attrs,
    const std::string& validate,
    const std::optional<connection::ContentDigest>& expect = std::nullopt);

// Fills the validate_* fields of *r from a script's output; false when the
// validation did not fail.
bool ParseValidateFailure(const connection::ExecResult& done, EditWriteResult* r);

// Ansible's add_path_info: when `path` exists on the host, its lstat as
// the result keys exit_json adds for a result that has `path` (uid, gid,
// owner, group, mode, state, size). One round trip.
Status AddPathInfo(RunContext& ctx, const std::string& path, Map* result);

// bytes.splitlines(True): lines split at \n, \r\n and \r, ends kept.
std::vector<std::string> SplitLinesKeepEnds(const std::string& text);

}  // namespace drover::modules
