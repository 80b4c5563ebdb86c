#include "connection/ssh_connection.h"

#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>

#include "connection/handshake_gate.h"
#include "connection/known_hosts.h"
#include "connection/shell.h"
#include "core/interrupt.h"
#include "core/secrets.h"

namespace drover::connection {

void ConnectionNotices::Warn(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (seen_.insert(text).second) pending_.push_back(text);
}

std::vector<std::string> ConnectionNotices::Take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

namespace {

struct SessionFree {
  void operator()(ssh_session s) const {
    if (ssh_is_connected(s)) ssh_disconnect(s);
    ssh_free(s);
  }
};
struct ChannelFree {
  void operator()(ssh_channel c) const {
    if (ssh_channel_is_open(c)) ssh_channel_close(c);
    ssh_channel_free(c);
  }
};
struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelFree>;
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyFree>;

void InitLibsshOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A peer or ProxyCommand that goes away must be an error, not SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    ssh_init();
    std::atexit([] { ssh_finalize(); });
  });
}

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

std::string ExpandTilde(const std::string& path) {
  if (path.rfind("~/", 0) == 0) return HomeDir() + path.substr(1);
  return path;
}

// Probes a silent peer so a dead host is noticed within a bounded time even
// while a command prints nothing: TCP keepalive after `interval_s` idle,
// and unacknowledged data fails the socket after 3 intervals.
void SetKeepalive(int fd, int interval_s) {
  if (fd < 0 || interval_s <= 0) return;
  const int on = 1, count = 3;
  const unsigned int user_timeout_ms = static_cast<unsigned int>(interval_s) * 3000u;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &interval_s, sizeof interval_s);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

}  // namespace

struct SshConnection::Session {
  std::unique_ptr<ssh_session_struct, SessionFree> handle;
  // The persistent shell; declared after handle so it is freed first.
  ChannelPtr shell;
  // The shell runs as `/bin/sh -s drover-shell-<token>`: the name by which
  // an interrupt finds it (and its children) in the host's process list.
  std::string shell_token;
  ssh_session get() const { return handle.get(); }
  std::string error() const { return ssh_get_error(handle.get()); }
};

SshConnection::SshConnection(SshTarget target, ConnectionNotices* notices)
    : target_(std::move(target)),
      notices_(notices),
      marker_seed_(std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)) {
  if (target_.password) RegisterSecret(*target_.password);
}

SshConnection::~SshConnection() {
  Close();
}

void SshConnection::Close() {
  session_.reset();
  host_key_changed_ = false;
  machine_.reset();
}

std::string SshConnection::MachineKey() const {
  return machine_ ? machine_->Key() : std::string();
}

Error SshConnection::Unreachable(const std::string& message) {
  Close();
  Error e = MakeError(message);
  e.code = ExitCode::kUnreachable;
  return e;
}

