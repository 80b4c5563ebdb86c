#include "core/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace drover {

struct Digest::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(const std::string& algorithm) : state_(std::make_unique<State>()) {
  const EVP_MD* md = algorithm == "md5"      ? EVP_md5()
                     : algorithm == "sha256" ? EVP_sha256()
                                             : EVP_sha1();
  EVP_DigestInit_ex(state_->ctx, md, nullptr);
}

Digest::~Digest() = default;

void Digest::Update(std::string_view data) {
  EVP_DigestUpdate(state_->ctx, data.data(), data.size());
}

std::string Digest::HexFinal() {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, buf, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[buf[i] >> 4];
    out += hex[buf[i] & 15];
  }
  return out;
}

std::string HexDigestOf(const std::string& algorithm, std::string_view data) {
  Digest d(algorithm);
  d.Update(data);
  return d.HexFinal();
}

Result<FileDigests> DigestLocalFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError("cannot read " + path + ": " + std::strerror(errno));
  Digest sha1("sha1"), md5("md5");
  FileDigests r;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = MakeError("cannot read " + path + ": " + std::strerror(errno));
      close(fd);
      return e;
    }
    if (n == 0) break;
    sha1.Update({buf, static_cast<size_t>(n)});
    md5.Update({buf, static_cast<size_t>(n)});
    r.size += static_cast<uint64_t>(n);
  }
  close(fd);
  r.sha1 = sha1.HexFinal();
  r.md5 = md5.HexFinal();
  return r;
}

}  // namespace drover
