#include "connection/persisted_connection.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "connection/handshake_gate.h"
#include "connection/known_hosts.h"
#include "connection/persist_protocol.h"
#include "core/digest.h"
#include "core/interrupt.h"

namespace drover::connection {

using namespace persist;
using Clock = std::chrono::steady_clock;

namespace {

// OpenSSH's time format: 60, 60s, 10m, 1h30m (s m h d w).
std::optional<int> ParseSshTime(const std::string& text) {
  if (text.empty()) return std::nullopt;
  long total = 0, number = -1;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 100000000) return std::nullopt;
      continue;
    }
    static const std::string units = "smhdw";
    static const long factor[] = {1, 60, 3600, 86400, 604800};
    const size_t u = units.find(static_cast<char>(std::tolower(c)));
    if (u == std::string::npos || number < 0) return std::nullopt;
    total += number * factor[u];
    number = -1;
  }
  if (number >= 0) total += number;
  return static_cast<int>(std::min<long>(total, 100000000));
}

// The value of `-o Key=Value` / `-oKey Value` options named `key` in ssh
// command-line text (the last one given wins, as ssh's first-wins for
// config files does not apply to repeated -o... ssh takes the first).
std::optional<std::string> SshOption(const std::string& args, const std::string& key) {
  std::vector<std::string> words;
  std::string w;
  for (char c : args + " ") {
    if (c == ' ' || c == '\t' || c == '\'' || c == '"') {
      if (c == ' ' || c == '\t') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      }
      continue;
    }
    w.push_back(c);
  }
  for (size_t i = 0; i < words.size(); ++i) {
    std::string o;
    if (words[i] == "-o" && i + 1 < words.size()) {
      o = words[i + 1];
      // "-o Key Value" (quoted): the value is the next word.
      if (o.find('=') == std::string::npos && i + 2 < words.size()) o += "=" + words[i + 2];
    } else if (words[i].rfind("-o", 0) == 0 && words[i].size() > 2) {
      o = words[i].substr(2);
    } else {
      continue;
    }
    const size_t eq = o.find('=');
    if (eq == std::string::npos) continue;
    std::string k = o.substr(0, eq);
    for (char& c : k) c = static_cast<char>(std::tolower(c));
    std::string lower_key = key;
    for (char& c : lower_key) c = static_cast<char>(std::tolower(c));
    if (k == lower_key) return o.substr(eq + 1);  // ssh: the first value given wins
  }
  return std::nullopt;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

int DialSocket(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// The holder behind a connected socket, when it runs as this user.
std::optional<pid_t> PeerPid(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != getuid())
    return std::nullopt;
  return cred.pid;
}

// The directory must be ours and private (0700), as OpenSSH requires of
// a ControlPath's directory; it is made when missing.
Status PrepareDir(const std::string& dir) {
  if (dir.empty()) return MakeError("no control_path_dir (HOME unset)");
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at == dir.size() || dir[at] == '/') {
      const std::string part = dir.substr(0, at);
      if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
        return MakeError("cannot create " + part + ": " + std::strerror(errno));
    }
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
      (st.st_mode & 077) != 0) {
    return MakeError(dir + " is not a directory private to this user (mode 0700)");
  }
  return {};
}

}  // namespace

Result<std::optional<int>> PersistIdleSeconds(const char* drover_persist,
                                              const std::string& ssh_args) {
  if (drover_persist && *drover_persist) {
    const std::string v = drover_persist;
    if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 8)
      return MakeError("DROVER_PERSIST must be 0 (off) or a number of seconds, not '" + v + "'");
    const int s = std::stoi(v);
    if (s == 0) return std::optional<int>();
    return std::optional<int>(s);
  }
  const std::string args =
      ssh_args.empty() ? "-C -o ControlMaster=auto -o ControlPersist=60s" : ssh_args;
  const auto master = SshOption(args, "ControlMaster");
  if (!master || Lower(*master) == "no") return std::optional<int>();
  const auto persist = SshOption(args, "ControlPersist");
  if (!persist) return std::optional<int>();
  const std::string p = Lower(*persist);
  if (p == "no") return std::optional<int>();
  if (p == "yes") return std::optional<int>(0);
  const auto seconds = ParseSshTime(p);
  if (!seconds) return MakeError("ssh_args: cannot read ControlPersist=" + *persist);
  // ControlPersist=0 keeps the master forever, as "yes".
  return std::optional<int>(*seconds);
}

