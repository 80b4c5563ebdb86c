// Template inheritance ({% extends %}, blocks, self, super) and the Jinja2
// syntax errors of issue 17.
#include <doctest/doctest.h>

#include <map>

#include "template/template.h"

namespace drover::tmpl {
namespace {

// Renders `text` with templates loaded from `files` (name -> source).
std::string Render(std::string_view text, const std::map<std::string, std::string>& files = {}) {
  Hooks hooks;
  hooks.loader = [files](const std::string& name, const std::string&) -> Result<LoadedTemplate> {
    auto it = files.find(name);
    if (it == files.end()) return MakeError("template not found: " + name);
    return LoadedTemplate{name, it->second};
  };
  Map vars;
  vars.set("n", Value(5));
  vars.set("l", Value(List{Value(1), Value(2)}));
  MapScope scope{Value(vars)};
  Result<std::string> r = RenderString(text, "child.j2", scope, Options::TemplateModule(), hooks);
  if (!r) return "ERROR: " + r.error().headline();
  return *r;
}

const std::map<std::string, std::string> kBase = {
    {"base.j2", "<{% block head %}H{% endblock %}|{% block body %}B{% endblock %}>"},
    {"mid.j2", "{% extends 'base.j2' %}{% block body %}M{{ super() }}{% endblock %}"},
};

bool Fails(const std::string& out, std::string_view message) {
  return out.rfind("ERROR: ", 0) == 0 && out.find(message) != std::string::npos;
}

TEST_CASE("inheritance: a child replaces its parent's blocks") {
  CHECK(Render("{% extends 'base.j2' %}", kBase) == "<H|B>");
  CHECK(Render("{% extends 'base.j2' %}{% block body %}c{% endblock %}", kBase) == "<H|c>");
  // Top-level output of a child after {% extends %} is dropped.
  CHECK(Render("{% extends 'base.j2' %}dropped {{ nope }}{% block head %}h{% endblock %}", kBase) ==
        "<h|B>");
  // Top-level assignments of the child are seen by the blocks.
  CHECK(Render("{% extends 'base.j2' %}{% set v = 3 %}{% block body %}{{ v }}{% endblock %}",
               kBase) == "<H|3>");
  CHECK(Render("{% set p = 'base.j2' %}{% if n %}{% extends p %}{% endif %}x", kBase) == "<H|B>");
}

TEST_CASE("inheritance: super() and self across three levels") {
  CHECK(Render("{% extends 'mid.j2' %}{% block body %}[{{ super() }}]{% endblock %}", kBase) ==
        "<H|[MB]>");
  CHECK(Render("{% block a %}A{% endblock %}-{{ self.a() }}") == "A-A");
  CHECK(Render("{% extends 'base.j2' %}{% block body %}{{ self.head() }}{% endblock %}", kBase) ==
        "<H|H>");
  CHECK(Fails(Render("{% block a %}{{ super() }}{% endblock %}"), "no parent block called 'a'"));
}

TEST_CASE("inheritance: block scoping and required blocks") {
  std::map<std::string, std::string> loop = {
      {"scoped.j2", "{% for i in l %}{% block x scoped %}{{ i }}{% endblock %}{% endfor %}"},
      {"unscoped.j2", "{% for i in l %}{% block x %}{{ i }}{% endblock %}{% endfor %}"},
      {"rq.j2", "[{% block r required %} {% endblock %}]"}};
  CHECK(Render("{% extends 'scoped.j2' %}{% block x %}<{{ i }}>{% endblock %}", loop) == "<1><2>");
  CHECK(Fails(Render("{% extends 'unscoped.j2' %}", loop), "'i' is undefined"));
  CHECK(Render("{% extends 'rq.j2' %}{% block r %}ok{% endblock %}", loop) == "[ok]");
  CHECK(Fails(Render("{% extends 'rq.j2' %}", loop), "Required block 'r' not found"));
  CHECK(Fails(Render("{% block r required %}x{% endblock %}"),
              "Required blocks can only contain comments or whitespace"));
}

TEST_CASE("inheritance: errors") {
  CHECK(Fails(Render("{% block a %}1{% endblock %}{% block a %}2{% endblock %}"),
              "block 'a' defined twice"));
  CHECK(Fails(Render("{% extends 'base.j2' %}{% extends 'base.j2' %}", kBase),
              "extended multiple times"));
  CHECK(Fails(Render("{% extends 'nope.j2' %}"), "template not found: nope.j2"));
  std::map<std::string, std::string> self_loop = {{"a.j2", "{% extends 'a.j2' %}"}};
  CHECK(Fails(Render("{% extends 'a.j2' %}", self_loop), "maximum recursion depth exceeded"));
  // Ansible joins a block called through super() with "".join: a printed
  // int in it fails there.
  std::map<std::string, std::string> ints = {{"i.j2", "{% block b %}x{{ n }}{% endblock %}"}};
  CHECK(Fails(Render("{% extends 'i.j2' %}{% block b %}{{ super() }}{% endblock %}", ints),
              "sequence item 1: expected str instance, int found"));
}

TEST_CASE("jinja2 syntax errors: constants, macro signatures, inline if") {
  CHECK(Fails(Render("{% set true = 1 %}"), "can't assign to 'const'"));
  CHECK(Fails(Render("{% for None in l %}{% endfor %}"), "can't assign to 'const'"));
  CHECK(Fails(Render("{% set a, b, = 1, 2 %}"), "unexpected '='"));
  CHECK(Render("{% set a, b = 1, 2, %}{{ a }}{{ b }} {{ (1, 2,) }} {{ [1,] }} {{ {'a': 1,} }}") ==
        "12 (1, 2) [1] {'a': 1}");
  CHECK(Fails(Render("{% macro m(a=1, b) %}{% endmacro %}"),
              "non-default argument follows default argument"));
  CHECK(Fails(Render("{% macro m(caller) %}{% endmacro %}"), "special \"caller\" argument"));
  CHECK(Fails(Render("{{ (n if false).attr }}"),
              "inline if-expression on line 1 evaluated to false"));
  CHECK(Render("{{ (n if false) | default('d') }}") == "d");
}

TEST_CASE("macros: a caller does not see the calling macro's locals") {
  CHECK(Render("{% macro m() %}{% for i in l %}{{ caller(i) }}{% endfor %}{% endmacro %}"
               "{% call(x) m() %}{{ loop is defined }}{{ x }}{% endcall %}") == "False1False2");
  CHECK(Render("{% macro m() %}{{ caller.arguments }}{{ m.arguments }}{% endmacro %}"
               "{% call(x, y) m() %}{% endcall %}") == "('x', 'y')()");
}

}  // namespace
}  // namespace drover::tmpl
