// `drover playbook` / `ansible-playbook`: ansible-playbook's options and
// ansible.cfg [defaults]; loads and checks every playbook before any host is
// contacted, then lists (--list-*), checks (--syntax-check) or runs them.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/ansible_settings.h"
#include "cli/check_support.h"
#include "cli/command.h"
#include "cli/config_defaults.h"
#include "cli/report.h"
#include "cli/retry_file.h"
#include "cli/secret_prompt.h"
#include "cli/step_prompt.h"
#include "cli/vars_prompt.h"
#include "cli/vault_flags.h"
#include "connection/become.h"
#include "connection/pool.h"
#include "connection/ssh_options.h"
#include "core/ansible_cfg.h"
#include "core/interrupt.h"
#include "core/secrets.h"
#include "executor/executor.h"
#include "executor/preflight.h"
#include "executor/undefined_check.h"
#include "inventory/host_pattern.h"
#include "inventory/host_slice.h"
#include "inventory/sources.h"
#include "output/ansible_log.h"
#include "output/ansible_text.h"
#include "output/color_choice.h"
#include "output/compact_results.h"
#include "output/json_callback.h"
#include "output/json_log.h"
#include "output/progress.h"
#include "output/warning_text.h"
#include "playbook/listing.h"
#include "playbook/loader.h"
#include "vars/extra_vars.h"
#include "vars/inventory_vars.h"

namespace drover::cli {

namespace {

// Ctrl-C during a run, as ansible-playbook: the first SIGINT stops the run
// (no new task starts; in-flight commands are stopped on the hosts); the
// recap so far is printed and the exit code is 99. A second SIGINT exits
// at once, killing the local commands still running (their process groups).
constexpr int kInterruptedExitCode = 99;
constexpr char kInterruptedMessage[] = "ERROR! User interrupted execution\n";

extern "C" void OnInterruptSignal(int) {
  if (Interrupted()) {
    KillTrackedGroups(SIGKILL);
    (void)!::write(STDERR_FILENO, kInterruptedMessage, sizeof kInterruptedMessage - 1);
    ::_exit(kInterruptedExitCode);
  }
  RequestInterrupt();
}

void CatchInterrupts() {
  struct sigaction sa {};
  sa.sa_handler = OnInterruptSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
}

// The reporter of a stdout callback other than default/yaml (which `text`
// prints itself); null for those.
std::unique_ptr<output::Reporter> ShapedReporter(StdoutCallback callback,
                                                 output::AnsibleTextReporter& text,
                                                 const AnsibleConfig& cfg, int verbosity) {
  switch (callback) {
    case StdoutCallback::kMinimal:
      return std::make_unique<output::CompactReporter>(output::CompactShape::kMinimal, text,
                                                       verbosity);
    case StdoutCallback::kOneline:
      return std::make_unique<output::CompactReporter>(output::CompactShape::kOneline, text,
                                                       verbosity);
    case StdoutCallback::kJson: {
      // The callback's json_indent option: ANSIBLE_JSON_INDENT, else
      // [defaults] json_indent, else 4.
      const char* env = std::getenv("ANSIBLE_JSON_INDENT");
      const std::string indent = env ? env : cfg.Get("defaults", "json_indent");
      return std::make_unique<output::JsonCallbackReporter>(
          text, indent.empty() ? 4 : std::atoi(indent.c_str()));
    }
    default: return nullptr;
  }
}

struct PlaybookOptions {
  std::vector<std::string> playbooks;
  std::vector<std::string> inventories;
  std::vector<std::string> extra_vars;
  std::string limit;
  std::vector<std::string> tags, skip_tags;
  bool check = false, diff = false;
  int forks = 5;
  std::string remote_user, private_key, start_at_task;
  bool become = false, ask_become_pass = false, ask_pass = false, step = false;
  std::string become_method = "sudo", become_user;
  VaultFlags vault;
  bool accept_new_host_keys = false;
  std::string connection;
  std::string strategy;  // ANSIBLE_STRATEGY / [defaults] strategy ("" linear)
  bool list_hosts = false, list_tasks = false, list_tags = false, syntax_check = false,
       check_support = false;
  bool flush_cache = false, force_handlers = false, no_progress = false, no_batch = false;
  int verbosity = 0;
  std::string json_log;
  std::string slice;  // --slice K/N ("" = every host)
  std::string ssh_common_args, ssh_extra_args;
  int timeout = 10;
};

std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t c = v.find(',', start);
      std::string t = v.substr(start, c == std::string::npos ? c : c - start);
      if (!t.empty()) out.push_back(t);
      if (c == std::string::npos) break;
      start = c + 1;
    }
  }
  return out;
}