std::string HolderSocketPath(const std::string& dir, const SshTarget& target) {
  SshTarget shape = target;
  shape.password.reset();
  shape.key_passphrases.clear();
  return dir + "/drover-" + HexDigestOf("sha256", EncodeTarget(shape)).substr(0, 24);
}

int StopHolders(const std::string& dir) {
  int stopped = 0;
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  std::vector<std::string> paths;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("drover-", 0) == 0) paths.push_back(dir + "/" + name);
  }
  closedir(d);
  for (const std::string& path : paths) {
    const int fd = DialSocket(path);
    if (fd >= 0) {
      if (auto pid = PeerPid(fd); pid && kill(*pid, SIGTERM) == 0) ++stopped;
      close(fd);
    }
    unlink(path.c_str());
  }
  return stopped;
}

PersistedConnection::PersistedConnection(SshTarget target, ConnectionNotices* notices,
                                         std::string dir, int idle_s)
    : target_(std::move(target)), notices_(notices), dir_(std::move(dir)), idle_s_(idle_s) {}

PersistedConnection::~PersistedConnection() {
  Close();
}

void PersistedConnection::Close() {
  if (sock_ >= 0) close(sock_);
  sock_ = -1;
  direct_.reset();
  host_key_changed_ = false;
  machine_key_.clear();
  if (holder_pid_ > 0 && waitpid(holder_pid_, nullptr, WNOHANG) != 0) holder_pid_ = -1;
}

bool PersistedConnection::MaySendSecrets() const {
  return direct_ ? direct_->MaySendSecrets() : !host_key_changed_;
}

std::string PersistedConnection::MachineKey() const {
  return direct_ ? direct_->MachineKey() : machine_key_;
}

Status PersistedConnection::UseDirect() {
  direct_ = std::make_unique<SshConnection>(target_, notices_);
  return direct_->Connect();
}

void PersistedConnection::DropHolder() {
  if (sock_ >= 0) close(sock_);
  sock_ = -1;
}

Status PersistedConnection::Connect() {
  if (sock_ >= 0) return {};
  if (direct_) return direct_->Connect();
  if (Status st = PrepareDir(dir_); !st) {
    notices_->Warn("connection persistence is off (DROVER_PERSIST=0 silences this): " +
                   st.error().message);
    return UseDirect();
  }
  const std::string path = HolderSocketPath(dir_, target_);
  bool spawned = false;
  for (int attempt = 0; attempt < 3; ++attempt) {
    switch (Dial(path, spawned)) {
      case Dialed::kReady: return {};
      case Dialed::kDirect: return UseDirect();
      case Dialed::kRetry: continue;
      case Dialed::kAbsent: break;
    }
    if (spawned) break;  // the holder it started went away at once
    auto s = Spawn(path);
    if (!s) return s.take_error();
    if (*s != Dialed::kReady) break;
    spawned = true;
  }
  return UseDirect();
}

// Connects to the holder at `path` and says hello. kRetry: the holder was
// stale or dead, or its host key no longer matches known_hosts (it is
// stopped and its socket removed).
PersistedConnection::Dialed PersistedConnection::Dial(const std::string& path, bool spawned) {
  const int fd = DialSocket(path);
  if (fd < 0) {
    if (errno == ECONNREFUSED) {
      unlink(path.c_str());  // a holder that died without removing it
      return Dialed::kRetry;
    }
    return Dialed::kAbsent;
  }
  const std::optional<pid_t> pid = PeerPid(fd);
  Frame reply;
  Writer hello;
  hello.U32(kProtocolVersion).Str(CredentialDigest(target_));
  // A holder serving another run does not answer: connect directly.
  if (!pid || !SendFrame(fd, kHello, hello.data()) || RecvFrame(fd, 1000, &reply) != Recv::kOk ||
      reply.type != kHelloReply) {
    close(fd);
    return Dialed::kDirect;
  }
  Reader r(reply.payload);
  uint32_t state = 0, port = 0, verdict = 0;
  if (Reader peek(reply.payload); peek.U32(&state) && state == 3) {
    close(fd);  // a holder logged in with other credentials: as without one
    return Dialed::kDirect;
  }
  SshConnection::SeenHostKey key;
  bool changed = false;
  std::vector<std::string> notices;
  if (!r.U32(&state) || !r.Str(&key.host) || !r.U32(&port) || !r.Strs(&key.files) ||
      !r.Str(&key.key_type) || !r.Str(&key.key_base64) || !r.U32(&verdict) || !r.Bool(&changed) ||
      !r.Strs(&notices) || state != 0) {
    close(fd);
    unlink(path.c_str());
    return Dialed::kRetry;
  }
  // known_hosts as it is now must give the verdict the holder's login had:
  // a key removed, changed or revoked since then ends the holder, and the
  // new login reports it exactly as a direct one would.
  const auto now =
      KnownHostsCheck(key.host, static_cast<int>(port), key.files, key.key_type, key.key_base64);
  if (static_cast<uint32_t>(now.state) != verdict) {
    kill(*pid, SIGTERM);
    close(fd);
    unlink(path.c_str());
    return Dialed::kRetry;
  }
  if (!spawned)
    for (const std::string& n : notices) notices_->Warn(n);
  sock_ = fd;
  host_key_changed_ = changed;
  return Dialed::kReady;
}

