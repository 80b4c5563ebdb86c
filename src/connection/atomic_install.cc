#include "connection/atomic_install.h"

#include <cstdio>
#include <random>

#include "connection/shell.h"
#include "core/digest.h"

namespace drover::connection {

namespace {

struct SplitPath {
  std::string dir;  // with its trailing slash, or empty
  std::string base;
};

SplitPath Split(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash + 1), path.substr(slash + 1)};
}

constexpr char kTempInfix[] = ".drover-";

}  // namespace

std::string TempNameBeside(const std::string& remote_path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const SplitPath p = Split(remote_path);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return p.dir + "." + p.base + kTempInfix + suffix + ".tmp";
}

ContentDigest DigestOf(const std::string& content) {
  return {content.size(), HexDigestOf("sha1", content)};
}

namespace {

// Every step: `__e=$(step 2>&1) || __drover_fail "$__e"`; no `set -e`.
std::string Step(const std::string& command, const std::string& what) {
  return "__e=$( { " + command + " ; } 2>&1) || __drover_fail \"${__e:-" + what + " failed}\"\n";
}

// Applies attrs to "$t" (the temp file) before the rename.
std::string AttributeLines(const FileAttributes& attrs) {
  std::string s;
  if (!attrs.mode.empty()) {
    s += Step("chmod " + ShellQuote(attrs.mode) + " \"$t\"", "chmod");
  } else {
    s += Step(
        "if [ -e \"$d\" ]; then chmod \"$(stat -c %a \"$d\")\" \"$t\"; "
        "else chmod \"$(printf %o $((0666 & ~0$m)))\" \"$t\"; fi",
        "chmod");
  }
  if (!attrs.owner.empty() || !attrs.group.empty()) {
    std::string spec = attrs.owner;
    if (!attrs.group.empty()) spec += ":" + attrs.group;
    s += Step("chown " + ShellQuote(spec) + " \"$t\"", "chown");
  } else {
    s += Step(
        "if [ -e \"$d\" ] && [ \"$(id -u)\" = 0 ]; then "
        "chown \"$(stat -c %u:%g \"$d\")\" \"$t\"; fi",
        "chown");
  }
  return s;
}

// $m: the caller's umask; $t: temp file (removed on any failure or signal);
// $d: dest; __drover_fail prints the failure line and exits 1.
std::string Header(const std::string& temp_path, const std::string& remote_path) {
  return "m=$(umask)\numask 077\nt=" + ShellQuote(temp_path) + "\nd=" + ShellQuote(remote_path) +
         "\n__drover_fail() { printf 'Failed to replace file: %s to %s: %s\\n' \"$t\" \"$d\" "
         "\"$1\" >&2; exit 1; }\n"
         "trap 'rm -f -- \"$t\"' EXIT\n"
         "trap 'exit 1' HUP INT TERM PIPE\n";
}

}  // namespace

std::string VerifyArrivalScript(const std::string& file, const ContentDigest& expect,
                                const std::string& fail) {
  const std::string size = std::to_string(expect.size);
  return "__n=$(wc -c < " + file + ") || " + fail +
         " 'cannot read back the temp file'\n"
         "[ \"$__n\" -eq " +
         size + " ] || " + fail + " \"only $__n of " + size +
         " bytes arrived\"\n"
         "if command -v sha1sum >/dev/null 2>&1; then\n"
         "  __s=$(sha1sum < " +
         file + ") || " + fail + " 'sha1sum failed'\n" + "  [ \"${__s%% *}\" = " + expect.sha1 +
         " ] || " + fail + " \"checksum mismatch: the host computed ${__s%% *}, " +
         "the controller sent " + expect.sha1 + "\"\nfi\n";
}

namespace {

// The temp file must be exactly what the controller sent.
std::string VerifyLines(const ContentDigest& expect) {
  return VerifyArrivalScript("\"$t\"", expect, "__drover_fail");
}

// `sync FILE` fsyncs one file with coreutils >= 8.24; older tools sync all.
const char kSyncAndRename[] =
    "sync \"$t\" 2>/dev/null || sync\n"
    "__e=$(mv -f -- \"$t\" \"$d\" 2>&1) || __drover_fail \"${__e:-mv failed}\"\n"
    "trap - EXIT HUP INT TERM PIPE\n";

}  // namespace

std::string AtomicInstallScript(const std::string& remote_path, const FileAttributes& attrs,
                                const ContentDigest& expect) {
  return StaleTempSweep(remote_path) + Header(TempNameBeside(remote_path), remote_path) +
         "__e=$(cat 2>&1 > \"$t\") || __drover_fail \"${__e:-write failed}\"\n" +
         VerifyLines(expect) + AttributeLines(attrs) + kSyncAndRename;
}

std::string AtomicInstallInlineScript(const std::string& content, const std::string& remote_path,
                                      const FileAttributes& attrs) {
  return StaleTempSweep(remote_path) + Header(TempNameBeside(remote_path), remote_path) +
         "__e=$(printf %s " + ShellQuote(content) +
         " 2>&1 > \"$t\") || __drover_fail \"${__e:-write failed}\"\n" +
         VerifyLines(DigestOf(content)) + AttributeLines(attrs) + kSyncAndRename;
}

std::string StaleTempSweep(const std::string& remote_path) {
  const SplitPath p = Split(remote_path);
  return "rm -f -- " + ShellQuote(p.dir + "." + p.base + kTempInfix) + "*.tmp 2>/dev/null\n";
}

bool CanInline(const std::string& content) {
  return content.size() <= 64 * 1024 && content.find('\0') == std::string::npos;
}

std::string FinishInstallScript(const std::string& temp_path, const std::string& remote_path,
                                const FileAttributes& attrs,
                                const std::optional<ContentDigest>& expect) {
  std::string s = Header(temp_path, remote_path) +
                  "[ -f \"$t\" ] || __drover_fail 'the temp file is missing'\n";
  if (expect) s += VerifyLines(*expect);
  return s + AttributeLines(attrs) + kSyncAndRename;
}

std::string InstallFailureMessage(const std::string& remote_path, const std::string& stderr_text) {
  const size_t at = stderr_text.rfind("Failed to replace file: ");
  std::string msg = at != std::string::npos
                        ? stderr_text.substr(at)
                        : "Failed to replace file: " + remote_path + ": " + stderr_text;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace drover::connection
