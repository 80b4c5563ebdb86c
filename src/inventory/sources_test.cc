#include "inventory/sources.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inventory/test_util.h"

using namespace drover;
using namespace drover::inventory;

TEST_CASE("sources: directory merged in sorted order, ignored names skipped") {
  testing::TempTree t;
  t.Write("inv/01-hosts", "[web]\nweb1\n[web:vars]\norder=first\n");
  t.Write("inv/02-more.yml", "web:\n  hosts:\n    web2:\n  vars:\n    order: second\n");
  t.Write("inv/03.ini", "[ignored]\nx\n");
  t.Write("inv/notes.md", "nope\n");
  t.Write("inv/.hidden", "[hidden]\ny\n");
  t.Write("inv/group_vars/web.yml", "a: 1\n");
  Result<Inventory> inv = LoadInventory({t.Path("inv")});
  REQUIRE(inv.ok());
  CHECK(inv->FindGroup("web")->vars->find("order")->as_string() == "second");
  CHECK(inv->FindGroup("ignored") == nullptr);
  CHECK(inv->FindGroup("hidden") == nullptr);
  CHECK(inv->FindHost("web1")->source == t.Path("inv/01-hosts"));
  CHECK(inv->FindHost("web2")->source == t.Path("inv/02-more.yml"));
  CHECK(inv->sources() == std::vector<std::string>{t.Path("inv")});
}

TEST_CASE("sources: host lists and several -i") {
  testing::TempTree t;
  std::string a = t.Write("a.ini", "[a]\nh1\n");
  Result<Inventory> inv = LoadInventory({a, "x1, x2:2222 ,[::1]:22,"});
  REQUIRE(inv.ok());
  CHECK(inv->FindHost("x2")->vars->find("ansible_port")->as_int() == 2222);
  CHECK(inv->FindHost("::1") != nullptr);
  CHECK(inv->FindHost("x1")->source.empty());
  CHECK(inv->ungrouped()->hosts.size() == 3);
}

TEST_CASE("sources: unreadable and missing files are errors naming them") {
  testing::TempTree t;
  Result<Inventory> missing = LoadInventory({t.Path("nope")});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find(t.Path("nope")) != std::string::npos);
  // A dangling link in an inventory directory cannot be read, even by root.
  t.Write("dir/01-hosts", "[a]\nb\n");
  REQUIRE(::symlink("/nonexistent/target", t.Path("dir/02-broken").c_str()) == 0);
  Result<Inventory> broken = LoadInventory({t.Path("dir")});
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().headline().find(t.Path("dir/02-broken") + ": ") == 0);
  if (::geteuid() != 0) {  // root reads anything
    std::string p = t.Write("secret", "[a]\nb\n");
    ::chmod(p.c_str(), 0);
    Result<Inventory> unreadable = LoadInventory({p});
    REQUIRE_FALSE(unreadable.ok());
    CHECK(unreadable.error().headline().find(p) == 0);
  }
}

TEST_CASE("sources: a vaulted inventory without a password names the file and line") {
  testing::TempTree t;
  std::string p = t.Write("vaulted.yml", "$ANSIBLE_VAULT;1.1;AES256\n6162636465\n");
  Result<Inventory> inv = LoadInventory({p});
  REQUIRE_FALSE(inv.ok());
  CHECK(inv.error().headline().find(p + ":1:1: a vault-encrypted value is used but no vault "
                                        "password was given") == 0);
}

TEST_CASE("sources: YAML syntax errors in a .yml inventory are reported as YAML errors") {
  testing::TempTree t;
  std::string p = t.Write("bad.yml", "all:\n  hosts: [a\n");
  Result<Inventory> inv = LoadInventory({p});
  REQUIRE_FALSE(inv.ok());
  CHECK(inv.error().headline().find(p + ":") == 0);
}

TEST_CASE("implicit localhost only when asked for, with a local connection") {
  Result<Inventory> inv = LoadInventory({"a,b,"});
  REQUIRE(inv.ok());
  CHECK(inv->FindHost("localhost") == nullptr);
  Host* lh = inv->GetHost("localhost");
  REQUIRE(lh);
  CHECK(lh->implicit);
  CHECK(lh->vars->find("ansible_connection")->as_string() == "local");
  CHECK(inv->GroupHosts(*inv->all()).size() == 2);
  CHECK(inv->GetHost("elsewhere") == nullptr);
}
