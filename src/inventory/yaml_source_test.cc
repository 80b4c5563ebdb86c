#include "inventory/yaml_source.h"

#include <doctest/doctest.h>

#include "core/yaml.h"

using namespace drover;
using namespace drover::inventory;

TEST_CASE("YAML inventory: nested children, vars, host ranges, string sections") {
  Result<Value> doc = LoadYaml(R"(
all:
  vars: {level: all}
  children:
    web:
      hosts:
        web[1:2]: {role: fe}
      children:
        canary:
          hosts: web1
          vars: {ansible_group_priority: 10}
    db:
      hosts: {db1: }
other:
  hosts: {o1: {x: 1}}
  bogus: 1
)",
                               "inv.yml");
  REQUIRE(doc.ok());
  Inventory inv;
  REQUIRE(LoadYamlInventory(*doc, "inv.yml", &inv).ok());
  inv.Reconcile();
  CHECK(inv.FindGroup("canary")->priority == 10);
  CHECK(inv.FindGroup("canary")->depth == 2);  // all -> web -> canary
  CHECK(inv.FindHost("web2")->vars->find("role")->as_string() == "fe");
  CHECK(inv.FindGroup("other")->parents == std::vector<Group*>{inv.all()});
  CHECK(inv.all()->vars->find("level")->as_string() == "all");
  REQUIRE(inv.warnings().size() == 1);
  CHECK(inv.warnings()[0].message.find("Skipping key (bogus)") == 0);
}

TEST_CASE("YAML inventory errors carry the node location") {
  Result<Value> doc = LoadYaml("web:\n  hosts: [a, b]\n", "inv.yml");
  REQUIRE(doc.ok());
  Inventory inv;
  Status s = LoadYamlInventory(*doc, "inv.yml", &inv);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().headline().find("inv.yml:2:") == 0);
  CHECK(s.error().message.find("Invalid \"hosts\" entry for \"web\" group") == 0);
  CHECK_FALSE(IsYamlInventory(*LoadYaml("plugin: aws_ec2\n", "x.yml")));
  CHECK_FALSE(IsYamlInventory(*LoadYaml("just a string\n", "x.yml")));
}
