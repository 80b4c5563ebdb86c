#include "playbook/module_names.h"

#include <doctest/doctest.h>

using namespace drover::playbook;

TEST_CASE("module names resolve as Ansible 2.14 resolves them") {
  CHECK(ResolveModule("copy").fqcn == "ansible.builtin.copy");
  CHECK(ResolveModule("copy").canonical == "copy");
  CHECK(ResolveModule("ansible.legacy.copy").canonical == "copy");
  CHECK(ResolveModule("include").canonical == "include");  // ansible/modules/_include.py
  // Short names of collection modules through the builtin routing table.
  CHECK(ResolveModule("ufw").fqcn == "community.general.ufw");
  CHECK(ResolveModule("ufw").canonical == "ufw");
  CHECK(ResolveModule("ansible.builtin.sysctl").fqcn == "ansible.posix.sysctl");
  CHECK(ResolveModule("postgresql_db").fqcn == "community.postgresql.postgresql_db");
  CHECK(ResolveModule("openssh_keypair").fqcn == "community.crypto.openssh_keypair");
  // A redirect inside a collection's meta/runtime.yml.
  CHECK(ResolveModule("community.general.system.ufw").fqcn == "community.general.ufw");
  // Not in the routing table: only through `collections:`.
  CHECK(ResolveModule("cargo").fqcn.empty());
  CHECK(ResolveModule("cargo", {"community.general"}).fqcn == "community.general.cargo");
  CHECK(ResolveModule("copy", {"community.general"}).fqcn == "ansible.builtin.copy");
  // A collection module whose short name is a builtin one keeps its FQCN.
  CHECK(ResolveModule("cisco.ios.command").canonical == "cisco.ios.command");
  // Removed (tombstoned) and unknown names.
  ModuleResolution removed = ResolveModule("community.general.ali_instance_facts");
  CHECK(removed.fqcn.empty());
  CHECK(removed.removed.find("ali_instance_info") != std::string::npos);
  CHECK(ResolveModule("community.general.ufww").fqcn.empty());
  CHECK(ResolveModule("nosuchmodule").fqcn.empty());
}
