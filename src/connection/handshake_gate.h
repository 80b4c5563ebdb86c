// At most K SSH handshakes (TCP connect, key exchange, host key check,
// authentication) in flight in the process, whatever --forks is. With
// --forks 500, 500 simultaneous handshakes overflow one sshd's listen
// backlog (OpenSSH's is 128: "Connection reset by peer") and its
// MaxStartups throttle (default 10:30:100: a bastion or ProxyJump host), and
// make the controller's own key exchanges queue on its CPU, so that the
// connect timeout (-T) expires for hosts that are fine. A handshake waits
// for a slot first; the timeout counts from when it has one. Sessions, once
// made, are not limited.
#pragma once

#include <string>

namespace drover::connection {

// K: DROVER_SSH_HANDSHAKES when it is a whole number >= 1, else 64.
// `warning` is set when the variable is set but invalid.
int HandshakeLimit(std::string* warning);

// Holds one of the K slots for its lifetime.
class HandshakeSlot {
 public:
  HandshakeSlot();
  ~HandshakeSlot();
  HandshakeSlot(const HandshakeSlot&) = delete;
  HandshakeSlot& operator=(const HandshakeSlot&) = delete;
};

}  // namespace drover::connection
