// `drover adhoc PATTERN -i INVENTORY -m MODULE -a ARGS` (also `ansible`
// through the link, and `drover ping`): one module on many hosts in
// parallel, printed in Ansible's shape.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "cli/adhoc_modules.h"
#include "cli/ansible_settings.h"
#include "cli/command.h"
#include "cli/config_defaults.h"
#include "cli/report.h"
#include "cli/secret_prompt.h"
#include "cli/target_hosts.h"
#include "cli/vault_flags.h"
#include "connection/become.h"
#include "connection/pool.h"
#include "connection/shell.h"
#include "core/secrets.h"
#include "core/yaml.h"
#include "inventory/sources.h"
#include "playbook/module_names.h"
#include "template/template.h"
#include "vars/extra_vars.h"

namespace drover::cli {

namespace {

using connection::BecomeSpec;
using connection::ConnectionDefaults;
using connection::ConnectionPool;
using connection::HostKeyPolicy;
using State = AdhocOutcome::State;

const char kDescription[] =
    "Run one module on the hosts matching PATTERN, in parallel (--forks), over one SSH "
    "session per host. Modules: ping, command (default), shell, raw, setup, and the rest of "
    "drover's module library. -i takes inventory files, directories and host lists, as "
    "ansible's; vaulted variables need --vault-password-file or --vault-id.";

// ansible's result for a module it cannot find: every host FAILED, rc 2.
int FailUnknownModule(const std::string& module, const std::vector<TargetHost>& hosts) {
  AdhocOutcome failed;
  failed.state = State::kFailed;
  failed.result =
      Map{{"msg", "The module " + module + " was not found in configured module paths"}};
  for (const TargetHost& host : hosts) Display(FormatAdhocOutcome(host.name, failed));
  return static_cast<int>(ExitCode::kHostFailed);
}

// The host's become settings: command line, overridden by ansible_become_* vars;
// the flags configured for the method (`configured_flags`) when neither sets them.
std::optional<BecomeSpec> BecomeFor(const Map& vars, bool cli_become, const BecomeSpec& cli,
                                    const std::map<std::string, std::string>& configured_flags) {
  auto text = [&](const char* name) -> std::optional<std::string> {
    const Value* v = vars.find(name);
    if (!v || v->is_null()) return std::nullopt;
    return v->is_string() ? v->as_string() : v->is_int() ? std::to_string(v->as_int()) : "";
  };
  bool become = cli_become;
  if (const Value* v = vars.find("ansible_become")) {
    become = v->is_string()
                 ? (v->as_string() == "true" || v->as_string() == "yes" || v->as_string() == "True")
                 : v->truthy();
  }
  if (!become) return std::nullopt;
  BecomeSpec spec = cli;
  if (auto m = text("ansible_become_method")) spec.method = *m;
  if (auto u = text("ansible_become_user")) spec.user = *u;
  if (auto f = text("ansible_become_flags")) spec.flags = *f;
  if (auto p = text("ansible_become_password")) spec.password = *p;
  if (auto p = text("ansible_become_pass")) spec.password = *p;
  if (auto m = connection::CanonicalBecomeMethod(spec.method); m && !spec.flags)
    if (auto it = configured_flags.find(*m); it != configured_flags.end()) spec.flags = it->second;
  return spec;
}

int RunAdhoc(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{kDescription, prog};
  app.footer(
      "Exit codes (as ansible's): 0 ok; 1 error; 2 a host failed (also: a module Ansible "
      "does not know), or a command line the parser rejects; 4 a host unreachable, or a "
      "group_vars/host_vars file that cannot be read or decrypted; 5 bad or incomplete "
      "options (also: a module drover does not run ad hoc); 250 unexpected error.");
  std::string pattern, module = "command", module_args;
  std::vector<std::string> inventories, extra_vars;
  std::string limit;
  int forks = 5;
  int verbosity = 0;
  ConnectionDefaults defaults;
  std::string remote_user, private_key, connection_kind;
  bool ask_pass = false, become = false, ask_become_pass = false, accept_new = false;
  BecomeSpec become_cli;
  std::string become_flags;
  app.add_option("pattern", pattern, "host pattern (all, names, wildcards, !exclusions)")
      ->required();
  app.add_option("-i,--inventory,--inventory-file", inventories,
                 "inventory file, directory or host list 'host1,host2:port,' (repeatable)")
      ->allow_extra_args(false);
  VaultFlags vault;
  AddVaultFlags(&app, &vault);
  app.add_option("-l,--limit", limit, "further limit the hosts with a pattern (or @file)");
  app.add_option("-m,--module-name", module, "module to run (default: command)");
  app.add_option("-a,--args", module_args, "module arguments");
  app.add_option("-f,--forks", forks, "hosts handled in parallel (default 5)")
      ->check(CLI::Range(1, 1000));
  std::string playbook_dir;
  app.add_option("--playbook-dir", playbook_dir,
                 "the directory whose group_vars/ and host_vars/ apply (default: the current "
                 "directory), as Ansible's");
  app.add_option("-e,--extra-vars", extra_vars, "extra variables: key=value, YAML, or @file")
      ->allow_extra_args(false);
  app.add_option("-u,--user", remote_user, "connect as this user");
  app.add_option("--private-key,--key-file", private_key, "private key file");
  app.add_flag("-k,--ask-pass", ask_pass, "ask for the connection password");
  app.add_option("-c,--connection", connection_kind, "connection type: ssh (default) or local");
  app.add_option("-T,--timeout", defaults.timeout_s, "connect timeout in seconds (default 10)");
  app.add_option("--ssh-common-args", defaults.ssh_common_args,
                 "ssh arguments; -o options libssh supports are applied");
  app.add_option("--ssh-extra-args", defaults.ssh_extra_args, "more ssh arguments");
  app.add_flag("--accept-new-host-keys", accept_new,
               "record unknown host keys in known_hosts (changed keys are always refused)");
  app.add_flag("-b,--become", become, "run as another user (sudo by default)");
  app.add_option("--become-method", become_cli.method, "sudo (default) or su");
  app.add_option("--become-user", become_cli.user, "user to become (default root)");
  app.add_option("--become-flags", become_flags, "flags for the become method");
  app.add_flag("-K,--ask-become-pass", ask_become_pass, "ask for the become password");
  app.add_flag("-v,--verbose", verbosity,
               "-v names the config file in use, as ansible; results are shown the same at "
               "every level");
  try {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      std::fputs(app.help().c_str(), stdout);
      return 0;
    }
    return ReportUsageError(e.what());
  }
  // ansible.cfg [defaults] (or its ANSIBLE_* variables), as ansible reads it.
  const AnsibleConfig cfg = ReadAnsibleConfig();
  const AnsibleSettings settings(cfg);
  // log_path: what the user is shown from here on, as Ansible logs it.
  std::unique_ptr<output::AnsibleLog> log = OpenConfiguredLog(cfg);
  if (Status ss = ReportSettings(settings); !ss) return static_cast<int>(ss.error().code);
  if (!app.count("--verbose")) verbosity = settings.Int("DEFAULT_VERBOSITY").value_or(0);
  if (verbosity >= 1) {
    Display(cfg.file.empty() ? "No config file found; using defaults"
                             : "Using " + cfg.file + " as config file");
  }
  if (inventories.empty()) inventories = ConfiguredInventory(cfg);
  if (!app.count("--forks"))
    if (std::optional<int> configured = ConfiguredForks(cfg)) forks = *configured;
  if (remote_user.empty()) remote_user = settings.String("DEFAULT_REMOTE_USER");
  if (private_key.empty()) private_key = settings.Path("DEFAULT_PRIVATE_KEY_FILE");
  if (!remote_user.empty()) defaults.remote_user = remote_user;
  if (!private_key.empty()) defaults.private_key = private_key;
  if (!connection_kind.empty()) defaults.connection = connection_kind;
  if (!become_flags.empty()) become_cli.flags = become_flags;
  const std::map<std::string, std::string> become_flags_configured = ConfiguredBecomeFlags(cfg);
  if (!become) become = settings.Bool("DEFAULT_BECOME").value_or(false);
  if (!app.count("--become-method"))
    if (std::string m = settings.String("DEFAULT_BECOME_METHOD"); !m.empty()) become_cli.method = m;
  if (!app.count("--become-user"))
    if (std::string u = settings.String("DEFAULT_BECOME_USER"); !u.empty()) become_cli.user = u;
  if (!ask_pass) ask_pass = settings.Bool("DEFAULT_ASK_PASS").value_or(false);
  if (!ask_become_pass) ask_become_pass = settings.Bool("DEFAULT_BECOME_ASK_PASS").value_or(false);
  if (accept_new) defaults.host_key_policy = HostKeyPolicy::kAcceptNew;
  if (auto policy = ConfiguredHostKeyPolicy(cfg)) defaults.host_key_policy = *policy;
  if (!app.count("--timeout"))
    if (std::optional<int> t = settings.Int("connection.ssh.timeout")) defaults.timeout_s = *t;
  if (defaults.ssh_common_args.empty())
    defaults.ssh_common_args = settings.String("connection.ssh.ssh_common_args");
  if (defaults.ssh_extra_args.empty())
    defaults.ssh_extra_args = settings.String("connection.ssh.ssh_extra_args");
  defaults.port = settings.Int("connection.ssh.port");
  if (Status s = ConfigurePersistence(cfg, &defaults); !s) return ReportError(s.error());
  // A module Ansible does not know either fails on every host (rc 2), as
  // ansible's; one Ansible has but drover lacks is refused here (rc 5).
  const bool unknown_to_ansible = playbook::ResolveModule(module).fqcn.empty();
  if (!unknown_to_ansible)
    if (Status s = ValidateAdhocModule(module, module_args); !s) return ReportError(s.error());