void DefineOptions(CLI::App& app, PlaybookOptions& o) {
  app.add_option("playbook", o.playbooks, "Playbook(s) to run")->required();
  app.add_option("-i,--inventory,--inventory-file", o.inventories,
                 "Inventory path or comma-separated host list (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-e,--extra-vars", o.extra_vars, "key=value, @file or JSON/YAML (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-l,--limit", o.limit, "Limit to hosts matching this pattern");
  app.add_option("-t,--tags", o.tags, "Only run plays and tasks tagged with these")
      ->allow_extra_args(false);
  app.add_option("--skip-tags", o.skip_tags, "Skip plays and tasks tagged with these")
      ->allow_extra_args(false);
  app.add_flag("-C,--check", o.check, "Check mode: report what would change, change nothing");
  app.add_flag("-D,--diff", o.diff, "Show the differences in changed files");
  app.add_option("-f,--forks", o.forks, "Hosts worked on in parallel (default 5)");
  app.add_option("-u,--user", o.remote_user, "Connect as this user");
  app.add_option("--private-key,--key-file", o.private_key, "SSH private key file");
  app.add_option("-T,--timeout", o.timeout, "Connection timeout in seconds (default 10)");
  app.add_option("--ssh-common-args", o.ssh_common_args, "Extra ssh options (-o Key=Value)");
  app.add_option("--ssh-extra-args", o.ssh_extra_args, "Extra ssh options (-o Key=Value)");
  app.add_flag("-b,--become", o.become, "Run operations with become");
  app.add_option("--become-method", o.become_method, "sudo or su");
  app.add_option("--become-user", o.become_user, "Become this user");
  app.add_flag("-K,--ask-become-pass", o.ask_become_pass, "Ask for the become password");
  app.add_flag("-k,--ask-pass", o.ask_pass, "Ask for the connection password");
  AddVaultFlags(&app, &o.vault);
  app.add_flag("--accept-new-host-keys", o.accept_new_host_keys,
               "Record unknown host keys in known_hosts (changed keys are always refused)");
  app.add_option("-c,--connection", o.connection, "Connection type: ssh (default) or local");
  app.add_option("--start-at-task", o.start_at_task, "Start at the task with this name");
  app.add_flag("--step", o.step, "Confirm each task before running it");
  app.add_flag("--force-handlers", o.force_handlers, "Run handlers even if a task fails");
  app.add_flag("--no-batch", o.no_batch,
               "Query each task's host state in its own round trip (default: the read-only "
               "queries of the next file/copy/template/lineinfile tasks go in one; also "
               "DROVER_BATCH=0)");
  app.add_flag("--list-hosts", o.list_hosts, "List the hosts each play would run on");
  app.add_flag("--list-tasks", o.list_tasks, "List the tasks that would run");
  app.add_flag("--list-tags", o.list_tags, "List all available tags");
  app.add_flag("--syntax-check", o.syntax_check, "Check the playbooks' syntax and keys only");
  app.add_flag("--check-support", o.check_support,
               "Report which modules, keywords and lookups drover implements (no run)");
  app.add_flag("--flush-cache", o.flush_cache, "Accepted for compatibility (no fact cache)");
  app.add_flag("-v,--verbose", o.verbosity, "More output (-vvv for more)");
  app.add_option("--json-log", o.json_log, "Write one JSON event per line to this file");
  app.add_option("--slice", o.slice,
                 "K/N: run only slice K of N of the hosts (a drover extension, not an "
                 "ansible-playbook option). A host is in slice int(sha1(inventory_hostname)[:16], "
                 "16) % N + 1, the same in every play, whatever the inventory's order; --limit and "
                 "each play's hosts apply first. Within a slice: serial batches and percentages, "
                 "run_once (once per slice), any_errors_fatal and max_fail_percentage count the "
                 "slice's hosts only; groups and hostvars still list every host, but facts of "
                 "other slices' hosts are not gathered. Hosts made by add_host run in the slice "
                 "that made them. Merge the slices' --json-log files with `drover recap`.")
      ->type_name("K/N");
  app.add_flag("--no-progress", o.no_progress,
               "No live progress line on a terminal (also DROVER_PROGRESS=0)");
}

