// Blow-ups a template can ask for by accident or malice must end in a clear
// error within bounded time and memory (issue 19): huge repetitions and
// concatenations, huge ranges and products, catastrophic regexes.
#include <doctest/doctest.h>

#include <chrono>

#include "template/template.h"

namespace drover::tmpl {
namespace {

std::string Render(std::string_view text) {
  MapScope scope(Value(Map{}));
  Result<std::string> r = RenderString(text, "t.j2", scope, Options::TemplateModule());
  if (!r) return "ERROR: " + r.error().headline();
  return *r;
}

// Renders and checks it ends within `seconds` (generous: the sanitizer build
// at -O0 on a loaded machine is slow; a hang or an unbounded build is not).
std::string RenderQuickly(std::string_view text, int seconds = 60) {
  const auto start = std::chrono::steady_clock::now();
  std::string out = Render(text);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds));
  return out;
}

TEST_CASE("limits: repetition and concatenation fail before allocating") {
  CHECK(RenderQuickly("{{ ('x' * 10**9) | length }}").find("string too large") !=
        std::string::npos);
  CHECK(RenderQuickly("{{ ([1, 2] * 10**9) | length }}").find("list too large") !=
        std::string::npos);
  CHECK(RenderQuickly("{{ 10**12 * 'ab' }}").find("exceeds drover's limit") != std::string::npos);
  // Doubling a string in a loop: each step is checked.
  CHECK(RenderQuickly("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                      "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}")
            .find("string too large") != std::string::npos);
  CHECK(RenderQuickly("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                      "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}")
            .find("string too large") != std::string::npos);
  // Under the limits, Python's results.
  CHECK(Render("{{ ('ab' * 3) }} {{ [0] * 2 }} {{ 'x' * 0 }}|{{ 'x' * -1 }}|") ==
        "ababab [0, 0] ||");
  CHECK(Render("{{ ('x' * 1000000) | length }}") == "1000000");
}

TEST_CASE("limits: ranges, products and regexes") {
  CHECK(RenderQuickly("{{ range(10**9) | length }}").find("list too large") != std::string::npos);
  CHECK(Render("{{ range(200000) | length }}") == "200000");  // no sandbox MAX_RANGE in Ansible
  CHECK(RenderQuickly("{{ range(10**9) | product(repeat=3) | list | length }}").find("ERROR") == 0);
  CHECK(RenderQuickly("{{ [1,2,3,4,5,6,7,8,9,10] | product(repeat=7) | list | length }}")
            .find("product() too large") != std::string::npos);
  CHECK(RenderQuickly("{{ [1] | product(repeat=10**9) | list | length }}")
            .find("product() too large") != std::string::npos);
  CHECK(Render("{{ [1,2] | product(repeat=2) | list | length }}") == "4");
  CHECK(Render("{{ [] | product([1], repeat=3) | list }}") == "[]");
  // Catastrophic backtracking: PCRE2's match limit turns it into an error.
  CHECK(RenderQuickly("{{ ('a' * 40 + '!') | regex_search('(a+)+$') }}")
            .find("match limit exceeded") != std::string::npos);
  CHECK(RenderQuickly("{{ ('a' * 40 + '!') | regex_replace('(a|aa)+$', 'x') }}").find("ERROR") !=
        std::string::npos);
}

}  // namespace
}  // namespace drover::tmpl
