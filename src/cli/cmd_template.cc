// `drover template SRC [-i INVENTORY --host HOST] [-e VARS]...`: renders a
// Jinja2 template to stdout with the template module's environment
// (trim_blocks, keep_trailing_newline, `#jinja2:` header overrides, includes
// next to SRC) and, with --host, that host's variables from the inventory
// (group_vars/host_vars, vaulted values decrypted with a vault password).
// Decrypted secrets are masked in the output, like everything drover prints.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/command.h"
#include "cli/report.h"
#include "cli/target_hosts.h"
#include "cli/vault_flags.h"
#include "core/file_util.h"
#include "core/secrets.h"
#include "template/template.h"
#include "vars/extra_vars.h"

namespace drover::cli {

namespace {

int Run(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{
      "Render a Jinja2 template to stdout with the template module's environment.\n"
      "Variables: with -i and --host, that host's inventory variables; -e (key=value, "
      "@vars.yml, @vars.json, or '{json}') on top. Decrypted vault values are masked.",
      prog};
  std::string src;
  std::vector<std::string> extra, inventories;
  std::string host;
  VaultFlags vault;
  app.add_option("SRC", src, "template file")->required();
  app.add_option("-e,--extra-vars", extra, "variables: key=value, @file (YAML/JSON), or '{json}'")
      ->allow_extra_args(false);
  app.add_option("-i,--inventory", inventories, "inventory (repeatable)")->allow_extra_args(false);
  app.add_option("--host", host, "host whose variables to use (needs -i)");
  AddVaultFlags(&app, &vault);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 5;
  }
  if (Status vs = InstallVaultDecryptor(vault); !vs) return ReportError(vs.error());
  Warnings warnings;
  Result<Map> extra_vars = vars::LoadExtraVars(extra, &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  if (!extra_vars) return ReportError(extra_vars.error());
  Map vars = *extra_vars;
  if (!host.empty()) {
    std::vector<Error> host_warnings;
    Result<std::vector<TargetHost>> hosts =
        ResolveTargetHosts(host, inventories, "", *extra_vars, &host_warnings);
    for (const Error& w : host_warnings) ReportWarning(w);
    if (!hosts) return ReportError(hosts.error());
    if (hosts->size() != 1) {
      Error e = MakeError("--host must name exactly one host of the inventory; '" + host +
                          "' matches " + std::to_string(hosts->size()));
      e.code = ExitCode::kBadOptions;
      return ReportError(e);
    }
    vars = (*hosts)[0].vars;
  }
  Result<std::string> text = ReadFile(src);
  if (!text) return ReportError(text.error());
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path full = fs::absolute(src, ec);
  // Variables the template module adds.
  if (!vars.contains("template_path")) vars.set("template_path", Value(src));
  if (!vars.contains("template_fullpath")) vars.set("template_fullpath", Value(full.string()));
  if (!vars.contains("ansible_managed")) vars.set("ansible_managed", Value("Ansible managed"));
  tmpl::MapScope scope{Value(std::move(vars))};
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
  c.summary = "Render a Jinja2 template with a host's variables (-i/--host) and -e";
  c.run = Run;
  return c;
}

}  // namespace drover::cli
