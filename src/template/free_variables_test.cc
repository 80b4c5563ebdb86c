#include "template/free_variables.h"

#include <doctest/doctest.h>

namespace drover::tmpl {
namespace {

// The unguarded required names of a template, space-separated, in order.
std::string Need(std::string_view text) {
  Result<TemplateNames> r = AnalyzeTemplate(text);
  REQUIRE(r.ok());
  std::string s;
  for (const NameUse& u : r->Unguarded()) s += (s.empty() ? "" : " ") + u.name;
  return s;
}

std::string NeedWhen(std::string_view expr) {
  Result<TemplateNames> r = AnalyzeConditional(expr);
  REQUIRE(r.ok());
  std::string s;
  for (const NameUse& u : r->Unguarded()) s += (s.empty() ? "" : " ") + u.name;
  return s;
}

TEST_CASE("free variables: printed, compared, iterated names are required") {
  CHECK(Need("plain text") == "");
  CHECK(Need("{{ a }}") == "a");
  CHECK(Need("x{{ a.b.c }}y{{ d['k'] }}") == "a d");
  CHECK(Need("{{ a + 1 }} {{ -b }} {{ c ~ 'x' }}") == "a b c");
  CHECK(Need("{{ a == 1 }} {{ 2 < b }}") == "a b");
  CHECK(Need("{{ a | upper }} {{ b | length }} {{ c | join(',') }}") == "a b c");
  CHECK(Need("{{ a.split(',') }}") == "a");
  CHECK(Need("{% for i in items %}{{ i }}{% endfor %}") == "items");
  CHECK(Need("{% if flag %}{{ body }}{% endif %}") == "flag");
  CHECK(NeedWhen("a and b") == "a");
  CHECK(NeedWhen("not a or b") == "a");
  CHECK(NeedWhen("x in ['a', 'b'] and y") == "");
  CHECK(NeedWhen("'a' in x") == "x");
}

TEST_CASE("free variables: guarded names are not required") {
  CHECK(Need("{{ a | default('x') }}") == "");
  CHECK(Need("{{ a | d(b) }}") == "");  // the fallback is only evaluated when needed
  CHECK(Need("{{ a.b | default(omit) }}") == "");
  CHECK(NeedWhen("a is defined and a") == "");
  CHECK(NeedWhen("a is undefined or a == 1") == "");
  CHECK(NeedWhen("a is not defined") == "");
  CHECK(NeedWhen("a") == "a");
  // A guard anywhere in the template covers every use of that name.
  CHECK(Need("{{ a if a is defined else 'x' }}{{ a }}") == "");
  // Guarding one name does not cover another.
  CHECK(Need("{{ a | default(1) }}{{ b }}") == "b");
}

TEST_CASE("free variables: names reached only conditionally are read, not required") {
  CHECK(Need("{{ a if c else b }}") == "c");
  CHECK(Need("{% if c %}{{ a }}{% elif d %}{{ b }}{% else %}{{ e }}{% endif %}") == "c");
  CHECK(Need("{{ [a, b] | length }}") == "");  // literal elements may stay undefined
  CHECK(Need("{{ a | type_debug }}") == "");
  CHECK(Need("{{ a is string }}") == "");
  CHECK(Need("{{ lookup('env', a) }}") == "");
  Result<TemplateNames> r = AnalyzeTemplate("{% if c %}{{ a }}{% endif %}{{ b | default(d) }}");
  REQUIRE(r.ok());
  CHECK(r->read == std::set<std::string>{"a", "b", "c", "d"});
  CHECK(r->guarded == std::set<std::string>{"b", "d"});
}

TEST_CASE("free variables: names bound in the template are not free") {
  CHECK(Need("{% set x = 1 %}{{ x }}") == "");
  CHECK(Need("{% for k, v in d.items() %}{{ k }}{{ loop.index }}{% endfor %}{{ k }}") == "d");
  CHECK(Need("{% macro m(p) %}{{ p }}{{ q }}{% endmacro %}{{ m(1) }}") == "");
  CHECK(Need("{% set ns = namespace(n=0) %}{% set ns.n = 1 %}{{ ns.n }}") == "");
  CHECK(Need("{% with y = 2 %}{{ y }}{% endwith %}") == "");
  CHECK(Need("{% set blk %}{{ inner }}{% endset %}{{ blk }}") == "inner");
}

TEST_CASE("free variables: mandatory, locations and syntax errors") {
  Result<TemplateNames> r = AnalyzeTemplate("port: {{ app_port | mandatory }}\nhost: {{ h }}");
  REQUIRE(r.ok());
  REQUIRE(r->required.size() == 2);
  CHECK(r->required[0].name == "app_port");
  CHECK(r->required[0].mandatory);
  CHECK(r->required[0].line == 1);
  CHECK(r->required[0].col == 10);
  CHECK(r->required[1].name == "h");
  CHECK(r->required[1].line == 2);
  CHECK_FALSE(r->required[1].mandatory);
  CHECK_FALSE(AnalyzeTemplate("{{ a +").ok());
  CHECK_FALSE(AnalyzeConditional("a ==").ok());
  // A conditional written as a template is analysed as one.
  CHECK(NeedWhen("{{ a }}") == "a");
}

TEST_CASE("free variables: inheritance") {
  // super() and self are not variables; a block body may be replaced by a
  // child template, so its names are read, not required.
  CHECK(Need("{% block b %}{{ super() }}{{ self.b() }}{{ inner }}{% endblock %}") == "");
  // (the template name is read, not required, as for include)
  CHECK(Need("{% extends parent %}{{ dropped }}{% set x = y + 1 %}") == "");
  CHECK(Need("{% autoescape on %}{{ a }}{% endautoescape %}") == "on a");
}

}  // namespace
}  // namespace drover::tmpl
