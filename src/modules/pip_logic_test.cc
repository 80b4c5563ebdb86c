#include "modules/pip_logic.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("pip names and specifiers read as Ansible's Package does") {
  CHECK(RecoverPackageNames({"django>1.11.1", "<1.11.3", "ipaddress", "simple>1.1.0", "<2.0.0"}) ==
        std::vector<std::string>{"django>1.11.1,<1.11.3", "ipaddress", "simple>1.1.0,<2.0.0"});
  CHECK(RecoverPackageNames({"django>1.11.1,<1.11.3,ipaddress"}) ==
        std::vector<std::string>{"django>1.11.1,<1.11.3", "ipaddress"});
  PipRequirement r = ParsePipRequirement("Django>=1.0,<2");
  CHECK((r.plain && r.text == "Django<2,>=1.0" && r.package_name == "django"));
  r = ParsePipRequirement("foo [b,a] >= 1.0");
  CHECK(r.text == "foo[a,b]>=1.0");
  r = ParsePipRequirement("My_Pkg.x", std::string("1.0"));
  CHECK((r.text == "My_Pkg.x==1.0" && r.package_name == "my-pkg-x"));
  r = ParsePipRequirement("six", std::string(">1"));
  CHECK(r.text == "six>1");
  CHECK(!ParsePipRequirement("git+https://example.invalid/y.git").plain);
  CHECK(!ParsePipRequirement("./dist/x.whl").plain);
}

TEST_CASE("pip check mode matches PEP 440 as pkg_resources does") {
  auto matching = [](const std::string& spec, std::vector<std::string> versions) {
    PipRequirement r = ParsePipRequirement("a" + spec);
    std::vector<std::string> out;
    for (const std::string& v : versions)
      if (PipRequirementSatisfied(r, v)) out.push_back(v);
    return out;
  };
  CHECK(matching("~=1.4.2", {"1.4.1", "1.4.2", "1.4.9", "1.5.0", "1.4.3rc1"}) ==
        std::vector<std::string>{"1.4.2", "1.4.9", "1.4.3rc1"});
  CHECK(matching("<2.0", {"2.0rc1", "1.9", "2.0.dev1", "2.0"}) == std::vector<std::string>{"1.9"});
  CHECK(matching(">1.0", {"1.0.post1", "1.0", "1.1", "1.0+local"}) ==
        std::vector<std::string>{"1.1"});
  CHECK(matching("==1.*", {"1.0", "1.9.3", "2.0", "0.1"}) ==
        std::vector<std::string>{"1.0", "1.9.3"});
  CHECK(matching("==1.0", {"1.0.0", "1", "1.0.1"}) == std::vector<std::string>{"1.0.0", "1"});
  CHECK(ComparePep440("1.0a1", "1.0") < 0);
  CHECK(ComparePep440("1.0.dev1", "1.0a1") < 0);
  CHECK(ComparePep440("1.0.post1", "1.0") > 0);
  CHECK(PipPackagePresent(ParsePipRequirement("My.Pkg>=1"), {"pip==23.0", "my-pkg==1.2"}));
  CHECK(!PipPackagePresent(ParsePipRequirement("my-pkg>=2"), {"my-pkg==1.2"}));
}

}  // namespace drover::modules
