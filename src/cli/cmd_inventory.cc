// `drover inventory` / `ansible-inventory`: shows an inventory as drover
// (and Ansible) sees it. Output matches ansible-inventory 2.14.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/ansible_settings.h"
#include "cli/command.h"
#include "cli/config_defaults.h"
#include "cli/inventory_output.h"
#include "cli/report.h"
#include "cli/vault_flags.h"
#include "core/secrets.h"
#include "inventory/host_pattern.h"
#include "inventory/sources.h"
#include "vars/extra_vars.h"
#include "vars/inventory_vars.h"

namespace drover::cli {
namespace {

constexpr const char* kUsage =
    "[options] (--list | --graph [GROUP] | --host HOST)\n\n"
    "Show an inventory as Ansible sees it, in ansible-inventory's formats.\n\n"
    "Actions (exactly one):\n"
    "  --list                 all groups and hosts, with _meta.hostvars (JSON)\n"
    "  --graph [GROUP]        the group tree from GROUP (default: all)\n"
    "  --host HOST            one host's variables (JSON)\n\n"
    "Options:\n"
    "  -i, --inventory SRC    inventory file, directory or 'host1,host2,' list;\n"
    "                         repeatable (default: /etc/ansible/hosts)\n"
    "  -y, --yaml             YAML instead of JSON (--list, --host)\n"
    "  --vars                 with --graph: show variables\n"
    "  --export               with --list: variables where they are defined\n"
    "  --output FILE          write the --list/--host result to FILE\n"
    "  --playbook-dir DIR     also read DIR/group_vars and DIR/host_vars\n"
    "                         (default: the current directory, as Ansible)\n"
    "  -e, --extra-vars VARS  key=value, YAML/JSON text or @file; repeatable\n"
    "  --vault-password-file FILE, --vault-id ID, -J/--ask-vault-pass\n"
    "                         vault passwords (see `drover vault --help`)\n"
    "  -v, --verbose          accepted for compatibility\n\n"
    "Not supported: --toml, executable inventory scripts, inventory plugins.\n\n"
    "Exit codes (as ansible-inventory's): 0 ok; 1 error; 2 a command line the parser\n"
    "rejects; 4 a group_vars/host_vars file that cannot be read or decrypted (a wrong\n"
    "vault password); 5 bad or incomplete options; 250 unexpected error.\n";

struct Options {
  std::vector<std::string> inventories;
  bool list = false;
  bool graph = false;
  std::string host;
  bool yaml = false;
  bool toml = false;
  bool show_vars = false;
  bool export_mode = false;
  std::string output;
  std::string playbook_dir;
  std::vector<std::string> extra_vars;
  std::string pattern;
  int verbosity = 0;
  VaultFlags vault;
};

int BadOptions(const std::string& message) {
  Error e = MakeError(message);
  e.code = ExitCode::kBadOptions;
  return ReportError(e);
}

int Emit(const std::string& text, const std::string& output) {
  if (output.empty()) {
    Display(text);  // as Ansible's display: logged too
    return 0;
  }
  const std::string safe = Redact(text);
  FILE* f = std::fopen(output.c_str(), "wb");
  if (f == nullptr || std::fwrite(safe.data(), 1, safe.size(), f) != safe.size()) {
    if (f) std::fclose(f);
    return ReportError(MakeError("Unable to write to destination file (" + output + ")"));
  }
  std::fclose(f);
  return 0;
}

int Run(const std::string& prog, std::vector<std::string> args) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::printf("Usage: %s %s", prog.c_str(), kUsage);
      return 0;
    }
  }
  Options o;
  CLI::App app{"Show an inventory as Ansible sees it", prog};
  app.set_help_flag();
  app.add_option("-i,--inventory,--inventory-file", o.inventories);
  app.add_flag("--list", o.list);
  app.add_flag("--graph", o.graph);
  app.add_option("--host", o.host);
  app.add_flag("-y,--yaml", o.yaml);
  app.add_flag("--toml", o.toml);
  app.add_flag("--vars", o.show_vars);
  app.add_flag("--export", o.export_mode);
  app.add_option("--output", o.output);
  app.add_option("--playbook-dir", o.playbook_dir);
  app.add_option("-e,--extra-vars", o.extra_vars);
  app.add_flag("-v,--verbose", o.verbosity);
  app.add_option("pattern", o.pattern);
  AddVaultFlags(&app, &o.vault);
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return ReportUsageError(e.what());
  }
  // ansible.cfg [defaults], found as Ansible finds it; log_path opened
  // before anything is shown, as Ansible's display sets it up on start.
  const AnsibleConfig cfg = ReadAnsibleConfig();
  std::unique_ptr<output::AnsibleLog> log = OpenConfiguredLog(cfg);
  if (Status ss = ReportSettings(AnsibleSettings(cfg)); !ss)
    return static_cast<int>(ss.error().code);

  const int actions = int(o.list) + int(o.graph) + int(!o.host.empty());
  if (actions == 0) {
    return BadOptions(
        "No action selected, at least one of --host, --graph or --list needs to be specified.");
  }
  if (actions > 1) {
    return BadOptions(
        "Conflicting options used, only one of --host, --graph or --list can be used at the "
        "same time.");
  }
  if (o.toml) return BadOptions("--toml output is not supported by drover");
  if (Status s = InstallVaultDecryptor(o.vault); !s) return ReportError(s.error());
  // ansible.cfg [defaults] inventory (or ANSIBLE_INVENTORY), as ansible-inventory reads it.
  if (o.inventories.empty()) o.inventories = ConfiguredInventory(cfg);
  if (o.inventories.empty()) o.inventories.push_back("/etc/ansible/hosts");

  Result<inventory::Inventory> inv = inventory::LoadInventory(o.inventories);
  if (!inv) return ReportError(inv.error());
  Warnings warnings;
  Result<Map> extra = vars::LoadExtraVars(o.extra_vars, &warnings);
  if (!extra) return ReportError(extra.error());
  vars::InventoryVars inventory_vars(*inv);
  // Ansible's default playbook directory is the current one (left out of
  // --export, as ansible-inventory leaves it out; a --playbook-dir is in).
  if (!o.playbook_dir.empty()) {
    inventory_vars.AddPlaybookDir(inventory::AbsolutePath(o.playbook_dir));
  } else if (!o.export_mode) {
    inventory_vars.AddPlaybookDir(inventory::AbsolutePath("."));
  }
  InventoryView view{&*inv, &inventory_vars, &*extra, o.export_mode};

  auto report_warnings = [&] {
    for (const Error& w : inv->warnings()) ReportWarning(w);
    inv->warnings().clear();
    for (const Error& w : warnings) ReportWarning(w);
    warnings.clear();
    for (const Error& w : inventory_vars.TakeWarnings()) ReportWarning(w);
  };

  int rc = 0;
  if (!o.host.empty()) {
    inventory::HostMatcher matcher(&*inv);
    std::vector<Error> match_warnings;
    Result<std::vector<inventory::Host*>> hosts = matcher.Match(o.host, &match_warnings);
    for (const Error& w : match_warnings) warnings.push_back(w);
    if (!hosts) {
      report_warnings();
      return ReportError(hosts.error());
    }
    if (hosts->size() != 1) {
      report_warnings();
      return BadOptions("You must pass a single valid host to --host parameter");
    }
    Result<Map> hv = HostVarsForDump(view, *hosts->front());
    report_warnings();
    if (!hv) return ReportError(hv.error());
    Value v(std::move(hv).value());
    rc = Emit(o.yaml ? DumpInventoryYaml(v) : DumpInventoryJson(v), o.output);
  } else if (o.graph) {
    Result<std::string> g =
        GraphInventory(view, o.pattern.empty() ? std::string("all") : o.pattern, o.show_vars);
    report_warnings();
    if (!g) return ReportError(g.error());
    rc = Emit(*g, "");
  } else {
    Result<Value> listed = o.yaml ? ListInventoryYaml(view) : ListInventory(view);
    report_warnings();
    if (!listed) return ReportError(listed.error());
    rc = Emit(o.yaml ? DumpInventoryYaml(*listed) : DumpInventoryJson(*listed), o.output);
  }
  return rc;
}

}  // namespace

Command InventoryCommand() {
  Command c;
  c.name = "inventory";
  c.ansible_name = "ansible-inventory";
  c.summary = "Show an inventory as Ansible sees it (--list, --graph, --host)";
  c.run = Run;
  return c;
}

}  // namespace drover::cli
