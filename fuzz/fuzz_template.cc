// libFuzzer target: the Jinja2 engine, lexer to renderer. The input is
// parsed as a template and, when it parses, rendered against a small
// context (no include loader, no lookups). Errors are fine; crashes, hangs
// and runaway memory are findings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.h"
#include "template/template.h"

namespace {
drover::Value Context() {
  drover::Map vars;
  vars.set("name", "web1");
  vars.set("port", 8080);
  vars.set("ratio", 0.5);
  vars.set("enabled", true);
  vars.set("nothing", drover::Value());
  vars.set("items", drover::List{1, "two", 3.0, drover::List{"a", "b"}});
  drover::Map user;
  user.set("name", "deploy");
  user.set("groups", drover::List{"sudo", "www-data"});
  vars.set("user", user);
  vars.set("lazy", "{{ name }}-{{ port }}");
  return drover::Value(vars);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const drover::tmpl::MapScope scope(Context());
  // The low bit of the length picks the templar's or the template module's options.
  const auto options =
      size % 2 ? drover::tmpl::Options::Templar() : drover::tmpl::Options::TemplateModule();
  auto parsed = drover::tmpl::Template::Parse(text, "fuzz.j2", options);
  if (!parsed.ok()) return 0;
  try {
    (void)parsed->Render(scope);
  } catch (const drover::Failure&) {
  }
  return 0;
}
