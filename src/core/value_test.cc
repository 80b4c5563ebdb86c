#include "core/value.h"

#include <doctest/doctest.h>

#include "core/secrets.h"

using namespace drover;

TEST_CASE("maps keep insertion order and replace in place") {
  Map m;
  m.set("b", 1);
  m.set("a", 2);
  m.set("b", 3);
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"b", "a"});
  CHECK(m.find("b")->as_int() == 3);
  CHECK(m.erase("b"));
  CHECK_FALSE(m.contains("b"));
}

TEST_CASE("large maps stay consistent through the index") {
  Map m;
  for (int i = 0; i < 100; ++i) m.set("k" + std::to_string(i), i);
  CHECK(m.find("k57")->as_int() == 57);
  m.erase("k10");
  CHECK(m.find("k11")->as_int() == 11);
  m.set("k10", -1);
  CHECK(m.find("k10")->as_int() == -1);
  Map copy = m;
  CHECK(copy.find("k99")->as_int() == 99);
}

TEST_CASE("Python equality and truthiness") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(true) == Value(1));
  CHECK(Value("1") != Value(1));
  CHECK(Value(List{1, "a"}) == Value(List{1.0, "a"}));
  CHECK_FALSE(Value("").truthy());
  CHECK_FALSE(Value(List{}).truthy());
  CHECK_FALSE(Value(0.0).truthy());
  CHECK(Value("0").truthy());
  CHECK(Value().type_name() == "NoneType");
}

TEST_CASE("lists are shared like Python's; deep_copy is independent") {
  Value a(List{1});
  Value b = a;
  b.as_list().push_back(2);
  CHECK(a.as_list().size() == 2);
  Value c = a.deep_copy();
  c.as_list().push_back(3);
  CHECK(a.as_list().size() == 2);
}

TEST_CASE("vault values decrypt lazily, once, and register the secret") {
  int calls = 0;
  SetVaultDecryptor([&](const std::string& env, const Location&) -> Result<std::string> {
    ++calls;
    if (env == "bad") return MakeError("Decryption failed");
    return std::string("s3cr3t-value");
  });
  Value v = Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n00\n");
  CHECK(v.is_string());
  CHECK(calls == 0);
  CHECK(v.as_string() == "s3cr3t-value");
  CHECK(v.as_string() == "s3cr3t-value");
  CHECK(calls == 1);
  CHECK(Redact("password=s3cr3t-value;") == "password=********;");

  auto file = std::make_shared<const std::string>("vars.yml");
  Value bad = Value::Vault("bad", Location{file, 3, 7});
  try {
    (void)bad.as_string();
    FAIL("expected a Failure");
  } catch (const Failure& f) {
    CHECK(f.error.headline() == "vars.yml:3:7: Decryption failed");
  }
  SetVaultDecryptor(nullptr);
}
