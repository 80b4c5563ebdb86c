#include "cli/inventory_output.h"

#include <doctest/doctest.h>

#include "template/template.h"

using namespace drover;
using namespace drover::cli;

TEST_CASE("Python str() and repr() for --graph --vars") {
  CHECK(tmpl::PyStr(Value("plain text")) == "plain text");
  CHECK(tmpl::PyStr(Value(List{1, "a", Value(), true, 1.5})) == "[1, 'a', None, True, 1.5]");
  CHECK(tmpl::PyRepr(Value("it's")) == "\"it's\"");
  CHECK(tmpl::PyRepr(Value("both ' and \"")) == "'both \\' and \"'");
  CHECK(tmpl::PyRepr(Value("line\nbreak")) == "'line\\nbreak'");
  CHECK(tmpl::PyStr(Value(Map{{"k", List{}}})) == "{'k': []}");
}

TEST_CASE("YAML output in PyYAML's block style, with aliases for shared values") {
  Value shared(List{1, 2});
  Value doc(Map{{"b", Value(Map{{"x", shared}, {"y", shared}})},
                {"a", Value(List{Value(List{3}), Value(Map{{"k", "v"}, {"j", "yes"}})})},
                {"e", Value(Map{})}});
  CHECK(DumpInventoryYaml(doc) ==
        "a:\n"
        "- - 3\n"
        "- j: 'yes'\n"
        "  k: v\n"
        "b:\n"
        "  x: &id001\n"
        "  - 1\n"
        "  - 2\n"
        "  y: *id001\n"
        "e: {}\n");
}

TEST_CASE("JSON output: sorted, indented, vault values as ciphertext, unsafe marked") {
  Value doc(Map{{"z", 1},
                {"u", Value("{{ x }}").set_unsafe()},
                {"s", Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n6162\n")}});
  CHECK(DumpInventoryJson(doc) ==
        "{\n"
        "    \"s\": {\n"
        "        \"__ansible_vault\": \"$ANSIBLE_VAULT;1.1;AES256\\n6162\\n\"\n"
        "    },\n"
        "    \"u\": {\n"
        "        \"__ansible_unsafe\": \"{{ x }}\"\n"
        "    },\n"
        "    \"z\": 1\n"
        "}");
}
