#include "template/template.h"

#include <doctest/doctest.h>

#include "core/json.h"

namespace drover::tmpl {
namespace {

Value Vars(std::string_view json) {
  Result<Value> v = ParseJson(json);
  REQUIRE(v.ok());
  return *v;
}

std::string R(std::string_view text, std::string_view vars = "{}",
              Options opts = Options::TemplateModule()) {
  MapScope scope(Vars(vars));
  Result<std::string> r = RenderString(text, "t.j2", scope, opts);
  if (!r) return "ERROR: " + r.error().headline();
  return *r;
}

TEST_CASE("template: expressions and statements") {
  CHECK(R("{{ 1 + 2 * 3 }}") == "7");
  CHECK(R("{{ [1, 'a', none, true] }}") == "[1, 'a', None, True]");
  CHECK(R("{{ x }}", R"({"x": null})") == "");
  CHECK(R("{% for i in [1,2,3] %}{{ loop.index }}{{ i }}{% endfor %}") == "112233");
  CHECK(R("{% if a %}y{% else %}n{% endif %}", R"({"a": 0})") == "n");
  CHECK(R("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 1 / 2 }}") ==
        "3 -4 -2 1024 0.5");
  CHECK(R("{{ 'a,b'.split(',') }}") == "['a', 'b']");
  CHECK(R("{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }}{{ m(3, b=4) }}") ==
        "1-23-4");
}

TEST_CASE("template: whitespace control") {
  CHECK(R("{% if true %}\nx\n{% endif %}\n") == "x\n");
  CHECK(R("a  {%- if true -%}  b  {%- endif %}") == "ab");
  Options o = Options::TemplateModule();
  o.lstrip_blocks = true;
  CHECK(R("  {% if true %}\nx\n  {% endif %}\n", "{}", o) == "x\n");
}

TEST_CASE("template: errors name the variable, line and filter") {
  std::string e = R("line1\n{{ nope }}");
  CHECK(e.find("t.j2:2") != std::string::npos);
  CHECK(e.find("'nope' is undefined") != std::string::npos);
  std::string f = R("{{ 1 | uper }}");
  CHECK(f.find("did you mean 'upper'") == std::string::npos);
  CHECK(f.find("Did you mean 'upper'") != std::string::npos);
  CHECK(R("{{ x | default('d') }}") == "d");
  CHECK(R("{{ x is defined }}") == "False");
}

TEST_CASE("template: header overrides") {
  Options o;
  Result<std::string_view> rest =
      ApplyHeaderOverrides("#jinja2: trim_blocks: False, lstrip_blocks: True\nbody", &o);
  REQUIRE(rest.ok());
  CHECK(*rest == "body");
  CHECK_FALSE(o.trim_blocks);
  CHECK(o.lstrip_blocks);
  CHECK_FALSE(ApplyHeaderOverrides("#jinja2: bogus: True\n", &o).ok());
}

TEST_CASE("templar: native-ish values, lazy variables, loops") {
  MapScope scope(Vars(R"({"a": "{{ b }}", "b": [1, 2], "n": "{{ 1 + 1 }}",
                          "loop1": "{{ loop2 }}", "loop2": "{{ loop1 }}",
                          "t": "{{ 'True' }}"})"));
  Result<Value> v = TemplateValue(Value("{{ a }}"), scope);
  REQUIRE(v.ok());
  CHECK(v->is_list());
  Result<Value> n = TemplateValue(Value("{{ n }}"), scope);
  REQUIRE(n.ok());
  CHECK(n->is_string());
  CHECK(n->as_string() == "2");
  Result<Value> t = TemplateValue(Value("{{ t }}"), scope);
  REQUIRE(t.ok());
  CHECK(t->is_bool());
  Result<Value> l = TemplateValue(Value("{{ loop1 }}"), scope);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().message.find("recursive loop detected") != std::string::npos);
  Value unsafe("{{ a }}");
  unsafe.set_unsafe();
  Result<Value> u = TemplateValue(unsafe, scope);
  REQUIRE(u.ok());
  CHECK(u->as_string() == "{{ a }}");
}

TEST_CASE("conditionals") {
  MapScope scope(Vars(R"({"x": 3, "s": "abc", "r": {"changed": true}})"));
  CHECK(*EvaluateConditional("x > 2", scope));
  CHECK_FALSE(*EvaluateConditional("x is not defined", scope));
  CHECK(*EvaluateConditional("y is undefined", scope));
  CHECK(*EvaluateConditional("r is changed and s is match('a.c')", scope));
  CHECK_FALSE(EvaluateConditional("y == 1", scope).ok());
}

TEST_CASE("literal_eval and repr") {
  CHECK(PyRepr(*LiteralEval("{'a': [1, 2.5, None, True, \"it's\"]}")) ==
        "{'a': [1, 2.5, None, True, \"it's\"]}");
  CHECK_FALSE(LiteralEval("[1, 2] x").has_value());
  CHECK(PyRepr(Value("a\nb'")) == "\"a\\nb'\"");
}

}  // namespace
}  // namespace drover::tmpl