Result<PersistedConnection::Dialed> PersistedConnection::Spawn(const std::string& path) {
  HandshakeSlot slot;  // the holder's login counts against the run's handshake limit
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return Dialed::kAbsent;
  // The holder's environment: what a login and a ProxyCommand need, nothing
  // else (the run's environment may hold secrets).
  std::vector<std::string> env_text;
  for (char** e = environ; e && *e; ++e) {
    const std::string v = *e;
    static const char* const keep[] = {
        "HOME=", "PATH=",   "USER=",          "LOGNAME=", "LANG=",
        "LC_",   "TMPDIR=", "SSH_AUTH_SOCK=", "TERM=",    "DROVER_SSH_HANDSHAKES="};
    for (const char* k : keep)
      if (v.rfind(k, 0) == 0) env_text.push_back(v);
  }
  std::vector<char*> envp;
  for (std::string& v : env_text) envp.push_back(v.data());
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Async-signal-safe calls only (the run is threaded), then exec.
    setsid();
    const int keep = fcntl(sv[1], F_DUPFD, 10);
    const int null = open("/dev/null", O_RDWR);
    if (keep < 0 || null < 0) _exit(127);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    dup2(keep, 3);
    close_range(4, ~0u, 0);
    char* const argv[] = {const_cast<char*>("drover"), const_cast<char*>("persist"),
                          const_cast<char*>("--holder"), const_cast<char*>("3"), nullptr};
    execve("/proc/self/exe", argv, envp.data());
    _exit(127);
  }
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return Dialed::kAbsent;
  }
  Writer config;
  config.Str(path).I64(idle_s_);
  Frame reply;
  Recv got = Recv::kError;
  if (SendFrame(sv[0], kConfig, config.data() + EncodeTarget(target_))) {
    while ((got = RecvFrame(sv[0], 200, &reply)) == Recv::kTimeout && !Interrupted()) {
    }
  }
  close(sv[0]);
  uint32_t state = 2;
  Error error;
  std::vector<std::string> notices;
  Reader r(reply.payload);
  const bool read = got == Recv::kOk && reply.type == kSpawnReply && r.U32(&state) &&
                    (state != 1 || DecodeError(&r, &error)) && r.Strs(&notices);
  for (const std::string& n : notices) notices_->Warn(n);
  if (!read || state != 0) {
    if (got == Recv::kTimeout) kill(pid, SIGTERM);  // interrupted while it connects
    waitpid(pid, nullptr, 0);
    if (Interrupted()) return MakeError("interrupted by the user");
    if (read && state == 1) return error;  // the host's answer, as a direct login's
    return Dialed::kAbsent;
  }
  holder_pid_ = pid;
  return Dialed::kReady;
}

Result<ExecResult> PersistedConnection::RunScript(const std::string& script, const ScriptIo& io) {
  if (Interrupted()) return MakeError("interrupted by the user");  // start nothing new
  for (int attempt = 0;; ++attempt) {
    if (Status st = Connect(); !st) return st.take_error();
    if (direct_) return direct_->RunScriptNow(script, io);
    bool never_sent = false;
    auto result = RunThroughHolder(script, io, &never_sent);
    // Only a request the holder never received may go again (to a new one).
    if (result.ok() || !never_sent || attempt > 0) return result;
  }
}

