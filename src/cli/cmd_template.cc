// `drover template SRC [-e VARS]...`: renders a Jinja2 template to stdout
// with the template module's environment (trim_blocks, keep_trailing_newline,
// `#jinja2:` header overrides, includes next to SRC).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/command.h"
#include "cli/extra_vars.h"
#include "cli/report.h"
#include "core/file_util.h"
#include "core/secrets.h"
#include "template/template.h"

namespace drover::cli {
namespace {

int Run(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{
      "Render a Jinja2 template to stdout with the template module's environment.\n"
      "Variables come from -e (key=value, @vars.yml, @vars.json, or '{json}').\n"
      "PARTIAL: -i/--host (inventory variables) are accepted but not wired yet; "
      "vaulted values decrypt only once a vault password source is wired.",
      prog};
  std::string src;
  std::vector<std::string> extra;
  std::string inventory, host;
  app.add_option("SRC", src, "template file")->required();
  app.add_option("-e,--extra-vars", extra, "variables: key=value, @file (YAML/JSON), or '{json}'");
  app.add_option("-i,--inventory", inventory, "inventory (not wired yet)");
  app.add_option("--host", host, "host whose variables to use (not wired yet)");
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 5;
  }
  if (!inventory.empty() || !host.empty()) {
    return ReportError(
        MakeError("-i/--host are not wired yet in this version of drover; pass variables with -e"));
  }
  Result<Value> vars = LoadExtraVars(extra);
  if (!vars) return ReportError(vars.error());
  Result<std::string> text = ReadFile(src);
  if (!text) return ReportError(text.error());
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path full = fs::absolute(src, ec);
  // Variables the template module adds.
  Map& m = vars->as_map();
  if (!m.contains("template_path")) m.set("template_path", Value(src));
  if (!m.contains("template_fullpath")) m.set("template_fullpath", Value(full.string()));
  if (!m.contains("ansible_managed")) m.set("ansible_managed", Value("Ansible managed"));
  tmpl::MapScope scope(*vars);
  tmpl::Hooks hooks;
  fs::path base = full.parent_path();
  hooks.loader = [base](const std::string& name,
                        const std::string&) -> Result<tmpl::LoadedTemplate> {
    fs::path p = fs::path(name).is_absolute() ? fs::path(name) : base / name;
    Result<std::string> t = ReadFile(p.string());
    if (!t) return MakeError("template not found: " + name);
    return tmpl::LoadedTemplate{name, std::move(*t)};
  };
  Result<std::string> out =
      tmpl::RenderString(*text, src, scope, tmpl::Options::TemplateModule(), hooks);
  if (!out) return ReportError(out.error());
  std::string redacted = Redact(*out);
  std::fwrite(redacted.data(), 1, redacted.size(), stdout);
  return 0;
}

}  // namespace

Command TemplateCommand() {
  Command c;
  c.name = "template";
  c.summary = "Render a Jinja2 template with -e variables (-i/--host not wired yet)";
  c.run = Run;
  return c;
}

}  // namespace drover::cli
