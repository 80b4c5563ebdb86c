// Where decrypted text may live while a user edits or merges it: a private
// directory (mode 0700) on a memory-backed filesystem ($XDG_RUNTIME_DIR or
// /dev/shm, checked to be tmpfs/ramfs), never on a persistent disk. Its files
// are created 0600 and are overwritten and removed with the directory when
// the workspace goes away.
//
// Signals: a SignalGuard, created before the workspace, turns SIGINT,
// SIGTERM, SIGHUP and SIGQUIT into a recorded flag so that the workspace is
// cleaned up by normal unwinding; when the guard goes away it re-raises the
// recorded signal, so the process still ends the way the signal asked.
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drover::vault {

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();  // restores the previous handlers, then re-raises a pending signal
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  // The first signal received while a guard was alive, 0 if none.
  static int Pending();
  // Forgets a pending SIGINT/SIGQUIT (the editor, in the foreground, got it
  // too and decides what it means).
  static void ClearInterrupt();

 private:
  struct sigaction saved_[4];
};

class PlaintextWorkspace {
 public:
  // Creates the private directory. Fails (and nothing is written anywhere)
  // when no memory-backed location is available.
  static Result<std::unique_ptr<PlaintextWorkspace>> Create();
  ~PlaintextWorkspace();
  PlaintextWorkspace(const PlaintextWorkspace&) = delete;
  PlaintextWorkspace& operator=(const PlaintextWorkspace&) = delete;

  const std::string& dir() const { return dir_; }
  // Creates dir/name (mode 0600, must not exist) holding data; returns its path.
  Result<std::string> WriteFile(const std::string& name, std::string_view data);
  // Removes everything in the directory and the directory itself (also done
  // by the destructor). Safe to call twice.
  void Remove();

 private:
  explicit PlaintextWorkspace(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// The memory-backed parent directory a workspace would be created in, or ""
// when there is none.
std::string MemoryBackedTempRoot();

}  // namespace drover::vault