Status SshConnection::Connect() {
  if (session_) return {};
  InitLibsshOnce();
  for (const std::string& o : target_.ignored_options) {
    notices_->Warn("ssh option not supported by drover, ignored: " + o);
  }
  auto session = std::make_unique<Session>();
  session->handle.reset(ssh_new());
  if (!session->handle) return Unreachable("cannot create an SSH session");
  ssh_session s = session->get();

  // Order matters (libssh 0.10): host, then ~/.ssh/config and
  // /etc/ssh/ssh_config, then our values, which win.
  ssh_options_set(s, SSH_OPTIONS_HOST, target_.address.c_str());
  const std::string config = target_.config_file ? ExpandTilde(*target_.config_file) : "";
  if (ssh_options_parse_config(s, config.empty() ? nullptr : config.c_str()) != SSH_OK) {
    return Unreachable("cannot read the ssh configuration: " + session->error());
  }
  if (target_.port) ssh_options_set(s, SSH_OPTIONS_PORT, &*target_.port);
  if (target_.user) ssh_options_set(s, SSH_OPTIONS_USER, target_.user->c_str());
  // SSH_OPTIONS_IDENTITY prepends: add in reverse so the first given is tried first.
  for (auto it = target_.identity_files.rbegin(); it != target_.identity_files.rend(); ++it) {
    ssh_options_set(s, SSH_OPTIONS_IDENTITY, ExpandTilde(*it).c_str());
  }
  if (target_.known_hosts_file) {
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, ExpandTilde(*target_.known_hosts_file).c_str());
  }
  if (target_.global_known_hosts_file) {
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
                    ExpandTilde(*target_.global_known_hosts_file).c_str());
  }
  const long timeout = target_.connect_timeout_s;
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  if (target_.proxy_command) {
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, target_.proxy_command->c_str());
  } else if (target_.proxy_jump) {
    // libssh 0.10 has no native ProxyJump: the same as OpenSSH's -J.
    const std::string command = "ssh -W '[%h]:%p' " + ShellQuote(*target_.proxy_jump);
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, command.c_str());
  }
  if (target_.compression) {
    ssh_options_set(s, SSH_OPTIONS_COMPRESSION, *target_.compression ? "yes" : "no");
  }
  // The host-key policy is ours, whatever the ssh config says.
  const int strict = 1;
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict);
  const int nodelay = 1;
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);

  std::string gate_warning;
  HandshakeLimit(&gate_warning);
  if (!gate_warning.empty()) notices_->Warn(gate_warning);
  HandshakeSlot slot;  // until authenticated: the connect timeout starts now
  if (ssh_connect(s) != SSH_OK) {
    return Unreachable("Failed to connect to the host via ssh: " + session->error());
  }
  session_ = std::move(session);
  if (Status st = VerifyHostKey(); !st) {
    Close();
    return st;
  }
  if (Status st = Authenticate(); !st) {
    Close();
    return st;
  }
  SetKeepalive(ssh_get_fd(session_->get()), target_.keepalive_interval_s);
  return {};
}

