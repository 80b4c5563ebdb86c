// Reading OpenSSH known_hosts files to name the lines that hold a host's
// keys (plain and hashed "|1|salt|hash" entries), so a changed-key refusal
// can point at the exact line to remove, and deciding the verdict as
// OpenSSH does (KnownHostsCheck): @revoked and @cert-authority markers and
// negated patterns ("!host"), which libssh 0.10 does not honour.
#pragma once

#include <string>
#include <vector>

namespace drover::connection {

// "file:line" for every entry in `files` that names host:port (port 22
// entries are written "host", others "[host]:port"). Missing files are skipped.
std::vector<std::string> KnownHostsLinesFor(const std::string& host, int port,
                                            const std::vector<std::string>& files);

// OpenSSH's verdict for a presented key, from the lines whose host
// patterns match host:port (a line whose pattern list has a matching
// negated pattern does not match).
struct KnownHostsVerdict {
  enum class State {
    kMatch,          // a plain line holds this key
    kRevoked,        // a @revoked line holds this key: never accept
    kChanged,        // lines for the host exist, none with this key
    kCertAuthority,  // only @cert-authority lines name the host
    kUnknown,        // no line names the host
  };
  State state = State::kUnknown;
  std::string where;  // "file:line" of the deciding line(s), when any
};
// `key_type` as known_hosts writes it ("ssh-ed25519"), `key_base64` the
// key blob. Missing files are skipped.
KnownHostsVerdict KnownHostsCheck(const std::string& host, int port,
                                  const std::vector<std::string>& files,
                                  const std::string& key_type, const std::string& key_base64);

// The name known_hosts uses for host:port.
std::string KnownHostsName(const std::string& host, int port);

}  // namespace drover::connection
