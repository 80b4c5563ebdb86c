// Which machine a connection's commands run on, so that a write on one
// inventory host need not void what was read ahead on another
// (modules::WriteClock). The key is the kernel's boot id
// (/proc/sys/kernel/random/boot_id, new at every boot): inventory aliases
// of one machine, and containers on one kernel, share it; distinct
// machines and VMs do not. A machine with a file system mounted that other
// machines may write too (network, cluster, shared-folder or any FUSE file
// system, autofs) gets the empty key, as does one whose boot id cannot be
// read: its writes count on every host and every write counts on it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::connection {

struct MachineIdentity {
  std::string boot_id;
  bool shared_files = true;  // a file system other machines may write is mounted
  // The WriteClock key: the boot id, or "" (unknown, or may share files).
  std::string Key() const { return shared_files ? std::string() : boot_id; }
};

// Whether a /proc/mounts file system type may be written by other machines.
bool SharedFileSystem(std::string_view type);

// Shell text (builtins only, no process, no exit on failure) that prints
// "<tag>|<boot id>|<1 when a shared file system is mounted, else 0>\n".
// It sets and unsets shell variables named __drover_m*.
std::string MachineIdentityScript(const std::string& tag);

// Finds that line in *out (at the start of a line), removes it and returns
// what it says; nullopt (and *out untouched) when it is not there.
std::optional<MachineIdentity> TakeMachineIdentity(std::string* out, const std::string& tag);

// This machine's identity, read from its own /proc (the local connection).
const MachineIdentity& LocalMachineIdentity();

}  // namespace drover::connection