Status SshConnection::VerifyHostKey() {
  ssh_session s = session_->get();
  unsigned int port = 22;
  ssh_options_get_port(s, &port);
  ssh_key raw_key = nullptr;
  if (ssh_get_server_publickey(s, &raw_key) != SSH_OK) {
    return Unreachable("cannot read the host key of " + target_.address + ": " + session_->error());
  }
  KeyPtr key(raw_key);
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  std::string fingerprint = "(unknown)";
  if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == 0) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (fp) fingerprint = fp;
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
  }
  const std::string key_type = ssh_key_type_to_char(ssh_key_type(key.get()));
  // The address libssh connected to (a HostName from ssh config applies).
  std::string host = target_.address;
  if (char* h = nullptr; ssh_options_get(s, SSH_OPTIONS_HOST, &h) == SSH_OK && h) {
    host = h;
    ssh_string_free_char(h);
  }
  const std::string name = KnownHostsName(host, static_cast<int>(port));

  char* user_file = nullptr;
  char* global_file = nullptr;
  ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &user_file);
  ssh_options_get(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, &global_file);
  std::vector<std::string> files;
  if (user_file) files.push_back(user_file);
  if (global_file) files.push_back(global_file);
  ssh_string_free_char(user_file);
  ssh_string_free_char(global_file);
  const std::string user_known_hosts = files.empty() ? "~/.ssh/known_hosts" : files.front();

  std::lock_guard lock(notices_->known_hosts_mutex());
  // The verdict is OpenSSH's (known_hosts.h): libssh 0.10 ignores @revoked
  // and @cert-authority markers and matches negated patterns.
  char* blob = nullptr;
  if (ssh_pki_export_pubkey_base64(key.get(), &blob) != SSH_OK || !blob) {
    return Unreachable("cannot read the host key of " + name);
  }
  const std::string key_base64 = blob;
  ssh_string_free_char(blob);
  using State = KnownHostsVerdict::State;
  const KnownHostsVerdict verdict =
      KnownHostsCheck(host, static_cast<int>(port), files, key_type, key_base64);
  seen_host_key_ = {host,       static_cast<int>(port),         files, key_type,
                    key_base64, static_cast<int>(verdict.state)};
  switch (verdict.state) {
    case State::kMatch: return {};
    case State::kRevoked:
      // Refused whatever the policy (ssh goes on without passwords when
      // StrictHostKeyChecking=no; drover never connects to a revoked key).
      return Unreachable("REVOKED HOST KEY for " + name + ": its " + key_type + " key " +
                         fingerprint + " is marked @revoked in " + verdict.where +
                         "; refusing to connect.");
    case State::kChanged: {
      const std::string warning = "REMOTE HOST IDENTIFICATION HAS CHANGED for " + name +
                                  ": it now offers " + key_type + " key " + fingerprint +
                                  ", which does not match known_hosts (" + verdict.where + ")";
      if (target_.host_key_policy == HostKeyPolicy::kOff) {
        // As ssh with StrictHostKeyChecking=no: go on, but no password or
        // keyboard-interactive authentication and no become password.
        host_key_changed_ = true;
        notices_->Warn(warning +
                       ". Password and keyboard-interactive authentication and become "
                       "passwords are disabled for this host to avoid man-in-the-middle attacks.");
        return {};
      }
      return Unreachable(warning +
                         ". This may be an attack. If the host was really re-installed, remove "
                         "the old entry (ssh-keygen -R '" +
                         name + "' -f " + user_known_hosts + ") and connect again.");
    }
    case State::kCertAuthority:
      if (target_.host_key_policy == HostKeyPolicy::kOff) break;
      return Unreachable("host key verification failed: " + name +
                         " is only known through @cert-authority (" + verdict.where +
                         "), and drover does not verify host certificates; add the host's own "
                         "key to known_hosts (ssh-keyscan -p " +
                         std::to_string(port) + " " + host + ")");
    case State::kUnknown: break;
  }
  if (target_.host_key_policy == HostKeyPolicy::kOff) {
    notices_->Warn(
        "host key checking is disabled (ANSIBLE_HOST_KEY_CHECKING=False or "
        "StrictHostKeyChecking=no): connections are open to impersonation");
    return {};
  }
  if (target_.host_key_policy == HostKeyPolicy::kAcceptNew && verdict.state == State::kUnknown) {
    if (ssh_session_update_known_hosts(s) != SSH_OK) {
      return Unreachable("cannot record the host key of " + name + " in " + user_known_hosts +
                         ": " + session_->error());
    }
    notices_->Warn("added " + key_type + " key " + fingerprint + " for " + name + " to " +
                   user_known_hosts);
    seen_host_key_.verdict = static_cast<int>(State::kMatch);
    return {};
  }
  return Unreachable("host key verification failed: " + name + " is not in " + user_known_hosts +
                     "; it offers " + key_type + " key " + fingerprint +
                     ". If that fingerprint is right, accept it with "
                     "--accept-new-host-keys (or -o StrictHostKeyChecking=accept-new), "
                     "or add it with: ssh-keyscan -p " +
                     std::to_string(port) + " " + host + " >> " + user_known_hosts);
}

bool KeyNeedsPassphrase(const std::string& path) {
  InitLibsshOnce();
  const std::string file = ExpandTilde(path);
  if (access(file.c_str(), R_OK) != 0) return false;  // missing: libssh reports it
  ssh_key key = nullptr;
  const int rc = ssh_pki_import_privkey_file(file.c_str(), nullptr, nullptr, nullptr, &key);
  ssh_key_free(key);
  return rc != SSH_OK;
}

