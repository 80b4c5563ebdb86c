// Reading OpenSSH known_hosts files to name the lines that hold a host's
// keys (plain and hashed "|1|salt|hash" entries), so a changed-key refusal
// can point at the exact line to remove. libssh decides the verdict; this
// only explains it.
#pragma once

#include <string>
#include <vector>

namespace drover::connection {

// "file:line" for every entry in `files` that names host:port (port 22
// entries are written "host", others "[host]:port"). Missing files are skipped.
std::vector<std::string> KnownHostsLinesFor(const std::string& host, int port,
                                            const std::vector<std::string>& files);

// The name known_hosts uses for host:port.
std::string KnownHostsName(const std::string& host, int port);

}  // namespace drover::connection
