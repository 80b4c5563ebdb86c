// Ansible's default output colours (ansible/constants COLOR_*, as
// ansible.utils.color.stringc writes them), shared by every stdout callback
// drover prints.
#pragma once

namespace drover::output {

inline constexpr const char* kColorOk = "\033[0;32m";           // green
inline constexpr const char* kColorChanged = "\033[0;33m";      // yellow
inline constexpr const char* kColorError = "\033[0;31m";        // red
inline constexpr const char* kColorSkip = "\033[0;36m";         // cyan
inline constexpr const char* kColorUnreachable = "\033[1;31m";  // bright red
inline constexpr const char* kColorWarn = "\033[1;35m";         // bright purple
inline constexpr const char* kColorDeprecate = "\033[0;35m";    // purple
inline constexpr const char* kColorVerbose = "\033[0;34m";      // blue
inline constexpr const char* kColorDebug = "\033[1;30m";        // dark gray
inline constexpr const char* kColorDiffAdd = kColorOk;
inline constexpr const char* kColorDiffRemove = kColorError;
inline constexpr const char* kColorDiffLines = kColorSkip;
inline constexpr const char* kColorReset = "\033[0m";

}  // namespace drover::output