  Warnings extra_warnings;
  Result<Map> extra_loaded = vars::LoadExtraVars(extra_vars, &extra_warnings);
  for (const Error& w : extra_warnings) ReportWarning(w);
  if (!extra_loaded) {
    Error err = extra_loaded.take_error();
    err.code = ExitCode::kBadOptions;
    return ReportError(err);
  }
  const Map& extra = *extra_loaded;
  // Passwords are asked here, before any worker starts.
  if (ask_pass) {
    auto pw = PromptSecret("SSH password: ");
    if (!pw) return ReportError(pw.error());
    defaults.password = *pw;
  }
  if (ask_become_pass) {
    auto pw = PromptSecret("BECOME password: ");
    if (!pw) return ReportError(pw.error());
    become_cli.password = *pw;
  }
  if (Status vs = InstallVaultDecryptor(vault); !vs) return ReportError(vs.error());
  std::vector<Error> host_warnings;
  bool inventory_empty = false;
  auto hosts =
      ResolveTargetHosts(pattern, inventories, limit, extra, &host_warnings, &inventory_empty,
                         inventory::AbsolutePath(playbook_dir.empty() ? "." : playbook_dir));
  // As ansible's get_host_list: an inventory without hosts is warned about
  // (first), and then an empty match is not.
  if (inventory_empty)
    if (auto w = EmptyInventoryWarning(cfg, 0, pattern))
      host_warnings.insert(host_warnings.begin(), *w);
  // [inventory] inventory_unparsed_warning off: no "No inventory was parsed".
  if (!settings.Bool("INVENTORY_UNPARSED_WARNING").value_or(true))
    std::erase_if(host_warnings, [](const Error& w) {
      return w.message.rfind("No inventory was parsed", 0) == 0;
    });
  for (const Error& w : host_warnings) ReportWarning(w);
  if (!hosts) return ReportError(hosts.error());
  // Encrypted key files: ask for each passphrase once, here, not in a worker.
  std::vector<std::string> key_files;
  if (defaults.private_key) key_files.push_back(*defaults.private_key);
  for (const TargetHost& h : *hosts) {
    for (const char* var : {"ansible_ssh_private_key_file", "ansible_private_key_file"}) {
      if (const Value* v = h.vars.find(var); v && v->is_string())
        key_files.push_back(v->as_string());
    }
  }
  for (const std::string& key : key_files) {
    if (defaults.key_passphrases.count(key) || !connection::KeyNeedsPassphrase(key)) continue;
    auto pass = PromptSecret("Enter passphrase for key '" + key + "': ");
    if (!pass) return ReportError(pass.error());
    defaults.key_passphrases[key] = *pass;
  }
  if (hosts->empty()) {
    if (!inventory_empty) ReportWarning(MakeError("No hosts matched, nothing to do"));
    return 0;
  }