// The per-task timing summary after the recap: on a terminal, or when the
// profile_tasks or timer callback is enabled ([defaults] callbacks_enabled /
// callback_whitelist, or their ANSIBLE_* variables), so that output parsed by
// tools stays ansible-playbook's.
bool WantsTimingSummary(const AnsibleSettings& settings) {
  if (::isatty(STDOUT_FILENO)) return true;
  for (const std::string& name : settings.List("CALLBACKS_ENABLED")) {
    std::string_view n = name;
    if (size_t dot = n.rfind('.'); dot != std::string_view::npos) n = n.substr(dot + 1);
    if (n == "profile_tasks" || n == "timer") return true;
  }
  return false;
}

// The playbooks as context.CLIARGS['args'] joins them.
std::string JoinedArgs(const std::vector<std::string>& playbooks) {
  std::string out;
  for (const std::string& p : playbooks) out += (out.empty() ? "" : " ") + p;
  return out;
}

// As Ansible's CLI: an inventory with hosts of which the limit leaves none is
// an error (rc 1) after the limit's warnings, never a run that does nothing.
Status CheckSomeHostSelected(inventory::Inventory& inv, inventory::HostMatcher& matcher) {
  if (inv.hosts().empty() || !matcher.has_limit()) return {};
  std::vector<Error> warnings;
  Result<std::vector<inventory::Host*>> selected = matcher.Match("all", &warnings);
  if (!selected) return selected.error();
  if (!selected->empty()) return {};
  for (const Error& w : warnings) ReportWarning(w);
  return MakeError(
      "Specified inventory, host pattern and/or --limit leaves us with no hosts to target.");
}

// The settings ansible-playbook's options default to (ansible/config/
// base.yml, cli/ansible_settings.h): the ANSIBLE_* variable, else
// ansible.cfg, where the command line does not give them.
void ApplyConfiguredOptions(const AnsibleSettings& s, const CLI::App& app, PlaybookOptions& o) {
  if (o.remote_user.empty()) o.remote_user = s.String("DEFAULT_REMOTE_USER");
  if (o.private_key.empty()) o.private_key = s.Path("DEFAULT_PRIVATE_KEY_FILE");
  if (!o.force_handlers) o.force_handlers = s.Bool("DEFAULT_FORCE_HANDLERS").value_or(false);
  if (!o.become) o.become = s.Bool("DEFAULT_BECOME").value_or(false);
  if (o.become_user.empty()) o.become_user = s.String("DEFAULT_BECOME_USER");
  if (!app.count("--become-method"))
    if (std::string m = s.String("DEFAULT_BECOME_METHOD"); !m.empty()) o.become_method = m;
  if (!o.ask_become_pass) o.ask_become_pass = s.Bool("DEFAULT_BECOME_ASK_PASS").value_or(false);
  if (!o.ask_pass) o.ask_pass = s.Bool("DEFAULT_ASK_PASS").value_or(false);
  if (!app.count("--timeout"))
    if (std::optional<int> t = s.Int("connection.ssh.timeout")) o.timeout = std::max(1, *t);
  if (!app.count("--forks"))
    if (std::optional<int> f = s.Int("DEFAULT_FORKS")) o.forks = std::max(1, *f);
  // "smart" (Ansible's default) is ssh.
  if (o.connection.empty())
    if (std::string c = s.String("DEFAULT_TRANSPORT"); c != "smart") o.connection = c;
  o.strategy = s.String("DEFAULT_STRATEGY");
  if (!app.count("--verbose")) o.verbosity = s.Int("DEFAULT_VERBOSITY").value_or(0);
  if (!o.diff) o.diff = s.Bool("DIFF_ALWAYS").value_or(false);
  // --tags/--skip-tags append to these, as argparse's append to a default.
  std::vector<std::string> tags = s.List("TAGS_RUN"), skip = s.List("TAGS_SKIP");
  o.tags.insert(o.tags.begin(), tags.begin(), tags.end());
  o.skip_tags.insert(o.skip_tags.begin(), skip.begin(), skip.end());
  if (o.ssh_common_args.empty()) o.ssh_common_args = s.String("connection.ssh.ssh_common_args");
  if (o.ssh_extra_args.empty()) o.ssh_extra_args = s.String("connection.ssh.ssh_extra_args");
}

