// `drover playbook` / `ansible-playbook`: ansible-playbook's options.
// Loading, validation (--syntax-check) and the listings work; running plays
// against hosts is not implemented yet and says so.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/command.h"
#include "cli/report.h"
#include "core/secrets.h"
#include "playbook/listing.h"
#include "playbook/loader.h"

namespace drover::cli {

namespace {

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
  std::vector<std::string> vault_ids, vault_password_files;
  bool ask_vault_pass = false;
  bool list_hosts = false, list_tasks = false, list_tags = false, syntax_check = false;
  bool flush_cache = false, force_handlers = false;
  int verbosity = 0;
  std::string json_log;
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
                 "Inventory path or comma-separated host list (repeatable)");
  app.add_option("-e,--extra-vars", o.extra_vars, "key=value, @file or JSON/YAML (repeatable)");
  app.add_option("-l,--limit", o.limit, "Limit to hosts matching this pattern");
  app.add_option("-t,--tags", o.tags, "Only run plays and tasks tagged with these");
  app.add_option("--skip-tags", o.skip_tags, "Skip plays and tasks tagged with these");
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
  app.add_option("--vault-id", o.vault_ids, "Vault identity label@source (repeatable)");
  app.add_option("--vault-password-file,--vault-pass-file", o.vault_password_files,
                 "Vault password file");
  app.add_flag("-J,--ask-vault-pass,--ask-vault-password", o.ask_vault_pass,
               "Ask for the vault password");
  app.add_option("--start-at-task", o.start_at_task, "Start at the task with this name");
  app.add_flag("--step", o.step, "Confirm each task before running it");
  app.add_flag("--force-handlers", o.force_handlers, "Run handlers even if a task fails");
  app.add_flag("--list-hosts", o.list_hosts, "List the hosts each play would run on");
  app.add_flag("--list-tasks", o.list_tasks, "List the tasks that would run");
  app.add_flag("--list-tags", o.list_tags, "List all available tags");
  app.add_flag("--syntax-check", o.syntax_check, "Check the playbooks' syntax and keys only");
  app.add_flag("--flush-cache", o.flush_cache, "Accepted for compatibility (no fact cache)");
  app.add_flag("-v,--verbose", o.verbosity, "More output (-vvv for more)");
  app.add_option("--json-log", o.json_log, "Write one JSON event per line to this file");
}

}  // namespace

Command PlaybookCommand() {
  Command c;
  c.name = "playbook";
  c.ansible_name = "ansible-playbook";
  c.summary = "Run playbooks against an inventory (listing and syntax check only so far)";
  c.run = [](const std::string& prog, std::vector<std::string> args) -> int {
    CLI::App app{
        "Runs Ansible playbooks.\n\nNOT IMPLEMENTED YET: running plays against hosts. "
        "Working: --syntax-check, --list-tasks, --list-tags.",
        prog};
    PlaybookOptions o;
    DefineOptions(app, o);
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      int rc = app.exit(e);
      return e.get_exit_code() == 0 ? 0 : (rc == 0 ? 0 : 5);
    }
    playbook::LoadOptions load_options;
    if (const char* rp = std::getenv("ANSIBLE_ROLES_PATH")) {
      std::string paths = rp;
      size_t start = 0;
      while (start <= paths.size()) {
        size_t colon = paths.find(':', start);
        std::string p = paths.substr(start, colon == std::string::npos ? colon : colon - start);
        if (!p.empty()) load_options.roles_path.push_back(p);
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
    }
    std::vector<playbook::Playbook> loaded;
    for (const std::string& path : o.playbooks) {
      Warnings warnings;
      Result<playbook::Playbook> pb = playbook::LoadPlaybook(path, load_options, &warnings);
      for (const Error& w : warnings) ReportWarning(w);
      if (!pb) return ReportError(pb.error());
      loaded.push_back(std::move(pb).value());
    }
    if (o.syntax_check) {
      for (const std::string& path : o.playbooks) std::printf("\nplaybook: %s\n", path.c_str());
      return 0;
    }
    if (o.list_tasks || o.list_tags || o.list_hosts) {
      if (o.list_hosts) {
        Error e = MakeError("--list-hosts needs the inventory, which is not implemented yet");
        e.code = ExitCode::kBadOptions;
        return ReportError(e);
      }
      playbook::ListOptions lo;
      lo.tasks = o.list_tasks;
      lo.tags = o.list_tags;
      for (const std::string& t : SplitCommas(o.tags)) lo.filter.only.insert(t);
      for (const std::string& t : SplitCommas(o.skip_tags)) lo.filter.skip.insert(t);
      for (size_t i = 0; i < loaded.size(); ++i) {
        std::string text = playbook::ListPlaybook(loaded[i], o.playbooks[i], lo);
        std::fputs(Redact(text).c_str(), stdout);
      }
      return 0;
    }
    Error e = MakeError(
        "running playbooks is not implemented yet in this version of drover; "
        "--syntax-check, --list-tasks and --list-tags work");
    e.code = ExitCode::kBadOptions;
    return ReportError(e);
  };
  return c;
}

}  // namespace drover::cli
