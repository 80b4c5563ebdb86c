#include "connection/persist_holder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "connection/persist_protocol.h"
#include "connection/ssh_connection.h"
#include "core/interrupt.h"

namespace drover::connection::persist {

namespace {

using Clock = std::chrono::steady_clock;

struct HolderConfig {
  std::string path;
  int64_t idle_s = 60;
  SshTarget target;
};

bool SocketIsOurs(const std::string& path, ino_t ino) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && st.st_ino == ino;
}

// Binds under a temporary name, then renames into place, so a client never
// finds a path that does not accept yet. Returns the listening socket.
int Listen(const std::string& path, ino_t* ino) {
  const std::string tmp = path + ".new" + std::to_string(getpid());
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (tmp.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, tmp.c_str(), tmp.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  unlink(tmp.c_str());
  struct stat st {};
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      chmod(tmp.c_str(), 0600) != 0 || listen(fd, 8) != 0 ||
      rename(tmp.c_str(), path.c_str()) != 0 || stat(path.c_str(), &st) != 0) {
    unlink(tmp.c_str());
    close(fd);
    return -1;
  }
  *ino = st.st_ino;
  return fd;
}

bool PeerIsUs(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid();
}

// Sets the process's interrupt flag (SshConnection then stops the command
// on the host) when the client hangs up while a script runs.
class HangupWatch {
 public:
  explicit HangupWatch(int client) {
    if (pipe2(wake_, O_CLOEXEC) != 0) return;
    thread_ = std::thread([client, w = wake_[0]] {
      pollfd p[2] = {{client, POLLRDHUP, 0}, {w, POLLIN, 0}};
      while (poll(p, 2, -1) < 0 && errno == EINTR) {
      }
      if (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLIN)) RequestInterrupt();
    });
  }
  ~HangupWatch() {
    if (thread_.joinable()) {
      (void)!write(wake_[1], "x", 1);
      thread_.join();
    }
    for (int fd : wake_)
      if (fd >= 0) close(fd);
  }

