// A connection holder: the process behind connection persistence (as
// OpenSSH's ControlMaster with ControlPersist, which Ansible turns on by
// default). It keeps one authenticated, host-key-verified SshConnection to
// one host and runs the scripts of later drover runs on it, so a run
// against a host it reached in the last N seconds makes no SSH handshake.
//
// Life: a run starts it (fork + exec of drover's own binary as `drover
// persist --holder FD`, in a session of its own) and sends it, on the spawn
// socket FD, one kConfig frame: the Unix socket path, the idle timeout and
// the SshTarget with its secrets (never argv or environment). It connects;
// on failure it answers kSpawnReply with the error (the run reports it as
// its own connect would) and exits. On success it listens on the socket
// (mode 0600, in the user's 0700 directory), answers kSpawnReply and serves
// one client at a time, checking each client's uid (SO_PEERCRED).
//
// A client says kHello with a digest of its credentials; the holder
// answers kHelloReply: 0 and the host key it accepted (the client re-checks
// it against known_hosts as they are now), 2 when its session died (it then
// exits), or 3 when the credentials differ from its login's (the client
// then logs in itself, so a wrong password fails as without persistence). Then any number of
// kRun frames, each answered by kStdout chunks and one kResult. A client
// that hangs up during a run interrupts it: the command on the host is
// stopped as a direct run's interrupt stops it, and the holder exits.
// It also exits when its session fails or times out, after `idle`
// seconds without a client (0: never), when the host closes the
// connection, or when its socket path no longer names its socket.
#pragma once

namespace drover::connection::persist {

// Runs a holder on the spawn socket `control_fd`; returns the exit code.
int RunHolder(int control_fd);

}  // namespace drover::connection::persist