  if (unknown_to_ansible) return FailUnknownModule(module, *hosts);

  ConnectionPool pool(defaults);
  std::mutex print_mutex;
  std::vector<State> states(hosts->size(), State::kOk);
  auto flush_notices = [&] {
    for (const std::string& w : pool.notices().Take()) ReportWarning(MakeError(w));
  };
  connection::RunParallel(hosts->size(), forks, [&](size_t i) {
    const TargetHost& host = (*hosts)[i];
    // -a is templated with the host's variables, as Ansible does.
    tmpl::MapScope scope{Value(host.vars)};
    Result<Value> args = tmpl::TemplateString(module_args, scope);
    const std::string text = !args               ? ""
                             : args->is_string() ? args->as_string()
                                                 : tmpl::PyStr(*args);
    AdhocOutcome outcome;
    if (!args) {
      outcome.state = State::kFailed;
      outcome.result = Map{{"changed", false}, {"failed", true}, {"msg", args.error().full()}};
    } else if (IsAdhocDebug(module)) {  // a controller action: no connection
      outcome = RunAdhocDebug(text, scope, verbosity);
    } else if (auto conn = pool.Get(host.name, host.vars); !conn) {
      outcome.state = State::kUnreachable;
      outcome.result.set("changed", false);
      outcome.result.set("msg", conn.error().message);
      outcome.result.set("unreachable", true);
    } else {
      outcome = RunAdhocModule(module, text, **conn,
                               BecomeFor(host.vars, become, become_cli, become_flags_configured));
    }
    if (outcome.state == State::kUnreachable) pool.MarkUnreachable(host.name);
    states[i] = outcome.state;
    const std::string shown = FormatAdhocOutcome(host.name, outcome);
    std::lock_guard lock(print_mutex);
    flush_notices();
    Display(shown);
  });
  flush_notices();
  if (const char* stats = std::getenv("DROVER_STATS"); stats && *stats == '1') {
    std::fprintf(stderr, "drover stats: %zu hosts, %zu connections, %llu round trips\n",
                 hosts->size(), pool.ConnectionCount(),
                 static_cast<unsigned long long>(pool.TotalRoundTrips()));
  }
  pool.CloseAll();
  bool failed = false, unreachable = false;
  for (State s : states) {
    failed = failed || s == State::kFailed;
    unreachable = unreachable || s == State::kUnreachable;
  }
  // As ansible: unreachable hosts win over failed ones in the exit code.
  if (unreachable) return static_cast<int>(ExitCode::kUnreachable);
  if (failed) return static_cast<int>(ExitCode::kHostFailed);
  return 0;
}

}  // namespace

Command AdhocCommand() {
  Command c;
  c.name = "adhoc";
  c.ansible_name = "ansible";
  c.summary = "Run one module on the hosts matching a pattern (also: drover ping)";
  c.run = RunAdhoc;
  return c;
}

}  // namespace drover::cli