 private:
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

// Runs one kRun request; false when the holder must exit afterwards.
bool RunRequest(SshConnection& conn, int client, Frame& frame) {
  Reader r(frame.payload);
  std::string script;
  bool has_stdin = false, has_sink = false;
  int64_t deadline_ms = -1;
  const int stdin_fd = frame.fd;
  frame.fd = -1;
  if (!r.Str(&script) || !r.Bool(&has_stdin) || !r.Bool(&has_sink) || !r.I64(&deadline_ms) ||
      !r.AtEnd() || has_stdin != (stdin_fd >= 0)) {
    if (stdin_fd >= 0) close(stdin_fd);
    return false;
  }
  std::optional<StdinStream> in;
  if (has_stdin) in.emplace("", nullptr, stdin_fd);
  OutputSink sink = [client](std::string_view chunk) { return SendFrame(client, kStdout, chunk); };
  ScriptIo io;
  io.stdin = in ? &*in : nullptr;
  io.stdout_sink = has_sink ? &sink : nullptr;
  if (deadline_ms >= 0) io.deadline = Clock::now() + std::chrono::milliseconds(deadline_ms);
  Outcome o;
  {
    HangupWatch watch(client);
    auto result = conn.RunScriptNow(script, io);
    if (result.ok()) {
      o.result = std::move(*result);
    } else {
      o.error = result.take_error();
    }
  }
  if (stdin_fd >= 0) close(stdin_fd);
  o.machine_key = conn.MachineKey();
  o.host_key_changed = !conn.MaySendSecrets();
  o.holder_done = Interrupted() || !conn.Connected();
  if (!SendFrame(client, kResult, EncodeOutcome(o))) return false;
  return !o.holder_done;
}

// Serves one client until it leaves; false when the holder must exit.
bool ServeClient(SshConnection& conn, int client, const std::string& credentials,
                 const std::vector<std::string>& notices) {
  Frame f;
  if (RecvFrame(client, 5000, &f) != Recv::kOk || f.type != kHello) return true;
  Reader hello(f.payload);
  uint32_t version = 0;
  std::string digest;
  if (!hello.U32(&version) || version != kProtocolVersion || !hello.Str(&digest)) return true;
  if (digest != credentials) {
    Writer other;
    other.U32(3);  // other credentials: the run logs in itself
    (void)SendFrame(client, kHelloReply, other.data());
    return true;
  }
  const bool alive = conn.SessionAlive();
  const SshConnection::SeenHostKey& key = conn.seen_host_key();
  Writer w;
  w.U32(alive ? 0 : 2).Str(key.host).U32(static_cast<uint32_t>(key.port)).Strs(key.files);
  w.Str(key.key_type).Str(key.key_base64).U32(static_cast<uint32_t>(key.verdict));
  w.Bool(!conn.MaySendSecrets()).Strs(notices);
  if (!SendFrame(client, kHelloReply, w.data()) || !alive) return alive;
  for (;;) {
    Frame req;
    const Recv got = RecvFrame(client, -1, &req);
    if (got == Recv::kEof) return true;
    if (got != Recv::kOk || req.type != kRun) {
      if (req.fd >= 0) close(req.fd);
      return true;
    }
    if (!RunRequest(conn, client, req)) return false;
  }
}

bool ReadConfig(int control_fd, HolderConfig* c) {
  Frame f;
  if (RecvFrame(control_fd, 30000, &f) != Recv::kOk || f.type != kConfig) return false;
  Reader r(f.payload);
  return r.Str(&c->path) && r.I64(&c->idle_s) && DecodeTarget(&r, &c->target) && r.AtEnd();
}

void Reply(int control_fd, uint32_t state, const Error* error,
           const std::vector<std::string>& notices) {
  Writer w;
  w.U32(state);
  std::string payload = w.data();
  if (error) payload += EncodeError(*error);
  Writer tail;
  tail.Strs(notices);
  (void)SendFrame(control_fd, kSpawnReply, payload + tail.data());
}

// Waits for clients until the idle timeout, the session's end or the loss
// of the socket path.
void Serve(SshConnection& conn, const HolderConfig& c, int listen_fd, ino_t ino,
           const std::vector<std::string>& notices) {
  auto idle_since = Clock::now();
  for (;;) {
    int wait_ms = 1000;
    if (c.idle_s > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          idle_since + std::chrono::seconds(c.idle_s) - Clock::now());
      if (left.count() <= 0) return;
      wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, left.count()));
    }
    pollfd p[2] = {{listen_fd, POLLIN, 0}, {conn.SocketFd(), POLLIN, 0}};
    if (poll(p, 2, wait_ms) < 0 && errno != EINTR) return;
    if (!SocketIsOurs(c.path, ino)) return;
    if (p[1].revents) {
      if (!conn.SessionAlive()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // no busy loop
    }
    if (!(p[0].revents & POLLIN)) continue;
    const int client = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const bool go_on =
        !PeerIsUs(client) || ServeClient(conn, client, CredentialDigest(c.target), notices);
    close(client);
    if (!go_on) return;
    idle_since = Clock::now();
  }
}

}  // namespace

int RunHolder(int control_fd) {
  setsid();
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  umask(077);
  if (chdir("/") != 0) return 2;  // hold no directory busy
  HolderConfig c;
  if (!ReadConfig(control_fd, &c)) return 2;
  ConnectionNotices notices;
  SshConnection conn(c.target, &notices);
  Status st = conn.Connect();
  std::vector<std::string> first = notices.Take();
  if (!st) {
    Reply(control_fd, 1, &st.error(), first);
    return 1;
  }
  ino_t ino = 0;
  const int listen_fd = Listen(c.path, &ino);
  if (listen_fd < 0) {
    Reply(control_fd, 2, nullptr, first);
    return 1;
  }
  Reply(control_fd, 0, nullptr, first);
  close(control_fd);
  // Later runs see the notices a fresh connect would give them again; a
  // key added to known_hosts is added once.
  std::vector<std::string> replay;
  for (const std::string& n : first)
    if (n.rfind("added ", 0) != 0) replay.push_back(n);
  Serve(conn, c, listen_fd, ino, replay);
  if (SocketIsOurs(c.path, ino)) unlink(c.path.c_str());
  close(listen_fd);
  conn.Close();
  return 0;
}

}  // namespace drover::connection::persist
