// Message digests (sha1, md5, sha256) of memory or of a local file, as
// lowercase hex. Files are read in fixed-size chunks: constant memory
// whatever their size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drover {

// An incremental digest: Update any number of times, then HexFinal once.
class Digest {
 public:
  explicit Digest(const std::string& algorithm);  // "sha1", "md5" or "sha256"
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void Update(std::string_view data);
  std::string HexFinal();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Lowercase hex digest of `data`.
std::string HexDigestOf(const std::string& algorithm, std::string_view data);

// Size, sha1 and md5 of a local file, read once in chunks.
struct FileDigests {
  uint64_t size = 0;
  std::string sha1;
  std::string md5;
};
Result<FileDigests> DigestLocalFile(const std::string& path);

}  // namespace drover