Error PersistedConnection::Interrupt(int* stdin_pipe) {
  // The holder takes the hang-up for the user's interrupt and stops the
  // command on the host; its stdin ends only after that, so the host never
  // takes a cut input as complete before the interrupt is seen.
  shutdown(sock_, SHUT_WR);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (*stdin_pipe >= 0) close(*stdin_pipe);
  *stdin_pipe = -1;
  const auto give_up = Clock::now() + std::chrono::seconds(8);
  Frame f;
  while (Clock::now() < give_up) {
    const Recv got = RecvFrame(sock_, 200, &f);
    if (got == Recv::kEof || got == Recv::kError) break;
    if (f.fd >= 0) close(f.fd);
  }
  DropHolder();
  return MakeError("interrupted by the user (the command on " + target_.address + " was stopped)");
}

Result<ExecResult> PersistedConnection::RunThroughHolder(const std::string& script,
                                                         const ScriptIo& io, bool* never_sent) {
  int pipe_fds[2] = {-1, -1};
  if (io.stdin && pipe2(pipe_fds, O_CLOEXEC) != 0)
    return MakeError(std::string("cannot make a pipe: ") + std::strerror(errno));
  int& in = pipe_fds[1];
  if (in >= 0) fcntl(in, F_SETFL, O_NONBLOCK);
  int64_t deadline_ms = -1;
  if (io.deadline) {
    deadline_ms = std::max<int64_t>(
        0,
        std::chrono::duration_cast<std::chrono::milliseconds>(*io.deadline - Clock::now()).count());
  }
  Writer w;
  w.Str(script).Bool(io.stdin != nullptr).Bool(io.stdout_sink != nullptr).I64(deadline_ms);
  const bool sent = static_cast<bool>(SendFrame(sock_, kRun, w.data(), pipe_fds[0]));
  if (pipe_fds[0] >= 0) close(pipe_fds[0]);
  auto lost = [&](const std::string& why) -> Error {
    if (in >= 0) close(in);
    in = -1;
    DropHolder();
    Error e = MakeError("lost the connection to " + target_.address + ": " + why);
    e.code = ExitCode::kUnreachable;
    return e;
  };
  if (!sent) {
    *never_sent = true;
    return lost("its connection holder is gone");
  }
  std::string pending;  // stdin read but not yet in the pipe
  size_t pending_at = 0;
  std::optional<Error> sink_failure;
  for (;;) {
    if (Interrupted()) return Interrupt(&in);
    if (io.deadline && Clock::now() > *io.deadline + std::chrono::seconds(15)) {
      DropHolder();
      if (in >= 0) close(in);
      return MakeError("the command did not finish before the task's timeout");
    }
    pollfd p[2] = {{sock_, POLLIN, 0}, {in, POLLOUT, 0}};
    if (poll(p, in >= 0 ? 2 : 1, 200) < 0 && errno != EINTR) return lost(std::strerror(errno));
    if (in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      if (pending_at == pending.size()) {
        char buf[65536];
        Result<size_t> got = io.stdin->Read(buf, sizeof buf);
        if (!got) {
          // As a direct session: the host must never take the cut input as
          // complete; the holder drops its channel without EOF.
          Interrupt(&in);
          return got.take_error();
        }
        pending.assign(buf, *got);
        pending_at = 0;
        if (*got == 0) {
          close(in);
          in = -1;
          continue;
        }
      }
      const ssize_t n = write(in, pending.data() + pending_at, pending.size() - pending_at);
      if (n > 0) {
        pending_at += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        close(in);  // the command stopped reading: the holder tells how it ended
        in = -1;
      }
    }
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    Frame f;
    const Recv got = RecvFrame(sock_, 0, &f);
    if (got == Recv::kTimeout) continue;
    if (got != Recv::kOk) return lost("its connection holder exited");
    if (f.fd >= 0) close(f.fd);
    if (f.type == kStdout) {
      if (!io.stdout_sink || sink_failure) continue;
      if (Status st = (*io.stdout_sink)(f.payload); !st) sink_failure = st.take_error();
      continue;
    }
    Outcome o;
    if (f.type != kResult || !DecodeOutcome(f.payload, &o))
      return lost("bad answer from its holder");
    if (in >= 0) close(in);
    in = -1;
    machine_key_ = o.machine_key;
    host_key_changed_ = o.host_key_changed;
    if (o.holder_done) DropHolder();
    if (o.error) return *o.error;
    if (sink_failure) return *sink_failure;
    return std::move(o.result);
  }
}

}  // namespace drover::connection
