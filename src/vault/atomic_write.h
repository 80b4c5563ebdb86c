// Replacing a file atomically: the new content goes to a temporary file in
// the same directory, is flushed to disk, then renamed over the target, so a
// reader (or a crash) sees either the old file or the new one, never half.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::vault {

// Writes data to path atomically. A device or pipe (/dev/stdout) is written
// through instead. A symlink is followed (its target is
// replaced). The result has `mode` when keep_mode is false or the file is new;
// otherwise the existing file's mode (and owner, when permitted) are kept.
Status WriteFileAtomically(const std::string& path, std::string_view data, mode_t mode = 0600,
                           bool keep_mode = true);

}  // namespace drover::vault
