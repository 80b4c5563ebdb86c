#include "connection/atomic_install.h"

#include <cstdio>
#include <random>

#include "connection/shell.h"

namespace drover::connection {

std::string TempNameBeside(const std::string& remote_path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const size_t slash = remote_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : remote_path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? remote_path : remote_path.substr(slash + 1);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return dir + "." + base + ".drover-" + suffix + ".tmp";
}

namespace {

// Applies attrs to "$t" (the temp file) before the rename.
std::string AttributeLines(const FileAttributes& attrs) {
  std::string s;
  if (!attrs.mode.empty()) {
    s += "chmod " + ShellQuote(attrs.mode) + " \"$t\"\n";
  } else {
    s += "if [ -e \"$d\" ]; then chmod \"$(stat -c %a \"$d\")\" \"$t\"; "
         "else chmod \"$(printf %o $((0666 & ~0$m)))\" \"$t\"; fi\n";
  }
  if (!attrs.owner.empty() || !attrs.group.empty()) {
    std::string spec = attrs.owner;
    if (!attrs.group.empty()) spec += ":" + attrs.group;
    s += "chown " + ShellQuote(spec) + " \"$t\"\n";
  } else {
    s += "if [ -e \"$d\" ] && [ \"$(id -u)\" = 0 ]; then "
         "chown \"$(stat -c %u:%g \"$d\")\" \"$t\"; fi\n";
  }
  return s;
}

// $m: the caller's umask; $t: temp file (removed on any failure); $d: dest.
std::string Prologue(const std::string& temp_path, const std::string& remote_path) {
  return "set -e\nm=$(umask)\numask 077\nt=" + ShellQuote(temp_path) +
         "\nd=" + ShellQuote(remote_path) + "\ntrap 'rm -f \"$t\"' EXIT\n";
}

// `sync FILE` fsyncs one file with coreutils >= 8.24; older tools sync all.
const char kSyncAndRename[] =
    "sync \"$t\" 2>/dev/null || sync\n"
    "mv -f \"$t\" \"$d\"\n"
    "trap - EXIT\n";

}  // namespace

std::string AtomicInstallScript(const std::string& remote_path, const FileAttributes& attrs) {
  return Prologue(TempNameBeside(remote_path), remote_path) + "cat > \"$t\"\n" +
         AttributeLines(attrs) + kSyncAndRename;
}

std::string AtomicInstallInlineScript(const std::string& content, const std::string& remote_path,
                                      const FileAttributes& attrs) {
  return Prologue(TempNameBeside(remote_path), remote_path) + "printf %s " + ShellQuote(content) +
         " > \"$t\"\n" + AttributeLines(attrs) + kSyncAndRename;
}

bool CanInline(const std::string& content) {
  return content.size() <= 64 * 1024 && content.find('\0') == std::string::npos;
}

std::string FinishInstallScript(const std::string& temp_path, const std::string& remote_path,
                                const FileAttributes& attrs) {
  return Prologue(temp_path, remote_path) + AttributeLines(attrs) + kSyncAndRename;
}

}  // namespace drover::connection
