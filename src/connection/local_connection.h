// LocalConnection: runs commands on this machine through /bin/sh -c, as
// Ansible's `connection: local`. There is no session; Connect always works.
#pragma once

#include <string>

#include "connection/connection.h"

namespace drover::connection {

class LocalConnection : public Connection {
 public:
  Status Connect() override { return {}; }
  void Close() override {}
  std::string Kind() const override { return "local"; }

 protected:
  Result<ExecResult> RunScript(const std::string& script, const std::string* stdin) override;
};

// Runs `script` with /bin/sh -c, feeding `stdin_data` (or /dev/null when
// null) and collecting stdout and stderr separately.
Result<ExecResult> RunLocalShell(const std::string& script, const std::string* stdin_data);

// Writes a local file atomically: temp file in the same directory, fsync,
// rename (mode 0644 & ~umask for a new file).
Status WriteFileAtomically(const std::string& content, const std::string& path);

}  // namespace drover::connection