Status SshConnection::Authenticate() {
  ssh_session s = session_->get();
  char* user_raw = nullptr;
  ssh_options_get(s, SSH_OPTIONS_USER, &user_raw);
  const std::string user = user_raw ? user_raw : "?";
  ssh_string_free_char(user_raw);

  if (ssh_userauth_none(s, nullptr) == SSH_AUTH_SUCCESS) return {};
  const int methods = ssh_userauth_list(s, nullptr);
  std::string tried;
  if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
    // Encrypted key files whose passphrase the user gave up front.
    for (const std::string& path : target_.identity_files) {
      auto pass = target_.key_passphrases.find(path);
      if (pass == target_.key_passphrases.end()) continue;
      ssh_key raw = nullptr;
      if (ssh_pki_import_privkey_file(ExpandTilde(path).c_str(), pass->second.c_str(), nullptr,
                                      nullptr, &raw) != SSH_OK) {
        return Unreachable("cannot load the key " + path + " (wrong passphrase?)");
      }
      KeyPtr key(raw);
      if (ssh_userauth_publickey(s, nullptr, key.get()) == SSH_AUTH_SUCCESS) return {};
    }
    // Agent first, then IdentityFile / default keys. Keys that need a
    // passphrase and were not given one are skipped (no prompt from a worker).
    const int rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
    if (rc == SSH_AUTH_SUCCESS) return {};
    if (rc == SSH_AUTH_ERROR) {
      return Unreachable("authentication as " + user + " failed: " + session_->error());
    }
    tried += "publickey";
  }
  // ssh's rule for a changed host key under StrictHostKeyChecking=no.
  const bool may_send_password = target_.password && !host_key_changed_;
  if (may_send_password && (methods & SSH_AUTH_METHOD_PASSWORD)) {
    const int rc = ssh_userauth_password(s, nullptr, target_.password->c_str());
    if (rc == SSH_AUTH_SUCCESS) return {};
    if (rc == SSH_AUTH_ERROR) {
      return Unreachable("authentication as " + user + " failed: " + session_->error());
    }
    tried += tried.empty() ? "password" : ", password";
  } else if (may_send_password && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
    int rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    while (rc == SSH_AUTH_INFO) {
      const int prompts = ssh_userauth_kbdint_getnprompts(s);
      for (int i = 0; i < prompts; ++i) {
        ssh_userauth_kbdint_setanswer(s, static_cast<unsigned>(i), target_.password->c_str());
      }
      rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    }
    if (rc == SSH_AUTH_SUCCESS) return {};
    tried += tried.empty() ? "keyboard-interactive" : ", keyboard-interactive";
  }
  std::string offered;
  if (methods & SSH_AUTH_METHOD_PUBLICKEY) offered += " publickey";
  if (methods & SSH_AUTH_METHOD_PASSWORD) offered += " password";
  if (methods & SSH_AUTH_METHOD_INTERACTIVE) offered += " keyboard-interactive";
  return Unreachable(
      "Permission denied for " + user + "@" + target_.address + " (tried: " +
      (tried.empty() ? "nothing usable" : tried) + "; server offers:" + offered + ")" +
      (host_key_changed_  ? "; password authentication is disabled: the host key changed"
       : target_.password ? ""
                          : "; set ansible_password or use --ask-pass "
                            "for password authentication"));
}

int SshConnection::SocketFd() const {
  return session_ ? ssh_get_fd(session_->get()) : -1;
}

bool SshConnection::SessionAlive() {
  if (!session_) return false;
  ssh_session s = session_->get();
  const int fd = ssh_get_fd(s);
  if (fd < 0 || !ssh_is_connected(s)) return false;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 0) > 0) {
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return false;
    char c;
    if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0) return false;  // the host closed
    // Packets waiting (a keepalive, a disconnect, the shell's exit): let
    // libssh process them.
    if (session_->shell) {
      ssh_channel_poll_timeout(session_->shell.get(), 0, 0);
      if (ssh_channel_is_eof(session_->shell.get()) || ssh_channel_is_closed(session_->shell.get()))
        session_->shell.reset();
    } else {
      ssh_blocking_flush(s, 0);
    }
  }
  return ssh_is_connected(s) && !(ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR));
}

Result<ExecResult> SshConnection::RunScript(const std::string& script, const ScriptIo& io) {
  if (Interrupted()) return MakeError("interrupted by the user");  // start nothing new
  if (Status st = Connect(); !st) return st.take_error();
  if (!io.stdin && !io.stdout_sink) return RunInPersistentShell(script, io.deadline);
  return RunInNewChannel(script, io);
}

Error SshConnection::TimedOut() {
  // The host may be stalled mid-command: the session's state is unknown.
  Close();
  return MakeError("the command did not finish before the task's timeout");
}

