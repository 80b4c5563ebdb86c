#include "output/yaml_results.h"

#include <doctest/doctest.h>

using namespace drover;
using namespace drover::output;

// Expected text is community.general.yaml's _dump_results output (Debian's
// ansible 7.x, PyYAML with libyaml) for the same result.
TEST_CASE("yaml callback: headers, omitted lines, literal blocks") {
  Map r{{"changed", true},
        {"rc", 0},
        {"stdout", "one  \n\ttwo\r\n"},
        {"stdout_lines", List{"one", "two"}},
        {"stderr", ""},
        {"stderr_lines", List{}},
        {"exception", "trace"},
        {"mode", "0644"}};
  CHECK(YamlDumpResult(r) ==
        "changed=true \n"
        "  mode: '0644'\n"
        "  rc: 0\n"
        "  stderr: ''\n"
        "  stderr_lines: <omitted>\n"
        "  stdout: |-\n"
        "    one\n"
        "            two\n"
        "  stdout_lines: <omitted>");
}

TEST_CASE("yaml callback: nothing left but the headers, and odd blocks") {
  CHECK(YamlDumpResult(Map{{"changed", false}, {"skipped", true}}) == "changed=false skipped=true");
  CHECK(YamlDumpResult(Map{}).empty());
  // A block starting with a space carries the indentation hint; a string
  // that is only a line break is left empty and so double-quoted.
  CHECK(YamlDumpResult(Map{{"a", "  x\ny"}, {"b", "\n"}}) ==
        "\n  a: |2-\n      x\n    y\n  b: \"\"");
  // Nested: a list item and a mapping value in a list.
  CHECK(YamlDumpResult(Map{{"msg", List{"p", Map{{"k", "v\nw"}}}}}) ==
        "\n  msg:\n  - p\n  - k: |-\n      v\n      w");
}
