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
  std::string MachineKey() const override;

 protected:
  Result<ExecResult> RunScript(const std::string& script, const ScriptIo& io) override;
};

// Runs `script` with /bin/sh -c, feeding `stdin_data` (or /dev/null when
// null) and collecting stdout and stderr separately.
Result<ExecResult> RunLocalShell(const std::string& script, const std::string* stdin_data);
// As RunLocalShell, with streamed stdin, a stdout sink and a deadline (the
// command is killed when it passes).
Result<ExecResult> RunLocalShell(const std::string& script, const ScriptIo& io);

// A local file written atomically in pieces: a temp file beside the path,
// then fsync and rename in Commit. Destroyed without Commit, it removes the
// temp file and leaves the path untouched.
class LocalAtomicFile {
 public:
  LocalAtomicFile() = default;
  ~LocalAtomicFile();
  LocalAtomicFile(const LocalAtomicFile&) = delete;
  LocalAtomicFile& operator=(const LocalAtomicFile&) = delete;
  Status Open(const std::string& path);
  Status Write(std::string_view data);
  Status Commit();

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

// Writes a local file atomically: temp file in the same directory, fsync,
// rename (mode 0644 & ~umask for a new file).
Status WriteFileAtomically(const std::string& content, const std::string& path);

}  // namespace drover::connection
