#include "connection/persist_protocol.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/digest.h"

namespace drover::connection::persist {

Writer& Writer::U32(uint32_t v) {
  for (int i = 0; i < 4; ++i) data_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return *this;
}

Writer& Writer::I64(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  U32(static_cast<uint32_t>(u & 0xffffffffu));
  return U32(static_cast<uint32_t>(u >> 32));
}

Writer& Writer::Str(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  data_.append(s);
  return *this;
}

Writer& Writer::OptStr(const std::optional<std::string>& s) {
  Bool(s.has_value());
  if (s) Str(*s);
  return *this;
}

Writer& Writer::Strs(const std::vector<std::string>& v) {
  U32(static_cast<uint32_t>(v.size()));
  for (const std::string& s : v) Str(s);
  return *this;
}

bool Reader::Take(size_t n, const char** p) {
  if (!ok_ || data_.size() - pos_ < n) return ok_ = false;
  *p = data_.data() + pos_;
  pos_ += n;
  return true;
}

bool Reader::U32(uint32_t* v) {
  const char* p = nullptr;
  if (!Take(4, &p)) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return true;
}

bool Reader::I64(int64_t* v) {
  uint32_t lo = 0, hi = 0;
  if (!U32(&lo) || !U32(&hi)) return false;
  *v = static_cast<int64_t>((uint64_t{hi} << 32) | lo);
  return true;
}

bool Reader::Bool(bool* v) {
  uint32_t u = 0;
  if (!U32(&u)) return false;
  if (u > 1) return ok_ = false;
  *v = u == 1;
  return true;
}

bool Reader::Str(std::string* s) {
  uint32_t n = 0;
  const char* p = nullptr;
  if (!U32(&n) || !Take(n, &p)) return false;
  s->assign(p, n);
  return true;
}

bool Reader::OptStr(std::optional<std::string>* s) {
  bool has = false;
  if (!Bool(&has)) return false;
  if (!has) {
    s->reset();
    return true;
  }
  std::string v;
  if (!Str(&v)) return false;
  *s = std::move(v);
  return true;
}

bool Reader::Strs(std::vector<std::string>* v) {
  uint32_t n = 0;
  if (!U32(&n)) return false;
  v->clear();
  for (uint32_t i = 0; i < n; ++i) {
    std::string s;
    if (!Str(&s)) return false;
    v->push_back(std::move(s));
  }
  return true;
}

std::string FrameHeader(char type, uint32_t length) {
  Writer w;
  w.U32(length);
  return std::string(1, type) + w.data();
}

bool ParseFrameHeader(std::string_view header, char* type, uint32_t* length) {
  if (header.size() != 5) return false;
  *type = header[0];
  Reader r(header.substr(1));
  return r.U32(length) && *length <= kMaxPayload;
}

namespace {

bool WriteAll(int sock, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(sock, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; the first recvmsg may bring a descriptor.
// Returns bytes read before EOF/error when short.
size_t ReadAll(int sock, char* data, size_t size, int* fd) {
  size_t done = 0;
  while (done < size) {
    iovec iov{data + done, size - done};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (fd) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
    }
    const ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return done;
    if (fd) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
          int got = -1;
          std::memcpy(&got, CMSG_DATA(c), sizeof got);
          if (*fd >= 0) close(*fd);
          *fd = got;
        }
      }
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace

Status SendFrame(int sock, char type, std::string_view payload, int pass_fd) {
  const std::string header = FrameHeader(type, static_cast<uint32_t>(payload.size()));
  if (pass_fd >= 0) {
    iovec iov{const_cast<char*>(header.data()), 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof pass_fd);
    ssize_t n;
    do n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != 1) return MakeError(std::string("cannot send: ") + std::strerror(errno));
    if (!WriteAll(sock, header.data() + 1, header.size() - 1))
      return MakeError(std::string("cannot send: ") + std::strerror(errno));
  } else if (!WriteAll(sock, header.data(), header.size())) {
    return MakeError(std::string("cannot send: ") + std::strerror(errno));
  }
  if (!WriteAll(sock, payload.data(), payload.size()))
    return MakeError(std::string("cannot send: ") + std::strerror(errno));
  return {};
}

Recv RecvFrame(int sock, int timeout_ms, Frame* out) {
  pollfd p{sock, POLLIN, 0};
  int ready;
  do ready = poll(&p, 1, timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready < 0) return Recv::kError;
  if (ready == 0) return Recv::kTimeout;
  char header[5];
  out->fd = -1;
  const size_t got = ReadAll(sock, header, sizeof header, &out->fd);
  if (got == 0) return Recv::kEof;
  uint32_t length = 0;
  if (got != sizeof header || !ParseFrameHeader({header, sizeof header}, &out->type, &length)) {
    return Recv::kError;
  }
  out->payload.resize(length);
  if (ReadAll(sock, out->payload.data(), length, nullptr) != length) return Recv::kError;
  return Recv::kOk;
}

std::string EncodeTarget(const SshTarget& t) {
  Writer w;
  w.Str(t.name).Str(t.address).Bool(t.port.has_value()).U32(t.port ? *t.port : 0);
  w.OptStr(t.user).Strs(t.identity_files).OptStr(t.password);
  w.U32(static_cast<uint32_t>(t.key_passphrases.size()));
  for (const auto& [k, v] : t.key_passphrases) w.Str(k).Str(v);
  w.U32(static_cast<uint32_t>(t.connect_timeout_s))
      .U32(static_cast<uint32_t>(t.keepalive_interval_s))
      .U32(static_cast<uint32_t>(t.keepalive_count_max));
  w.OptStr(t.known_hosts_file).OptStr(t.global_known_hosts_file);
  w.U32(static_cast<uint32_t>(t.host_key_policy));
  w.OptStr(t.proxy_jump).OptStr(t.proxy_command);
  w.Bool(t.compression.has_value()).Bool(t.compression.value_or(false));
  w.OptStr(t.config_file).Strs(t.ignored_options);
  return w.data();
}

bool DecodeTarget(Reader* r, SshTarget* t) {
  bool has_port = false, has_compression = false, compression = false;
  uint32_t port = 0, n = 0, timeout = 0, interval = 0, count = 0, policy = 0;
  if (!r->Str(&t->name) || !r->Str(&t->address) || !r->Bool(&has_port) || !r->U32(&port) ||
      !r->OptStr(&t->user) || !r->Strs(&t->identity_files) || !r->OptStr(&t->password) ||
      !r->U32(&n)) {
    return false;
  }
  if (has_port) t->port = static_cast<int>(port);
  for (uint32_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!r->Str(&k) || !r->Str(&v)) return false;
    t->key_passphrases[k] = v;
  }
  if (!r->U32(&timeout) || !r->U32(&interval) || !r->U32(&count) ||
      !r->OptStr(&t->known_hosts_file) || !r->OptStr(&t->global_known_hosts_file) ||
      !r->U32(&policy) || policy > static_cast<uint32_t>(HostKeyPolicy::kOff) ||
      !r->OptStr(&t->proxy_jump) || !r->OptStr(&t->proxy_command) || !r->Bool(&has_compression) ||
      !r->Bool(&compression) || !r->OptStr(&t->config_file) || !r->Strs(&t->ignored_options)) {
    return false;
  }
  t->connect_timeout_s = static_cast<int>(timeout);
  t->keepalive_interval_s = static_cast<int>(interval);
  t->keepalive_count_max = static_cast<int>(count);
  t->host_key_policy = static_cast<HostKeyPolicy>(policy);
  if (has_compression) t->compression = compression;
  return true;
}

std::string CredentialDigest(const SshTarget& t) {
  Writer w;
  w.OptStr(t.password).U32(static_cast<uint32_t>(t.key_passphrases.size()));
  for (const auto& [k, v] : t.key_passphrases) w.Str(k).Str(v);
  return HexDigestOf("sha256", w.data());
}

std::string EncodeError(const Error& e) {
  Writer w;
  w.U32(static_cast<uint32_t>(e.code)).Str(e.message).Str(e.detail);
  return w.data();
}

bool DecodeError(Reader* r, Error* e) {
  uint32_t code = 0;
  if (!r->U32(&code) || !r->Str(&e->message) || !r->Str(&e->detail)) return false;
  e->code = static_cast<ExitCode>(code);
  return true;
}

std::string EncodeOutcome(const Outcome& o) {
  Writer w;
  w.Bool(o.error.has_value());
  std::string out = w.data();
  if (o.error) {
    out += EncodeError(*o.error);
  } else {
    Writer r;
    r.I64(o.result.exit_status).Str(o.result.stdout_data).Str(o.result.stderr_data);
    out += r.data();
  }
  Writer tail;
  tail.Str(o.machine_key).Bool(o.host_key_changed).Bool(o.holder_done);
  return out + tail.data();
}

bool DecodeOutcome(std::string_view payload, Outcome* o) {
  Reader r(payload);
  bool failed = false;
  if (!r.Bool(&failed)) return false;
  if (failed) {
    Error e;
    if (!DecodeError(&r, &e)) return false;
    o->error = std::move(e);
  } else {
    int64_t status = 0;
    if (!r.I64(&status) || !r.Str(&o->result.stdout_data) || !r.Str(&o->result.stderr_data))
      return false;
    o->result.exit_status = static_cast<int>(status);
  }
  return r.Str(&o->machine_key) && r.Bool(&o->host_key_changed) && r.Bool(&o->holder_done) &&
         r.AtEnd();
}

}  // namespace drover::connection::persist