// The play defaults Ansible takes from its settings: gathering=explicit
// gathers only where a play asks (gather_facts: true), any_errors_fatal is
// the default of the play keyword.
void ApplyPlayDefaults(const AnsibleSettings& s, std::vector<playbook::Playbook>& loaded) {
  const bool explicit_gathering = s.String("DEFAULT_GATHERING") == "explicit";
  const bool any_errors_fatal = s.Bool("ANY_ERRORS_FATAL").value_or(false);
  for (playbook::Playbook& pb : loaded) {
    for (playbook::Play& play : pb.plays) {
      if (explicit_gathering && !play.keywords.contains("gather_facts"))
        play.keywords.set("gather_facts", Value(false));
      if (any_errors_fatal && !play.keywords.contains("any_errors_fatal"))
        play.keywords.set("any_errors_fatal", Value(true));
    }
  }
}

}  // namespace

Command PlaybookCommand() {
  Command c;
  c.name = "playbook";
  c.ansible_name = "ansible-playbook";
  c.summary = "Run playbooks against an inventory";
  c.run = [](const std::string& prog, std::vector<std::string> args) -> int {
    CLI::App app{
        "Runs Ansible playbooks against an inventory; reads ansible.cfg and the ANSIBLE_* "
        "variables as Ansible does (inventory, roles_path, forks, remote_user, remote_port, "
        "private_key_file, timeout, host_key_checking, become, force_handlers, gathering, "
        "any_errors_fatal, strategy, log_path, vault settings, stdout_callback default, yaml, "
        "minimal, oneline or json, ...); every setting set that "
        "drover ignores is warned about once. Unknown keys and modules and certainly-undefined "
        "variables are reported before any host is contacted.\n\nPartial: strategies linear and "
        "free "
        "(host_pinned runs as free); modules drover lacks (see README) are refused before any "
        "host is contacted.",
        prog};
    app.footer(
        "Exit codes (as ansible-playbook's): 0 ok; 1 error (a missing playbook, task file or "
        "role, a vault password that fails, a --limit that leaves no host); 2 a host failed, or "
        "a command line the parser rejects; 4 a host unreachable, or a playbook that does not "
        "parse (YAML syntax, an unknown key or module, bad task arguments); 5 bad or "
        "incomplete options; 99 interrupted (SIGINT); 250 unexpected error.");
    PlaybookOptions o;
    DefineOptions(app, o);
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);
      return ReportUsageError(e.what());
    }
    std::optional<inventory::HostSlice> slice;
    if (!o.slice.empty()) {
      Result<inventory::HostSlice> parsed = inventory::ParseHostSlice(o.slice);
      if (!parsed) return ReportUsageError(parsed.error().message);
      slice = *parsed;
    }
    // ansible.cfg [defaults], found as Ansible finds it; ANSIBLE_* variables
    // and command-line options win over it.
    const AnsibleConfig cfg = ReadAnsibleConfig();
    const AnsibleSettings settings(cfg);
    // log_path: what the user is shown from here on, in Ansible's log format.
    std::unique_ptr<output::AnsibleLog> log = OpenConfiguredLog(cfg);
    output::SetDeprecationWarnings(settings.Bool("DEPRECATION_WARNINGS").value_or(true));
    // Settings drover ignores are said once, before anything else is done.
    if (Status ss = ReportSettings(settings); !ss) return static_cast<int>(ss.error().code);
    playbook::LoadOptions load_options;
    load_options.roles_path = settings.Paths("DEFAULT_ROLES_PATH");
    if (o.inventories.empty()) o.inventories = ConfiguredInventory(cfg);
    StdoutCallback callback = StdoutCallback::kDefault;
    if (!o.list_hosts && !o.list_tasks && !o.list_tags && !o.syntax_check && !o.check_support) {
      Result<StdoutCallback> chosen = ChooseStdoutCallback(cfg);
      if (!chosen) return ReportError(chosen.error());
      callback = *chosen;
      if (std::optional<Error> w = StdoutCallbackWarning(callback)) ReportWarning(*w);
    }
    ApplyConfiguredOptions(settings, app, o);
    // Vault secrets first, as Ansible sets them up before loading: a role's
    // vars/defaults file may be vault-encrypted.
    if (Status vs = InstallVaultDecryptor(o.vault); !vs) return ReportError(vs.error());
    // Extra vars before loading too: import_playbook paths are templated
    // with them, as Ansible's.
    Result<Map> extra = [&] {
      Warnings warnings;
      Result<Map> loaded_extra = vars::LoadExtraVars(o.extra_vars, &warnings);
      for (const Error& w : warnings) ReportWarning(w);
      return loaded_extra;
    }();
    if (!extra) return ReportError(extra.error());
    load_options.extra_vars = *extra;
    std::vector<playbook::Playbook> loaded;
    for (const std::string& path : o.playbooks) {
      Warnings warnings;
      Result<playbook::Playbook> pb = playbook::LoadPlaybook(path, load_options, &warnings);
      for (const Error& w : warnings) ReportWarning(w);
      if (!pb) return ReportError(pb.error());
      loaded.push_back(std::move(pb).value());
    }
    ApplyPlayDefaults(settings, loaded);
    if (o.check_support) {
      std::fputs(CheckSupportReport(loaded, o.playbooks).c_str(), stdout);
      return 0;
    }
    if (o.syntax_check) {
      for (const std::string& path : o.playbooks) std::printf("\nplaybook: %s\n", path.c_str());
      return 0;
    }
    if (o.inventories.empty()) {
      // Ansible's default source; when it is missing, only the implicit
      // localhost exists (Ansible warns the same way).
      if (std::filesystem::exists("/etc/ansible/hosts")) {
        o.inventories.push_back("/etc/ansible/hosts");
      } else if (settings.Bool("INVENTORY_UNPARSED_WARNING").value_or(true)) {
        ReportWarning(MakeError("No inventory was parsed, only implicit localhost is available"));
      }
    }
    Result<inventory::Inventory> inv = inventory::LoadInventory(o.inventories);
    if (!inv) return ReportError(inv.error());
    for (const Error& w : inv->warnings()) ReportWarning(w);
    if (auto w = EmptyInventoryWarning(cfg, inv->hosts().size(), "all")) ReportWarning(*w);
    inventory::HostMatcher matcher(&*inv);
    if (!o.limit.empty()) {
      if (Status ls = matcher.SetLimit(o.limit); !ls) return ReportError(ls.error());
    }
    if (Status hs = CheckSomeHostSelected(*inv, matcher); !hs) return ReportError(hs.error());
    if (slice) matcher.SetSlice(*slice);  // after the check: a slice may be empty
    playbook::TagFilter filter;
    for (const std::string& t : SplitCommas(o.tags)) filter.only.insert(t);
    for (const std::string& t : SplitCommas(o.skip_tags)) filter.skip.insert(t);

    if (o.list_tasks || o.list_tags || o.list_hosts) {
      playbook::ListOptions lo;
      lo.tasks = o.list_tasks;
      lo.tags = o.list_tags;
      lo.hosts = o.list_hosts;
      lo.filter = filter;
      lo.hosts_of = [&](const playbook::Play& play) {
        std::string pattern;
        for (const auto& h : play.hosts) pattern += (pattern.empty() ? "" : ",") + h;
        std::vector<Error> warnings;
        std::vector<std::string> names;
        Result<std::vector<inventory::Host*>> hosts = matcher.Match(pattern, &warnings);
        for (const Error& w : warnings) ReportWarning(w);
        if (hosts)
          for (inventory::Host* h : *hosts) names.push_back(h->name);
        return names;
      };
      for (size_t i = 0; i < loaded.size(); ++i) {
        std::string text = playbook::ListPlaybook(loaded[i], o.playbooks[i], lo);
        std::fputs(Redact(text).c_str(), stdout);
      }
      return 0;
    }

    // Every action must be one drover runs, before any host is contacted.
    if (!connection::CanonicalBecomeMethod(o.become_method)) {
      return ReportError(MakeError("--become-method '" + o.become_method +
                                   "' is not supported by drover; use sudo or su (also as "
                                   "ansible.builtin.sudo, ansible.builtin.su)"));
    }
    {
      int rc = 0;
      for (const playbook::Playbook& pb : loaded)
        for (const Error& e : executor::CheckRunnable(pb, filter)) rc = ReportError(e);
      if (rc) return rc;
    }
    vars::InventoryVars inventory_vars(*inv);
    // Every variable a task certainly reads must be defined, before any
    // host is contacted (not with --start-at-task or --step, which skip
    // tasks that may define them).
    if (o.start_at_task.empty() && !o.step) {
      executor::UndefinedCheckInput uc{&*inv, &matcher, &*extra, filter};
      std::vector<Error> undefined;
      for (const playbook::Playbook& pb : loaded)
        for (Error& e : executor::CheckUndefinedVariables(pb, uc))
          undefined.push_back(std::move(e));
      int rc = 0;
      for (const Error& e : undefined) rc = ReportError(e);
      if (rc) return rc;
    }

    // vars_prompt: asked for every play now, before any host is contacted.
    std::map<const playbook::Play*, Map> prompt_answers;
    for (const playbook::Playbook& pb : loaded) {
      for (const playbook::Play& play : pb.plays) {
        Warnings prompt_warnings;
        Result<Map> answers = AnswerVarsPrompts(play, *extra, ::isatty(STDIN_FILENO), AskOnTerminal,
                                                &prompt_warnings);
        for (const Error& w : prompt_warnings) ReportWarning(w);
        if (!answers) return ReportError(answers.error());
        prompt_answers[&play] = std::move(answers).value();
      }
    }
    connection::ConnectionDefaults defaults;
    defaults.timeout_s = o.timeout;
    if (!o.remote_user.empty()) defaults.remote_user = o.remote_user;
    if (!o.private_key.empty()) defaults.private_key = o.private_key;
    if (!o.connection.empty()) defaults.connection = o.connection;
    defaults.ssh_common_args = o.ssh_common_args;
    defaults.ssh_extra_args = o.ssh_extra_args;
    if (o.accept_new_host_keys) defaults.host_key_policy = connection::HostKeyPolicy::kAcceptNew;
    if (auto policy = ConfiguredHostKeyPolicy(cfg)) defaults.host_key_policy = *policy;
    defaults.port = settings.Int("connection.ssh.port");
    if (Status s = ConfigurePersistence(cfg, &defaults); !s) return ReportError(s.error());
    executor::RunOptions ro;
    ro.smart_gathering = settings.String("DEFAULT_GATHERING") == "smart";
    ro.check = o.check;
    ro.diff = o.diff;
    ro.forks = o.forks;
    ro.verbosity = o.verbosity;
    ro.limit = o.limit;
    ro.tags = filter;
    if (!cfg.file.empty()) ro.config_file = std::filesystem::absolute(cfg.file).string();
    ro.force_handlers = o.force_handlers;
    const char* batch_env = std::getenv("DROVER_BATCH");
    ro.batch = !o.no_batch && !(batch_env && std::string(batch_env) == "0");
    ro.start_at_task = o.start_at_task;
    ro.become = o.become;
    ro.become_user = o.become_user;
    ro.become_method = o.become_method;
    ro.become_flags = ConfiguredBecomeFlags(cfg);
    if (!o.strategy.empty()) ro.default_strategy = o.strategy;
    std::unique_ptr<StepPrompt> step;
    if (o.step) {
      step = std::make_unique<StepPrompt>(stdout, std::cin);
      ro.step = [&step](const std::string& name) { return step->Confirm(name); };
    }
    // Passwords are asked here, before any worker starts.
    if (o.ask_pass) {
      auto pw = PromptSecret("SSH password: ");
      if (!pw) return ReportError(pw.error());
      defaults.password = *pw;
    }
    if (o.ask_become_pass) {
      auto pw = PromptSecret("BECOME password: ");
      if (!pw) return ReportError(pw.error());
      ro.become_password = *pw;
    }
    connection::ConnectionPool pool(defaults);

    output::TextOptions text_options;
    text_options.verbosity = o.verbosity;
    text_options.timing = WantsTimingSummary(settings);
    text_options.color = output::AnsibleColorEnabled(cfg);
    text_options.yaml = callback == StdoutCallback::kYaml;
    text_options.show_ok = settings.Bool("callback.default.display_ok_hosts").value_or(true);
    text_options.show_skipped =
        settings.Bool("callback.default.display_skipped_hosts").value_or(true);
    text_options.failed_stderr =
        settings.Bool("callback.default.display_failed_stderr").value_or(false);
    text_options.task_path_on_failure =
        settings.Bool("callback.default.show_task_path_on_failure").value_or(false);
    output::AnsibleTextReporter text(stdout, text_options);
    text.set_log(log.get());
    if (o.verbosity >= 1) {
      text.Verbose(cfg.file.empty() ? "No config file found; using defaults"
                                    : "Using " + cfg.file + " as config file");
    }
    output::ProgressLine progress(!o.step && !o.no_progress &&
                                  output::ProgressLine::WantedOnThisTerminal());
    text.set_progress(&progress);
    output::ReporterList reporters;
    reporters.Add(&progress);  // first: counters updated before the text redraws the line
    // The chosen stdout callback's shape; `text` is the display they write through.
    std::unique_ptr<output::Reporter> shaped = ShapedReporter(callback, text, cfg, o.verbosity);
    reporters.Add(shaped ? shaped.get() : &text);
    std::unique_ptr<output::JsonLogReporter> json_log;
    if (!o.json_log.empty()) {
      auto opened = output::JsonLogReporter::Open(o.json_log);
      if (!opened) return ReportError(opened.error());
      json_log = std::move(opened).value();
      if (slice) json_log->OnSlice(slice->index, slice->count);
      reporters.Add(json_log.get());
    }
    executor::RunEnvironment env;
    env.inventory = &*inv;
    env.matcher = &matcher;
    env.inventory_vars = &inventory_vars;
    env.extra_vars = std::make_shared<Map>(std::move(extra).value());
    env.pool = &pool;
    env.vars_prompt_answers = std::move(prompt_answers);
    env.reporter = &reporters;
    executor::Executor ex(env, ro);
    CatchInterrupts();
    auto interrupted = [&]() {
      progress.Clear();
      if (json_log) json_log->OnInterrupted();  // `drover recap` refuses a partial log
      reporters.OnRecap(ex.MakeRecap());        // also closes the JSON log's events
      std::fputs(kInterruptedMessage, stderr);
      pool.CloseAll();
      return kInterruptedExitCode;
    };
    for (size_t i = 0; i < loaded.size(); ++i) {
      const playbook::Playbook& pb = loaded[i];
      text.PlaybookStart(o.playbooks[i], pb.plays.size(), JoinedArgs(o.playbooks));
      Status rs = ex.RunPlaybook(pb);
      for (const std::string& n : pool.notices().Take()) reporters.OnWarning(n);
      if (Interrupted()) return interrupted();
      if (!rs) {
        progress.Clear();
        return ReportError(rs.error());
      }
    }
    const output::Recap recap = ex.MakeRecap();
    if (std::string retry = WriteRetryFile(settings, o.playbooks.back(), recap); !retry.empty()) {
      progress.Clear();
      Display(retry);
    }
    reporters.OnRecap(recap);
    if (const char* stats = std::getenv("DROVER_STATS"); stats && *stats == '1') {
      std::fprintf(stderr, "drover stats: %zu connections, %llu round trips\n",
                   pool.ConnectionCount(), static_cast<unsigned long long>(pool.TotalRoundTrips()));
    }
    pool.CloseAll();
    return ex.ExitCode();
  };
  return c;
}

}  // namespace drover::cli
