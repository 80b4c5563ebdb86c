#include "modules/system_logic.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("apt package specs split as Ansible's package_split") {
  AptPackageSpec p = SplitAptSpec("hello");
  CHECK(p.name == "hello");
  CHECK(p.cmp.empty());
  p = SplitAptSpec("hello=2.10*");
  CHECK((p.name == "hello" && p.cmp == "=" && p.version == "2.10*"));
  p = SplitAptSpec("nginx>=1.22");
  CHECK((p.name == "nginx" && p.cmp == ">=" && p.version == "1.22"));
}

TEST_CASE("apt decides as Ansible's package_status") {
  AptPackageState missing;
  missing.status = "not-installed";
  missing.candidate = "2.10-3";
  missing.versions = {"2.10-3", "2.10-2"};
  // Not installed: the candidate, pinned.
  AptDecision d = DecideAptPackage(SplitAptSpec("hello"), missing);
  CHECK((!d.installed && !d.version_installed && d.installable == "2.10-3"));
  // A version pattern picks the best matching version of the table.
  d = DecideAptPackage(SplitAptSpec("hello=2.10-2"), missing);
  CHECK(d.installable == "2.10-2");
  d = DecideAptPackage(SplitAptSpec("hello=1.*"), missing);
  CHECK(d.installable.empty());

  AptPackageState old = missing;
  old.status = "installed";
  old.installed_version = "2.10-2";
  // Installed, older than the candidate: present is satisfied, an upgrade
  // is installable (latest takes it).
  d = DecideAptPackage(SplitAptSpec("hello"), old);
  CHECK((d.installed && d.version_installed && d.installable == "2.10-3"));
  d = DecideAptPackage(SplitAptSpec("hello=2.10-3"), old);
  CHECK((!d.version_installed && d.installable == "2.10-3"));
  old.installed_version = "2.10-3";
  d = DecideAptPackage(SplitAptSpec("hello"), old);
  CHECK((d.version_installed && d.installable.empty()));

  // Virtual: one installed provider satisfies it; otherwise apt decides.
  AptPackageState virt;
  virt.providers = {{"mawk", "installed"}};
  d = DecideAptPackage(SplitAptSpec("awk"), virt);
  CHECK((d.installed && d.version_installed));
  virt.providers = {{"mawk", "not-installed"}, {"gawk", ""}};
  d = DecideAptPackage(SplitAptSpec("awk"), virt);
  CHECK((!d.installed && d.installable == kAptLetDecide));
}

TEST_CASE("systemctl show parses as Ansible's parse_systemctl_show") {
  Map m = ParseSystemctlShow(
      "Id=e2e.service\n"
      "Description={ not multi-line\n"
      "ExecStart={ path=/bin/sleep ; argv[]=/bin/sleep infinity ;\n"
      "  ignore_errors=no }\n"
      "ActiveState=active\n"
      "ExecStop={ path=/bin/true }\n"
      "no equals sign\n"
      "MainPID=42\n");
  CHECK(m.find("Description")->as_string() == "{ not multi-line");
  CHECK(m.find("ExecStart")->as_string() ==
        "{ path=/bin/sleep ; argv[]=/bin/sleep infinity ;\n  ignore_errors=no }");
  CHECK(m.find("ExecStop")->as_string() == "{ path=/bin/true }");
  CHECK(m.find("ActiveState")->as_string() == "active");
  CHECK(m.find("MainPID")->as_string() == "42");
  CHECK(m.size() == 6);
}

TEST_CASE("user passwords: crypt hashes are recognised as Ansible does") {
  CHECK(LooksLikeCryptHash("$6$e2esaltsalt$" + std::string(86, 'a')));
  CHECK(LooksLikeCryptHash("!"));
  CHECK(LooksLikeCryptHash("$y$j9T$salt$hash"));
  CHECK_FALSE(LooksLikeCryptHash("plaintext"));
  CHECK_FALSE(LooksLikeCryptHash("$6$salt$short"));
  CHECK_FALSE(LooksLikeCryptHash("$1$salt$has:colon"));
}

}  // namespace drover::modules
