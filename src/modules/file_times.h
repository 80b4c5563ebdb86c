// access_time / modification_time of the file module, as Ansible 2.14's
// file.py: "preserve" keeps the time, "now" sets the current time, any
// other value is parsed with its *_format (strptime) as the host's local
// time. Defaults: "now" for state=touch, "preserve" otherwise. A time is a
// change only when it differs from the path's, so state=touch with both
// times preserved is unchanged on a rerun.
#pragma once

#include <string>

#include "core/error.h"
#include "core/value.h"
#include "modules/file_common.h"
#include "modules/module.h"

namespace drover::modules {

struct FileTime {
  enum class Kind { kPreserve, kNow, kAt };
  Kind kind = Kind::kPreserve;
  std::string touch_stamp;  // kAt: "YYYYMMDDhhmm.ss" for touch -t
  std::string date_text;    // kAt: "YYYY-MM-DD hh:mm:ss" for date -d
};

// The time `value` (null: the state's default) means under `format`.
// Errors: Ansible's "Error while obtaining timestamp..." message.
Result<FileTime> ParseFileTime(const Value& value, const std::string& format,
                               const std::string& state);

// Appends to `apply` the shell text that sets `path`'s times and returns
// whether they change. `st` is the path's stat before the task (absent:
// the task creates it). Explicit times are compared with the path's on the
// host clock's time zone (one more round trip, only for them).
Result<bool> PlanFileTimes(const FileTime& mtime, const FileTime& atime, const RemoteStat& st,
                           const std::string& path, RunContext& ctx, std::string* apply);

}  // namespace drover::modules
