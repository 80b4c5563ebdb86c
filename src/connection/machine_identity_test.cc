// The identity script, run by this machine's /bin/sh, says what the
// controller reads from its own /proc; its line is found and removed from
// a command's output and nothing else is.
#include "connection/machine_identity.h"

#include <doctest/doctest.h>

#include "connection/local_connection.h"

namespace drover::connection {

TEST_CASE("the identity script reports this machine as the controller reads it") {
  const std::string tag = "@@drover-machine-test@@";
  // As the persistent shell runs it: in the shell itself, before a command.
  Result<ExecResult> r = RunLocalShell(
      MachineIdentityScript(tag) + "echo \"[$__drover_mb$__drover_ms$__drover_mx$__drover_mt]\"",
      nullptr);
  REQUIRE(r.ok());
  CHECK(r->exit_status == 0);
  CHECK(r->stderr_data.empty());
  std::string out = r->stdout_data;
  std::optional<MachineIdentity> id = TakeMachineIdentity(&out, tag);
  REQUIRE(id.has_value());
  CHECK(out == "[]\n");  // only the command's output is left; no variable leaks
  CHECK(id->boot_id.size() == 36);
  CHECK(id->boot_id == LocalMachineIdentity().boot_id);
  CHECK(id->shared_files == LocalMachineIdentity().shared_files);
  CHECK(id->Key() == LocalConnection().MachineKey());
}

TEST_CASE("an identity line is taken only where it starts a line, and says what it says") {
  const std::string tag = "@@t@@";
  std::string out = "login noise\n@@t@@|b00t|0\nresult\n";
  std::optional<MachineIdentity> id = TakeMachineIdentity(&out, tag);
  REQUIRE(id.has_value());
  CHECK(out == "login noise\nresult\n");
  CHECK(id->Key() == "b00t");

  out = "@@t@@|b00t|1\n";
  id = TakeMachineIdentity(&out, tag);
  REQUIRE(id.has_value());
  CHECK(id->shared_files);
  CHECK(id->Key().empty());  // may share files: counts as every machine

  out = "@@t@@||0\n";  // no boot id
  REQUIRE(TakeMachineIdentity(&out, tag).has_value());
  out = "@@t@@||0\n";
  CHECK(TakeMachineIdentity(&out, tag)->Key().empty());

  for (std::string absent :
       {std::string("x@@t@@|b|0\n"), std::string("@@t@@|b|0"), std::string("nothing\n")}) {
    const std::string before = absent;
    CHECK_FALSE(TakeMachineIdentity(&absent, tag).has_value());
    CHECK(absent == before);
  }
}

TEST_CASE("file systems other machines may write are told from local ones") {
  for (const char* t : {"nfs", "nfs4", "cifs", "ceph", "9p", "virtiofs", "fuse.sshfs", "autofs",
                        "glusterfs", "ocfs2"})
    CHECK(SharedFileSystem(t));
  for (const char* t : {"ext4", "xfs", "btrfs", "tmpfs", "overlay", "proc", "fuseblk"})
    CHECK_FALSE(SharedFileSystem(t));
}

}  // namespace drover::connection
