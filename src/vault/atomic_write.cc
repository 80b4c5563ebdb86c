#include "vault/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace drover::vault {

namespace {

std::string ResolvedPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) != nullptr) return buf;
  return path;  // a new file: write where asked
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view data, mode_t mode,
                           bool keep_mode) {
  const std::string target = ResolvedPath(path);
  const size_t slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
  const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string tmp = (dir.empty() ? std::string() : dir) + "/." + base + ".drover-XXXXXX";
  if (slash == 0) tmp = "/." + base + ".drover-XXXXXX";
  auto fail = [&path](const std::string& what) {
    return MakeError("could not write " + path + ": " + what + ": " + std::strerror(errno));
  };

  struct stat old {};
  const bool exists = stat(target.c_str(), &old) == 0;
  if (exists && !S_ISREG(old.st_mode)) {
    // A device or pipe (--output /dev/stdout) is written through; there is
    // nothing to replace, and its directory (/dev) is not ours to write in.
    if (S_ISDIR(old.st_mode)) return MakeError("could not write " + path + ": it is a directory");
    const int out = open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (out < 0) return fail("cannot open");
    size_t written = 0;
    while (written < data.size()) {
      const ssize_t n = write(out, data.data() + written, data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(out);
        return fail("write failed");
      }
      written += static_cast<size_t>(n);
    }
    close(out);
    return {};
  }
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return fail("cannot create a temporary file in " + dir);
  const mode_t final_mode = keep_mode && exists ? (old.st_mode & 07777) : mode;
  bool ok = fchmod(fd, final_mode) == 0;
  if (ok && keep_mode && exists && geteuid() == 0) {
    ok = fchown(fd, old.st_uid, old.st_gid) == 0;
  }
  size_t done = 0;
  while (ok && done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n > 0) done += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  const int saved_errno = errno;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp.c_str(), target.c_str()) != 0) {
    if (ok) {
      Error e = fail("rename failed");
      unlink(tmp.c_str());
      return e;
    }
    errno = saved_errno;
    Error e = fail("write failed");
    unlink(tmp.c_str());
    return e;
  }
  return {};
}

}  // namespace drover::vault