// Called while waiting for a silent host: after ServerAliveInterval seconds
// without a byte, a channel open must be answered within interval *
// ServerAliveCountMax seconds (a stopped or dead sshd answers nothing).
Status SshConnection::CheckAlive(std::chrono::steady_clock::time_point* last_heard) {
  using Clock = std::chrono::steady_clock;
  const int interval = target_.keepalive_interval_s;
  if (interval <= 0 || Clock::now() - *last_heard < std::chrono::seconds(interval)) return {};
  ssh_session s = session_->get();
  const long wait = static_cast<long>(interval) * std::max(1, target_.keepalive_count_max);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &wait);
  ChannelPtr probe(ssh_channel_new(s));
  const bool alive = probe && ssh_channel_open_session(probe.get()) == SSH_OK;
  probe.reset();
  const long timeout = target_.connect_timeout_s;
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  if (!alive) {
    session_->shell.reset();
    return Unreachable(
        "the host " + target_.address + " stopped responding: no answer for " +
        std::to_string(interval + wait) + " s (ServerAliveInterval=" + std::to_string(interval) +
        ", ServerAliveCountMax=" + std::to_string(target_.keepalive_count_max) + ")");
  }
  *last_heard = Clock::now();
  return {};
}

Result<ExecResult> SshConnection::RunInPersistentShell(const std::string& script,
                                                       const std::optional<Deadline>& deadline) {
  ssh_session s = session_->get();
  // A new shell's first command also says which machine it runs on (in the
  // driver shell, before the command: its line comes first on stdout).
  std::string identity_tag;
  if (!session_->shell) {
    machine_.reset();
    ChannelPtr channel(ssh_channel_new(s));
    std::mt19937_64 rng(marker_seed_++);
    char token[24];
    std::snprintf(token, sizeof token, "%016llx", static_cast<unsigned long long>(rng()));
    session_->shell_token = token;
    const std::string start = "exec /bin/sh -s drover-shell-" + session_->shell_token;
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK ||
        ssh_channel_request_exec(channel.get(), start.c_str()) != SSH_OK) {
      const std::string message =
          "cannot start a shell on " + target_.address + ": " + session_->error();
      channel.reset();
      return Unreachable(message);
    }
    session_->shell = std::move(channel);
    identity_tag = "@@drover-machine-" + session_->shell_token + "@@";
  }
  ssh_channel channel = session_->shell.get();
  auto lost = [&](const std::string& message) -> Error {
    session_->shell.reset();
    return Unreachable(message);
  };
  // After a user interrupt: stops the persistent shell's command on the host
  // (SIGTERM to the shell and every process below it, found by the shell's
  // token in `ps`; POSIX ps and awk only) and closes the shell. Bounded: the
  // host gets a few seconds to answer.
  auto stop_interrupted = [&]() -> Error {
    const std::string message =
        "interrupted by the user (the command on " + target_.address + " was stopped)";
    if (!session_ || !session_->shell) return MakeError(message);
    ChannelPtr killer(ssh_channel_new(session_->get()));
    // The token is split in two on the killer's own command line so that the
    // killer never matches itself.
    const std::string command =
        "ps -A -o pid= -o ppid= -o args= | awk -v a=drover-shell- -v b=" + session_->shell_token +
        " 'BEGIN { t = a b } { p[NR] = $1; q[NR] = $2; if ($4 == \"-s\" && $5 == t) k[$1] = 1 }"
        " END { do { c = 0; for (i = 1; i <= NR; i++) if (!(p[i] in k) && (q[i] in k)) {"
        " k[p[i]] = 1; c = 1 } } while (c); for (x in k) print x }' | xargs kill -TERM"
        " 2>/dev/null; true";
    if (killer && ssh_channel_open_session(killer.get()) == SSH_OK &&
        ssh_channel_request_exec(killer.get(), command.c_str()) == SSH_OK) {
      char buf[4096];
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!ssh_channel_is_eof(killer.get()) && std::chrono::steady_clock::now() < give_up)
        if (ssh_channel_read_timeout(killer.get(), buf, sizeof buf, 0, 500) == SSH_ERROR) break;
    }
    killer.reset();
    session_->shell.reset();
    return MakeError(message);
  };
  // The end marker is random per command, so no output can forge it.
  std::mt19937_64 rng(marker_seed_++);
  char hex[40];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  const std::string marker = std::string("@@drover-end-") + hex + "@@";
  // A subshell keeps the driver shell clean (exit, cd, set -e stay inside).
  const std::string line =
      (identity_tag.empty() ? std::string() : MachineIdentityScript(identity_tag)) + "( eval " +
      ShellQuote(script) + " ) </dev/null; printf '%s%d\\n' '" + marker +
      "' \"$?\"; printf '%s\\n' '" + marker + "' >&2\n";
  for (size_t done = 0; done < line.size();) {
    const uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(line.size() - done, 1 << 16));
    const int n = ssh_channel_write(channel, line.data() + done, chunk);
    if (n == SSH_ERROR) {
      return lost("lost the connection to " + target_.address + ": " + session_->error());
    }
    done += static_cast<size_t>(n);
  }
  ExecResult result;
  std::string& out = result.stdout_data;
  std::string& err = result.stderr_data;
  size_t out_marker = std::string::npos, err_marker = std::string::npos;
  size_t out_scan = 0, err_scan = 0;
  char buf[65536];
  using Clock = std::chrono::steady_clock;
  auto last_heard = Clock::now();
  auto scan = [&](std::string& text, size_t& from, size_t& found, bool need_status) {
    if (found != std::string::npos) return;
    const size_t at = text.find(marker, from);
    from = text.size() > marker.size() ? text.size() - marker.size() : 0;
    if (at == std::string::npos) return;
    const size_t newline = text.find('\n', at + marker.size());
    if (newline == std::string::npos) return;  // status digits still arriving
    if (need_status) {
      result.exit_status = std::atoi(text.c_str() + at + marker.size());
    }
    found = at;
  };
  while (out_marker == std::string::npos || err_marker == std::string::npos) {
    if (deadline && Clock::now() >= *deadline) return TimedOut();
    if (Interrupted()) return stop_interrupted();
    const bool want_stdout = out_marker == std::string::npos;
    const int n = ssh_channel_read_timeout(channel, buf, sizeof buf, want_stdout ? 0 : 1, 1000);
    if (n == SSH_ERROR) {
      return lost("lost the connection to " + target_.address + ": " + session_->error());
    }
    if (n > 0) {
      (want_stdout ? out : err).append(buf, static_cast<size_t>(n));
      last_heard = Clock::now();
    }
    for (int e;
         (e = ssh_channel_read_nonblocking(channel, buf, sizeof buf, want_stdout ? 1 : 0)) > 0;) {
      (want_stdout ? err : out).append(buf, static_cast<size_t>(e));
      last_heard = Clock::now();
    }
    scan(out, out_scan, out_marker, true);
    scan(err, err_scan, err_marker, false);
    if (n <= 0 && ssh_channel_is_eof(channel) &&
        (out_marker == std::string::npos || err_marker == std::string::npos)) {
      return lost("the shell on " + target_.address + " exited unexpectedly");
    }
    if (n == 0) {
      if (Status st = CheckAlive(&last_heard); !st) return st.take_error();
    }
  }
  out.resize(out_marker);
  err.resize(err_marker);
  if (!identity_tag.empty()) machine_ = TakeMachineIdentity(&out, identity_tag);
  return result;
}

