#include "modules/apt_sources.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("apt_repository derives Ansible's file name from the repo line") {
  CHECK(SuggestAptSourceFilename("deb [trusted=yes] file:/srv/repo ./") == "file_srv_repo.list");
  CHECK(
      SuggestAptSourceFilename("deb [arch=amd64 signed-by=/k.gpg] https://u:p@dl.example.org/linux "
                               "stable main") == "dl_example_org_linux.list");
  CHECK(SuggestAptSourceFilename("deb http://deb.example.net/debian bookworm main") ==
        "deb_example_net_debian.list");
}

TEST_CASE("apt_repository parses, adds and removes as Ansible's SourcesList") {
  AptSourceLine l = ParseAptSourceLine("#deb  http://x/ y main # a comment");
  CHECK((l.valid && !l.enabled && l.source == "deb http://x/ y main" && l.comment == "a comment"));
  CHECK_FALSE(ParseAptSourceLine("# just words").valid);

  AptSources s;
  s.Load("/etc/apt/sources.list", "deb http://a/ b main\n\n#deb http://c/ d main\n");
  const auto before = s.Dump();
  CHECK(before.at("/etc/apt/sources.list") == "deb http://a/ b main\n\n# deb http://c/ d main\n");
  s.Add("deb http://c/ d main", "/etc/apt/sources.list.d/c.list");  // enabled in place
  CHECK(s.Dump().at("/etc/apt/sources.list") == "deb http://a/ b main\n\ndeb http://c/ d main\n");
  CHECK_FALSE(s.Dump().count("/etc/apt/sources.list.d/c.list"));
  s.Add("deb http://e/ f main", "/etc/apt/sources.list.d/e.list");
  CHECK(s.Dump().at("/etc/apt/sources.list.d/e.list") == "deb http://e/ f main\n");
  s.Remove("deb http://e/ f main");
  CHECK_FALSE(s.Dump().count("/etc/apt/sources.list.d/e.list"));
}

}  // namespace drover::modules
