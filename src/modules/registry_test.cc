#include "modules/registry.h"

#include <doctest/doctest.h>

#include <set>

#include "playbook/module_names.h"

using namespace drover;

// module_list.inc and the name resolution (playbook/module_names) agree: a
// task naming any registered module, by the name it registers or by its
// FQCN, is dispatched to that module, and no two modules share a name.
TEST_CASE("every registered module is reached by the names Ansible resolves") {
  std::set<std::string_view> seen;
  for (const modules::Module* m : modules::AllModules()) {
    CAPTURE(m->Name());
    CHECK(seen.insert(m->Name()).second);
    playbook::ModuleResolution by_name = playbook::ResolveModule(m->Name());
    REQUIRE(!by_name.fqcn.empty());
    CHECK(modules::FindModule(by_name.canonical) == m);
    CHECK(modules::FindModule(playbook::ResolveModule(by_name.fqcn).canonical) == m);
  }
  CHECK(modules::ModuleNames().size() == modules::AllModules().size());
}