Result<ExecResult> SshConnection::RunInNewChannel(const std::string& script, const ScriptIo& io) {
  ssh_session s = session_->get();
  ChannelPtr channel(ssh_channel_new(s));
  // Closing the session frees its channels: drop ours first.
  auto lost = [&](const std::string& message) -> Error {
    channel.reset();
    return Unreachable(message);
  };
  using Clock = std::chrono::steady_clock;
  auto timed_out = [&]() -> Error {
    channel.reset();
    return TimedOut();
  };
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK) {
    return lost("cannot open a channel to " + target_.address + ": " + session_->error());
  }
  // The login shell may not be POSIX: always run our script with /bin/sh.
  const std::string command = "/bin/sh -c " + ShellQuote(script);
  if (ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK) {
    return lost("cannot run a command on " + target_.address + ": " + session_->error());
  }
  char buf[65536];
  auto last_heard = Clock::now();
  // Stdin in chunks: only one chunk is in memory, whatever the size.
  for (bool input_done = !io.stdin; !input_done;) {
    Result<size_t> got = io.stdin->Read(buf, sizeof buf);
    if (!got) {
      // Never let the host see a short input as complete: drop the channel
      // without EOF (the install script then finds the size wrong).
      channel.reset();
      Close();
      return got.take_error();
    }
    if (*got == 0) break;
    for (size_t done = 0; done < *got;) {
      if (io.deadline && Clock::now() >= *io.deadline) return timed_out();
      if (Interrupted()) {
        // As for a failed read: no EOF, so the host never takes the short
        // input as complete (the old file stays).
        channel.reset();
        Close();
        return MakeError("interrupted by the user (the transfer to " + target_.address +
                         " was stopped)");
      }
      const int n =
          ssh_channel_write(channel.get(), buf + done, static_cast<uint32_t>(*got - done));
      if (n == SSH_ERROR) {
        // The command may exit without reading all of its input.
        if (ssh_channel_is_closed(channel.get()) || ssh_channel_is_eof(channel.get())) {
          input_done = true;
          break;
        }
        return lost("lost the connection to " + target_.address +
                    " while sending data: " + session_->error());
      }
      if (n > 0) {
        done += static_cast<size_t>(n);
        last_heard = Clock::now();  // the window grew: the host is reading
      } else if (Status st = CheckAlive(&last_heard); !st) {
        channel.reset();
        return st.take_error();
      }
    }
  }
  if (ssh_channel_is_open(channel.get())) ssh_channel_send_eof(channel.get());

  ExecResult result;
  std::optional<Error> sink_failure;
  auto take_stdout = [&](const char* data, int n) {
    if (!io.stdout_sink) {
      result.stdout_data.append(data, static_cast<size_t>(n));
    } else if (!sink_failure) {
      if (Status st = (*io.stdout_sink)({data, static_cast<size_t>(n)}); !st)
        sink_failure = st.take_error();
    }
  };
  for (;;) {
    if (io.deadline && Clock::now() >= *io.deadline) return timed_out();
    if (Interrupted()) {
      // Closing the channel ends the command's input and output.
      channel.reset();
      return MakeError("interrupted by the user (the command on " + target_.address +
                       " was stopped)");
    }
    const int n = ssh_channel_read_timeout(channel.get(), buf, sizeof buf, 0, 1000);
    if (n == SSH_ERROR) {
      return lost("lost the connection to " + target_.address + ": " + session_->error());
    }
    if (n > 0) {
      take_stdout(buf, n);
      last_heard = Clock::now();
    }
    for (int e; (e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 1)) > 0;) {
      result.stderr_data.append(buf, static_cast<size_t>(e));
      last_heard = Clock::now();
    }
    if (n <= 0 && ssh_channel_is_eof(channel.get())) break;
    if (ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
      return lost("lost the connection to " + target_.address + ": " + session_->error());
    }
    if (n == 0) {
      if (Status st = CheckAlive(&last_heard); !st) {
        channel.reset();
        return st.take_error();
      }
    }
  }
  // Whatever arrived between the last read and EOF.
  for (int e; (e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 0)) > 0;) {
    take_stdout(buf, e);
  }
  for (int e; (e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 1)) > 0;) {
    result.stderr_data.append(buf, static_cast<size_t>(e));
  }
  if (sink_failure) return *sink_failure;
  const int status = ssh_channel_get_exit_status(channel.get());
  // -1: no exit-status message (the command died of a signal).
  result.exit_status = status < 0 ? 255 : status;
  return result;
}

}  // namespace drover::connection
