// The wire between a drover run and a connection holder (persist_holder.h):
// frames on a Unix stream socket, each `type` (1 byte), payload length
// (4 bytes, little endian) and payload. A frame may carry one file
// descriptor (SCM_RIGHTS on its first byte): the read end of the pipe that
// streams a command's stdin. Payloads are built with Writer and read with
// Reader (u32, i64, bool, length-prefixed strings). Pure framing and
// encoding; what each message means is in persist_holder.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connection/connection.h"
#include "connection/ssh_options.h"
#include "core/error.h"

namespace drover::connection::persist {

inline constexpr uint32_t kProtocolVersion = 1;
// A frame larger than this is a protocol error (a stdout chunk is at most
// 64 KiB; a collected stdout travels in one result frame).
inline constexpr uint32_t kMaxPayload = 1u << 30;

enum Type : char {
  kConfig = 'C',      // run -> new holder (spawn pipe): socket path, idle seconds, target
  kSpawnReply = 'S',  // new holder -> run: connect outcome, notices
  kHello = 'h',       // run -> holder: protocol version
  kHelloReply = 'H',  // holder -> run: state, host key seen, machine key, notices
  kRun = 'r',         // run -> holder: script, has stdin (fd attached), has sink, deadline
  kStdout = 'O',      // holder -> run: one stdout chunk (runs with a sink)
  kResult = 'X',      // holder -> run: the script's outcome
};

class Writer {
 public:
  Writer& U32(uint32_t v);
  Writer& I64(int64_t v);
  Writer& Bool(bool v) { return U32(v ? 1 : 0); }
  Writer& Str(std::string_view s);
  Writer& OptStr(const std::optional<std::string>& s);
  Writer& Strs(const std::vector<std::string>& v);
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

// Reads fields in the order written; every call returns false (and the
// reader stays failed) on truncated or malformed input.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool U32(uint32_t* v);
  bool I64(int64_t* v);
  bool Bool(bool* v);
  bool Str(std::string* s);
  bool OptStr(std::optional<std::string>* s);
  bool Strs(std::vector<std::string>* v);
  bool ok() const { return ok_; }
  bool AtEnd() const { return ok_ && pos_ == data_.size(); }

 private:
  bool Take(size_t n, const char** p);
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The 5-byte frame header for `type` and `length`.
std::string FrameHeader(char type, uint32_t length);
// Parses a header; false when the length exceeds kMaxPayload.
bool ParseFrameHeader(std::string_view header, char* type, uint32_t* length);

struct Frame {
  char type = 0;
  std::string payload;
  int fd = -1;  // a received descriptor, owned by the caller
};

// Sends one frame (MSG_NOSIGNAL; `pass_fd` >= 0 is sent along with it).
Status SendFrame(int sock, char type, std::string_view payload, int pass_fd = -1);

enum class Recv { kOk, kEof, kTimeout, kError };
// Waits up to `timeout_ms` (-1: forever) for a frame to start, then reads
// it whole. kEof: the peer closed before a frame began.
Recv RecvFrame(int sock, int timeout_ms, Frame* out);

// SshTarget with its secrets (password, key passphrases): only for the
// spawn pipe, never a file or a command line.
std::string EncodeTarget(const SshTarget& t);
bool DecodeTarget(Reader* r, SshTarget* t);

// A digest of the target's password and key passphrases (in memory only):
// a holder serves a run only when the run gives the credentials its login
// used, so a wrong or missing password fails as without persistence.
std::string CredentialDigest(const SshTarget& t);

// A script's outcome as the holder reports it. `holder_done`: the holder
// closed its session (transport failure, timeout, interrupt) and exits.
struct Outcome {
  std::optional<Error> error;
  ExecResult result;
  std::string machine_key;
  bool host_key_changed = false;
  bool holder_done = false;
};
std::string EncodeOutcome(const Outcome& o);
bool DecodeOutcome(std::string_view payload, Outcome* o);

std::string EncodeError(const Error& e);
bool DecodeError(Reader* r, Error* e);

}  // namespace drover::connection::persist
