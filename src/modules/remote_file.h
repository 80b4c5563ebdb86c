// Reading a host file for the controller (slurp, fetch): one round trip that
// classifies the path as Ansible's slurp does (directory, missing,
// unreadable), optionally checksums it on the host and skips sending the
// bytes when they match what the controller already has. The bytes travel
// raw on stdout (binary-safe, any size).
#pragma once

#include <string>

#include "modules/module.h"

namespace drover::modules {

struct RemoteReadOptions {
  bool checksum = false;     // sha1 of the file, computed on the host
  std::string unless_sha1;   // with checksum: send no bytes when equal (state kSame)
  bool send_content = true;  // false: classify and checksum only (state kDiffers)
  // When set, the file's bytes (state kRead) are passed here chunk by chunk
  // as they arrive (constant memory) instead of collected in `content`.
  connection::OutputSink content_sink;
};

struct RemoteRead {
  enum class State { kRead, kSame, kDiffers, kMissing, kDirectory, kUnreadable, kError };
  State state = State::kError;
  // For the failure states: slurp's message ("file not found: PATH", ...).
  std::string error;
  std::string sha1;     // when asked for
  std::string content;  // kRead only, without content_sink
};

// Reads `path` on the task's host (with its become and environment). An
// Error only when the host could not be used; a file that cannot be read
// comes back as a state with `error` set.
Result<RemoteRead> ReadRemoteFile(RunContext& ctx, const std::string& path,
                                  const RemoteReadOptions& options = {});

// The generated script (exposed for tests).
std::string RemoteReadScript(const std::string& path, const RemoteReadOptions& options);

// Python's os.path.normpath for POSIX paths (lexical: "..", ".", "//").
std::string PythonNormPath(const std::string& path);

// fetch's local path, as Ansible's fetch action computes it: with `flat`,
// `dest` (dest ending in '/' gets src's basename); otherwise
// dest/<hostname>/<src>. A relative dest is under `base_dir` (the
// playbook's directory), "~" is this user's home; the result is normalized.
std::string FetchLocalDest(const std::string& src, const std::string& dest, bool flat,
                           const std::string& hostname, const std::string& base_dir);

// Standard base64 with padding, no line breaks (Python's base64.b64encode).
std::string Base64Encode(const std::string& bytes);

}  // namespace drover::modules