namespace drover::tmpl {
namespace {

TEST_CASE("template: parse once, render many; layered scopes") {
  Result<Template> t = Template::Parse("{{ a }}-{{ b }}", "t");
  REQUIRE(t.ok());
  Value top = Vars(R"({"a": 1})");
  Value bottom = Vars(R"({"a": 0, "b": 2})");
  MapScope ts(top), bs(bottom);
  LayeredScope scope(ts, bs);
  for (int i = 0; i < 3; ++i) {
    Result<std::string> r = t->Render(scope);
    REQUIRE(r.ok());
    CHECK(*r == "1-2");
  }
}

TEST_CASE("template: vault values decrypt on use; failures become errors") {
  SetVaultDecryptor([](const std::string& envelope, const Location&) -> Result<std::string> {
    if (envelope.find("good") != std::string::npos) return std::string("s3cret");
    return MakeError("Decryption failed (no vault secrets were found that could decrypt)");
  });
  Map m;
  m.set("good", Value::Vault("$ANSIBLE_VAULT;1.1;AES256\ngood"));
  m.set("bad", Value::Vault("$ANSIBLE_VAULT;1.1;AES256\nbad"));
  MapScope scope{Value(std::move(m))};
  Result<std::string> ok = RenderString("pw={{ good }} {{ good is vault_encrypted }}", "t", scope,
                                        Options::TemplateModule());
  REQUIRE(ok.ok());
  CHECK(*ok == "pw=s3cret True");
  Result<std::string> bad = RenderString("{{ bad }}", "t", scope, Options::TemplateModule());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("Decryption failed") != std::string::npos);
  Result<Value> kept = TemplateValue(*scope.Lookup("bad"), scope);
  REQUIRE(kept.ok());  // the templar leaves vault values alone
  CHECK(kept->is_vault());
  SetVaultDecryptor(nullptr);
}

}  // namespace
}  // namespace drover::tmpl

namespace drover::tmpl {
namespace {

TEST_CASE("template: lookup hook and include loader") {
  MapScope scope(Vars(R"({"who": "x"})"));
  Hooks hooks;
  hooks.lookup = [](const std::string& plugin, const List& args, const Map&, bool wantlist,
                    const Scope&) -> Result<Value> {
    if (plugin != "env") return MakeError("lookup plugin '" + plugin + "' not found");
    Value v(args.empty() ? "" : "HOME=" + args[0].as_string());
    return wantlist ? Value(List{v}) : v;
  };
  hooks.loader = [](const std::string& name, const std::string&) -> Result<LoadedTemplate> {
    if (name == "part.j2") return LoadedTemplate{"part.j2", "part:{{ who }}"};
    return MakeError("template not found: " + name);
  };
  Result<std::string> r =
      RenderString("{{ lookup('env', 'HOME') }} {{ query('env', 'X') }} {% include 'part.j2' %}",
                   "t", scope, Options::TemplateModule(), hooks);
  REQUIRE(r.ok());
  CHECK(*r == "HOME=HOME ['HOME=X'] part:x");
  Result<std::string> e = RenderString("{{ lookup('nope') }}", "t", scope, Options(), hooks);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("'nope' not found") != std::string::npos);
  Result<std::string> inc =
      RenderString("{% include 'missing.j2' %}", "t", scope, Options(), hooks);
  REQUIRE_FALSE(inc.ok());
}

}  // namespace
}  // namespace drover::tmpl
