#include "executor/play_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "connection/pool.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "core/parser_error.h"
#include "executor/condition_warnings.h"
#include "executor/hostvars_entry.h"
#include "executor/include_result.h"
#include "executor/loops.h"
#include "executor/preflight.h"
#include "executor/task_count.h"
#include "executor/template_scope.h"
#include "modules/module.h"
#include "playbook/deprecated_include.h"
#include "playbook/keywords.h"
#include "playbook/loader.h"
#include "playbook/tags.h"
#include "template/template.h"
#include "vars/extra_vars.h"
#include "vars/vars_file.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

// ansible_failed_task: the task as Ansible serializes the fields playbooks
// read (name, action, args and the keywords as written).
Value FailedTaskValue(const playbook::Task& task) {
  Map t = task.keywords;
  const Value* name = task.keywords.find("name");
  t.set("name", name ? *name : Value(""));
  t.set("action", Value(task.action_as_written));
  t.set("args", Value(task.args));
  return Value(std::move(t));
}

}  // namespace

PlayRun::PlayRun(Executor& ex, const playbook::Play& play, std::vector<HostState*> batch,
                 const std::vector<std::string>& play_hosts)
    : ex_(ex), play_(play), batch_(std::move(batch)), play_hosts_(play_hosts), runner_(ex, *this) {
  started_ = ex.options_.start_at_task.empty();
}

std::vector<HostState*> PlayRun::ActiveHosts() const {
  std::vector<HostState*> out;
  for (HostState* h : batch_)
    if (h->active()) out.push_back(h);
  return out;
}

Status PlayRun::PrepareHost(HostState& h) {
  h.seen = true;
  h.ended = false;
  h.notified.clear();
  h.scope = std::make_unique<vars::VarScope>();
  vars::VarScope& s = *h.scope;
  // A group_vars/host_vars file that cannot be read or decrypted ends the
  // run with exit code 4, as Ansible's host_group_vars plugin does.
  if (Status st = ex_.env_.inventory_vars->AddHostLayers(*h.host, &s); !st)
    return AsParserError(st.take_error());
  for (const auto& role : play_.roles) {
    s.Add(vars::Layer::kRoleDefaults, role->defaults);
    s.Add(vars::Layer::kRoleVars, role->vars);
  }
  // ansible_facts is {} until facts are gathered (VariableManager's
  // all_vars['ansible_facts'] from an empty fact cache); h.facts' wins.
  s.Add(vars::Layer::kFacts, Map{{"ansible_facts", Value(Map{})}});
  s.Add(vars::Layer::kFacts, h.facts);
  AddVarsKeyword(s, vars::Layer::kPlayVars, play_.keywords.find("vars"));
  // vars_prompt: the answers asked before the run, else the defaults.
  if (auto answered = ex_.env_.vars_prompt_answers.find(&play_);
      answered != ex_.env_.vars_prompt_answers.end()) {
    s.Add(vars::Layer::kVarsPrompt, answered->second);
  } else if (const Value* prompts = play_.keywords.find("vars_prompt");
             prompts && prompts->is_list()) {
    Map answers;
    for (const Value& p : prompts->as_list()) {
      if (!p.is_map()) continue;
      const Value* name = p.as_map().find("name");
      const Value* def = p.as_map().find("default");
      if (name && name->is_string()) answers.set(name->as_string(), def ? *def : Value(""));
    }
    s.Add(vars::Layer::kVarsPrompt, std::move(answers));
  }
  s.Add(vars::Layer::kIncludeVars, h.include_vars);
  s.Add(vars::Layer::kSetFact, h.set_facts);
  s.Add(vars::Layer::kExtraVars, ex_.env_.extra_vars);
  // Magic variables of the play.
  List play_hosts, batch;
  for (const auto& n : play_hosts_) play_hosts.push_back(Value(n));
  for (HostState* b : batch_) batch.push_back(Value(b->name));
  h.magic->set("ansible_play_name", Value(play_.name));
  h.magic->set("ansible_play_hosts", Value(play_hosts));
  h.magic->set("ansible_play_hosts_all", Value(play_hosts));
  h.magic->set("play_hosts", Value(batch));
  h.magic->set("ansible_play_batch", Value(batch));
  AddRunMagic(*h.magic);
  AddRoleNamesMagic(*h.magic);
  h.magic->set("hostvars", hostvars_);
  s.Add(vars::Layer::kMagic, h.magic);

  // vars_files: each entry a file, or a list whose first existing file wins.
  if (const Value* files = play_.keywords.find("vars_files"); files && !files->is_null()) {
    List entries = files->is_list() ? files->as_list() : List{*files};
    TemplateScope tscope(s);
    for (const Value& entry : entries) {
      List choices = entry.is_list() ? entry.as_list() : List{entry};
      bool loaded = false;
      std::string tried;
      for (const Value& choice : choices) {
        Result<Value> name = tmpl::TemplateValue(choice, tscope);
        if (!name) return name.take_error();
        if (!name->is_string()) continue;
        fs::path p(name->as_string());
        if (!p.is_absolute()) p = fs::path(play_.dir) / p;
        tried += (tried.empty() ? "" : ", ") + p.string();
        if (!fs::exists(p)) continue;
        Result<Map> vars = vars::LoadVarsFile(p.string());
        if (!vars) return vars.take_error();
        s.Add(vars::Layer::kVarsFiles, std::move(vars).value());
        loaded = true;
        break;
      }
      if (!loaded) return MakeError("vars file not found: " + tried, entry.where());
    }
  }
  return Status();
}

// ansible_playbook_python: drover runs no python; the stand-in is the
// controller's python3 that Debian's ansible-playbook runs under
// (/usr/bin/python3), else the first python3 on PATH, else "python3".
static std::string ControllerPython() {
  static const std::string found = [] {
    std::error_code ignored;
    if (fs::exists("/usr/bin/python3", ignored)) return std::string("/usr/bin/python3");
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    for (size_t start = 0; start <= dirs.size();) {
      size_t colon = dirs.find(':', start);
      if (colon == std::string::npos) colon = dirs.size();
      fs::path candidate = fs::path(dirs.substr(start, colon - start)) / "python3";
      if (colon > start && fs::exists(candidate, ignored)) return candidate.string();
      start = colon + 1;
    }
    return std::string("python3");
  }();
  return found;
}

void PlayRun::AddRunMagic(Map& magic) const {
  magic.set("playbook_dir", Value(play_.dir));
  magic.set("ansible_check_mode", Value(ex_.options_.check));
  magic.set("ansible_diff_mode", Value(ex_.options_.diff));
  magic.set("ansible_version", Value(Map{{"full", "2.14.18"},
                                         {"major", 2},
                                         {"minor", 14},
                                         {"revision", 18},
                                         {"string", "2.14.18"}}));
  magic.set("omit", Value("__omit_place_holder__drover"));
  const std::vector<std::string>& sources = ex_.env_.inventory->sources();
  magic.set("ansible_inventory_sources", Value(List(sources.begin(), sources.end())));
  const RunOptions& o = ex_.options_;
  List run_tags(o.tags.only.begin(), o.tags.only.end());
  if (run_tags.empty()) run_tags.push_back(Value("all"));
  magic.set("ansible_run_tags", Value(std::move(run_tags)));
  magic.set("ansible_skip_tags", Value(List(o.tags.skip.begin(), o.tags.skip.end())));
  magic.set("ansible_forks", Value(o.forks));
  if (!o.limit.empty()) magic.set("ansible_limit", Value(o.limit));
  magic.set("ansible_verbosity", Value(o.verbosity));
  magic.set("ansible_config_file", o.config_file.empty() ? Value() : Value(o.config_file));
  magic.set("ansible_playbook_python", Value(ControllerPython()));
}

void PlayRun::AddRoleNamesMagic(Map& magic) const {
  // The role names of the play: role_names and ansible_play_role_names list
  // the roles: entries and import_roles; Ansible's two others are sets (their
  // order is Python's), given here sorted.
  List play_roles(play_.role_names.begin(), play_.role_names.end());
  std::set<std::string> all(play_.role_names.begin(), play_.role_names.end());
  all.insert(play_.dependency_role_names.begin(), play_.dependency_role_names.end());
  magic.set("role_names", Value(play_roles));
  magic.set("ansible_play_role_names", Value(play_roles));
  magic.set("ansible_role_names", Value(List(all.begin(), all.end())));
  magic.set("ansible_dependent_role_names",
            Value(List(play_.dependency_role_names.begin(), play_.dependency_role_names.end())));
}

Status PlayRun::RefreshInventoryMagic() {
  // The hosts' scopes are rebuilt, so `groups`, `group_names` and the
  // variables of groups a host joined apply from the next task on.
  for (HostState* h : batch_) {
    if (!h->scope) continue;
    const bool ended = h->ended;
    const std::set<const playbook::Task*> notified = h->notified;
    Status s = PrepareHost(*h);
    h->ended = ended;
    h->notified = notified;
    if (!s) return s;
  }
  // Hosts added by add_host are in hostvars at once, with their inventory
  // variables.
  SeedInventoryHostvars();
  UpdateHostvars();
  return Status();
}

void PlayRun::SeedInventoryHostvars() {
  std::vector<inventory::Host*> hosts = ex_.env_.inventory->hosts();
  // 2.14's hostvars always has localhost, the implicit one when the
  // inventory does not list it.
  if (inventory::Host* local = ex_.env_.inventory->GetHost("localhost"); local && local->implicit)
    hosts.push_back(local);
  for (inventory::Host* host : hosts)
    if (!hostvars_.as_map().contains(host->name)) SetOutsideHostvars(*host);
}

void PlayRun::SetOutsideHostvars(inventory::Host& host) {
  vars::VarScope scope;
  if (!ex_.env_.inventory_vars->AddHostLayers(host, &scope)) return;
  // What earlier plays (or delegate_facts) gathered or set on the host.
  if (auto it = ex_.hosts_.find(host.name); it != ex_.hosts_.end()) {
    scope.Add(vars::Layer::kFacts, it->second->facts);
    scope.Add(vars::Layer::kIncludeVars, it->second->include_vars);
    scope.Add(vars::Layer::kSetFact, it->second->set_facts);
  }
  scope.Add(vars::Layer::kExtraVars, ex_.env_.extra_vars);
  Map run_magic;
  AddRunMagic(run_magic);
  scope.Add(vars::Layer::kMagic, std::move(run_magic));
  hostvars_.as_map().set(host.name, Value(HostvarsEntry(scope)));
}

void PlayRun::UpdateHostvars() {
  // ansible_play_hosts, ansible_play_batch and play_hosts leave out the
  // hosts that failed or became unreachable (the _all variant keeps them).
  List play_hosts, batch;
  for (const std::string& n : play_hosts_) {
    auto it = ex_.hosts_.find(n);
    if (it == ex_.hosts_.end() || it->second->failed || it->second->unreachable ||
        removed_.count(it->second.get()))
      continue;
    play_hosts.push_back(Value(n));
  }
  for (HostState* b : batch_)
    if (!b->failed && !b->unreachable && !removed_.count(b)) batch.push_back(Value(b->name));
  for (HostState* h : batch_) {
    h->magic->set("ansible_play_hosts", Value(play_hosts));
    h->magic->set("ansible_play_batch", Value(batch));
    h->magic->set("play_hosts", Value(batch));
  }
  // hostvars: every host of the play, as its variables stand now.
  for (HostState* h : batch_)
    if (h->scope) hostvars_.as_map().set(h->name, Value(HostvarsEntry(*h->scope)));
}

playbook::TagSet PlayRun::RenderedTags(const Map& keywords) const {
  playbook::TagSet tags = playbook::KeywordTags(keywords);
  const bool templated = std::any_of(tags.begin(), tags.end(), [](const std::string& t) {
    return t.find("{{") != std::string::npos || t.find("{%") != std::string::npos;
  });
  if (!templated) return tags;
  tmpl::MapScope scope{
      Value(vars::LoadTimeVars(*ex_.env_.extra_vars, play_.keywords.find("vars")))};
  Result<Value> rendered = tmpl::TemplateValue(*keywords.find("tags"), scope);
  return rendered ? playbook::ParseTags(*rendered) : tags;
}

bool PlayRun::SelectedByTags(const playbook::Task& task, const TaskContext& ctx) const {
  playbook::TagSet tags = RenderedTags(play_.keywords);
  for (const playbook::Block* b : ctx.blocks) {
    auto t = RenderedTags(b->keywords);
    tags.insert(t.begin(), t.end());
  }
  auto own = RenderedTags(task.keywords);
  tags.insert(own.begin(), own.end());
  // A dynamic `include` runs whatever --tags asks (Block.filter_tagged_tasks
  // checks it against --skip-tags only); its tasks are filtered as usual.
  if (playbook::IsDeprecatedInclude(task)) {
    playbook::TagFilter skip_only = ex_.options_.tags;
    skip_only.only.clear();
    return skip_only.ShouldRun(tags);
  }
  return ex_.options_.tags.ShouldRun(tags);
}

Status PlayRun::Run() {
  output::PlayStart ps;
  ps.name = play_.name;
  ps.where = play_.where.str();
  ps.task_count = PlannedTaskCount(play_, ex_.options_.tags);
  for (HostState* h : batch_) ps.hosts.push_back(h->name);
  if (!prepared_) {
    ex_.env_.reporter->OnPlayStart(ps);
    for (HostState* h : batch_) {
      if (Status s = PrepareHost(*h); !s) return s;
    }
    UpdateHostvars();
    SeedInventoryHostvars();
  }

  TaskContext ctx;
  ctx.play = &play_;
  // Facts first, unless gather_facts is off.
  const Value* gather = play_.keywords.find("gather_facts");
  if (!gather || playbook::KeywordIsTrue(gather)) {
    // The play's gather_subset, gather_timeout and fact_path are its arguments.
    playbook::Task gather_task;
    gather_task.action = "gather_facts";
    gather_task.action_as_written = "gather_facts";
    gather_task.keywords.set("name", Value("Gathering Facts"));
    gather_task.where = play_.where;  // Ansible's task path for it: the play's line
    for (const char* k : {"gather_subset", "gather_timeout", "fact_path"})
      if (const Value* v = play_.keywords.find(k); v && !v->is_null()) gather_task.args.set(k, *v);
    std::vector<HostState*> hosts = ActiveHosts();
    if (ex_.options_.smart_gathering)
      std::erase_if(hosts, [](const HostState* h) { return !h->facts->empty(); });
    if (!hosts.empty())
      if (Status s = RunTask(gather_task, ctx, hosts); !s) return s;
  }
  for (const auto* section : {&play_.pre_tasks, &play_.tasks, &play_.post_tasks}) {
    if (play_ended_) break;
    if (Status s = RunSection(*section, ctx); !s) return s;
  }
  return Status();
}

Status PlayRun::RunSection(const std::vector<playbook::Item>& items, const TaskContext& ctx) {
  if (Status s = RunItems(items, ctx); !s) return s;
  return FlushHandlers();
}

namespace {

// Dynamic includes nest by recursion (RunInclude, RunBlock, RunItems), so a
// file that includes itself without end would exhaust the stack. Ansible
// has no bound (its strategy loops); drover stops past this depth with the
// chain of includes.
constexpr size_t kMaxDynamicIncludeDepth = 100;

// One include_tasks/include_role entered, for as long as it runs.
class IncludeNesting {
 public:
  IncludeNesting(std::vector<std::string>& chain, const playbook::Task& task) : chain_(chain) {
    chain_.push_back(task.action + " at " + task.where.str());
  }
  ~IncludeNesting() { chain_.pop_back(); }
  IncludeNesting(const IncludeNesting&) = delete;
  IncludeNesting& operator=(const IncludeNesting&) = delete;

  Status Check(const playbook::Task& task) const {
    if (chain_.size() <= kMaxDynamicIncludeDepth) return Status();
    std::string text;
    for (size_t i = 0; i < chain_.size(); ++i) {
      if (i == 3 && chain_.size() > 8) {
        text += "\n  ...";
        i = chain_.size() - 4;
      }
      text += "\n  " + chain_[i];
    }
    return MakeError("includes nested more than " + std::to_string(kMaxDynamicIncludeDepth) +
                         " deep (a file that includes itself?); the chain of includes:" + text,
                     task.where);
  }

 private:
  std::vector<std::string>& chain_;
};

}  // namespace

Status PlayRun::RunItems(const std::vector<playbook::Item>& items, const TaskContext& ctx) {
  for (size_t at = 0; at < items.size(); ++at) {
    const playbook::Item& item = items[at];
    if (Interrupted()) return MakeError("User interrupted execution");
    if (play_ended_ || ActiveHosts().empty()) return Status();
    if (item.block) {
      if (Status s = RunBlock(*item.block, ctx); !s) return s;
      continue;
    }
    const playbook::Task& task = *item.task;
    if (!SelectedByTags(task, ctx)) continue;
    if (!started_) {
      if (task.display_name() != ex_.options_.start_at_task &&
          (!task.keywords.contains("name") ||
           task.keywords.find("name")->as_string() != ex_.options_.start_at_task))
        continue;
      started_ = true;
    }
    const std::vector<HostState*> hosts = HostsFor(task);
    if (hosts.empty()) continue;
    if (task.action == "include_tasks" || task.action == "include_role") {
      IncludeNesting nesting(include_chain_, task);
      if (Status s = nesting.Check(task); !s) return s;
      Status s = task.action == "include_tasks" ? RunInclude(task, ctx, hosts)
                                                : RunIncludeRole(task, ctx, hosts);
      if (!s) return s;
      continue;
    }
    if (ex_.options_.batch && !ex_.options_.step) {
      TaskContext with_ahead = ctx;
      with_ahead.ahead = TasksAhead(items, at, ctx);
      if (Status s = RunTask(task, with_ahead, hosts); !s) return s;
      continue;
    }
    if (Status s = RunTask(task, ctx, hosts); !s) return s;
  }
  return Status();
}

std::vector<HostState*> PlayRun::HostsFor(const playbook::Task& task) const {
  std::vector<HostState*> hosts = ActiveHosts();
  if (task.is_handler || !task.role || !task.role->slot) return hosts;
  playbook::RoleSlot& slot = *task.role->slot;
  std::lock_guard lock(slot.mu);
  if (slot.allow_duplicates) return hosts;
  std::erase_if(hosts, [&](HostState* h) { return slot.completed.count(h->name) > 0; });
  return hosts;
}

void PlayRun::CompleteRole(const playbook::Block& block) {
  if (!block.role_entry || !block.role || !block.role->slot) return;
  playbook::RoleSlot& slot = *block.role->slot;
  std::lock_guard lock(slot.mu);
  for (HostState* h : ActiveHosts())
    if (slot.had_task_run.count(h->name)) slot.completed.insert(h->name);
}

std::vector<const playbook::Task*> PlayRun::TasksAhead(const std::vector<playbook::Item>& items,
                                                       size_t at, const TaskContext& ctx) const {
  std::vector<const playbook::Task*> ahead;
  for (size_t i = at + 1; i < items.size() && ahead.size() < 64; ++i) {
    const playbook::Item& item = items[i];
    if (item.block || !modules::FindModule(item.task->action)) break;
    if (SelectedByTags(*item.task, ctx)) ahead.push_back(item.task.get());
  }
  return ahead;
}

Status PlayRun::RunBlock(const playbook::Block& block, const TaskContext& outer) {
  TaskContext ctx = outer;
  ctx.blocks.push_back(&block);
  std::vector<HostState*> at_start = ActiveHosts();
  std::map<HostState*, bool> failed_before;
  for (HostState* h : batch_) failed_before[h] = h->failed;

  {
    CatchScope catching(catching_, !block.rescue.empty() || !block.always.empty());
    if (Status s = RunItems(block.block, ctx); !s) return s;
  }

  std::vector<HostState*> failed_in_block;
  for (HostState* h : at_start)
    if (h->failed && !h->unreachable) failed_in_block.push_back(h);
  if (!block.rescue.empty() && !failed_in_block.empty()) {
    for (HostState* h : failed_in_block) {
      h->failed = false;
      --h->stats.failed;  // the failure is rescued, not counted as a failure
    }
    // Hosts that did not fail skip the rescue section.
    std::vector<HostState*> others;
    for (HostState* h : at_start)
      if (std::find(failed_in_block.begin(), failed_in_block.end(), h) == failed_in_block.end() &&
          h->active()) {
        others.push_back(h);
        h->ended = true;  // parked while the rescue runs
      }
    // The rescue sees what failed (ansible_failed_task/_result).
    for (HostState* h : failed_in_block) {
      if (auto f = last_failure_.find(h); f != last_failure_.end()) {
        h->magic->set("ansible_failed_task", Value(f->second.first));
        h->magic->set("ansible_failed_result", Value(f->second.second));
      }
    }
    Status rescued;
    {
      CatchScope catching(catching_, !block.always.empty());
      rescued = RunItems(block.rescue, ctx);
    }
    for (HostState* h : failed_in_block) {
      h->magic->erase("ansible_failed_task");
      h->magic->erase("ansible_failed_result");
    }
    if (!rescued) return rescued;
    for (HostState* h : others) h->ended = false;
    for (HostState* h : failed_in_block)
      if (!h->failed && !h->unreachable) ++h->stats.rescued;
  }
  if (!block.always.empty()) {
    // always runs for every host that started the block and is reachable.
    std::map<HostState*, bool> was_failed;
    std::vector<HostState*> parked;
    for (HostState* h : batch_) {
      bool started = std::find(at_start.begin(), at_start.end(), h) != at_start.end();
      if (started && !h->unreachable) {
        was_failed[h] = h->failed;
        h->failed = false;
      } else if (h->active()) {
        h->ended = true;
        parked.push_back(h);
      }
    }
    {
      CatchScope catching(catching_, false);
      if (Status s = RunItems(block.always, ctx); !s) return s;
    }
    for (auto& [h, f] : was_failed) h->failed = h->failed || f;
    for (HostState* h : parked) h->ended = false;
  }
  CompleteRole(block);
  return Status();
}

namespace {

// What 2.14's _execute_meta shows at -vv ("META: ...") for `kind` on `host`.
std::string MetaMessage(const std::string& kind, const std::string& host) {
  if (kind == "flush_handlers") return "triggered running handlers for " + host;
  if (kind == "end_host") return "ending play for " + host;
  if (kind == "end_play") return "ending play";
  if (kind == "end_batch") return "ending batch";
  if (kind == "clear_facts") return "facts cleared";
  if (kind == "clear_host_errors") return "cleared host errors";
  if (kind == "refresh_inventory") return "inventory successfully refreshed";
  if (kind == "reset_connection") return "reset connection";
  return kind;  // noop, an explicit role_complete
}

// 2.14's skip_reason for a meta action whose `when` is false on `host`.
std::string MetaSkipReason(const std::string& kind, const std::string& host) {
  std::string r = kind + " conditional evaluated to False";
  if (kind == "flush_handlers") return r + ", not running handlers for " + host;
  if (kind == "clear_facts") return r + ", not clearing facts and fact cache for " + host;
  if (kind == "clear_host_errors") return r + ", not clearing host error state for " + host;
  if (kind == "end_batch") return r + ", continuing current batch";
  if (kind == "end_play") return r + ", continuing play";
  if (kind == "end_host") return r + ", continuing execution for " + host;
  return r;
}

}  // namespace

Status PlayRun::RunTask(const playbook::Task& task, const TaskContext& ctx,
                        const std::vector<HostState*>& hosts_in) {
  if (hosts_in.empty()) return Status();
  if (ex_.options_.step && !task.is_handler && task.action != "meta" &&
      !ex_.options_.step(task.display_name()))
    return Status();  // --step: skipped by the user
  std::vector<HostState*> hosts = hosts_in;
  const Value* run_once = ctx.Inherited(task, "run_once");
  const bool once = playbook::KeywordIsTrue(run_once);
  if (once) hosts.resize(1);
  // What runs on each host: the task, or its templated action resolved.
  std::vector<std::shared_ptr<const playbook::Task>> tasks;
  for (HostState* h : hosts) {
    Result<std::shared_ptr<const playbook::Task>> t = ResolvedAction(task, ctx, *h);
    if (!t) return t.take_error();
    tasks.push_back(std::move(t).value());
  }
  const std::string& action = tasks[0]->action;
  // add_host runs once per task, on the first host (Ansible's
  // BYPASS_HOST_LOOP), without sharing its result as run_once does.
  if (action == "add_host") {
    hosts.resize(1);
    tasks.resize(1);
  }

  output::TaskStart ts;
  ts.name = BannerName(task, ctx, *hosts[0]);
  ts.handler = task.is_handler;
  ts.where = task.where.str();
  ex_.env_.reporter->OnTaskStart(ts);
  // Ansible's linear strategy runs these meta actions once per host, each
  // with its banner and its META line at -vv; the others once.
  bool meta_per_host = false;
  if (action == "meta") {
    const std::string kind = MetaKind(*tasks[0]);
    meta_per_host = kind == "noop" || kind == "reset_connection" || kind == "end_host" ||
                    kind == "role_complete" || kind == "flush_handlers";
    if (kind != "role_complete" && MetaIgnoresWhen(kind) && !ctx.Conditions(task).empty())
      ex_.env_.reporter->OnWarning(kind + " task does not support when conditional");
  }
  UpdateHostvars();

  const auto start = std::chrono::steady_clock::now();
  std::vector<TaskOutcome> outcomes(hosts.size());
  int forks = ex_.options_.forks;
  int throttle = 0;
  if (const Value* th = ctx.Inherited(task, "throttle"); th && th->is_int() && th->as_int() > 0)
    throttle = static_cast<int>(th->as_int());
  if (throttle > 0) forks = std::min(forks, throttle);
  // Under the free strategy (one PlayRun per host) throttle counts the
  // hosts inside this task across the runs.
  ThrottleSlot slot(prepared_ && throttle > 0 ? &ex_.throttle_ : nullptr, &task, throttle);
  connection::RunParallel(hosts.size(), forks, [&](size_t i) {
    try {
      outcomes[i] = runner_.Run(*hosts[i], *tasks[i], ctx);
    } catch (const std::exception& e) {
      outcomes[i].status = output::Outcome::kFailed;
      outcomes[i].result =
          Map{{"failed", true}, {"msg", std::string("internal error: ") + e.what()}};
    }
  });
  ApplyDelegatedFacts();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  {
    std::lock_guard lock(ex_.task_times_mu_);
    ex_.task_times_.emplace_back(task.display_name(), seconds);
  }

  for (const TaskOutcome& o : outcomes)
    if (o.stop) return *o.stop;
  size_t failed_before =
      std::count_if(batch_.begin(), batch_.end(), [](HostState* h) { return h->failed; });
  std::string meta;
  for (size_t i = 0; i < hosts.size(); ++i) {
    HostState& h = *hosts[i];
    const TaskOutcome& o = outcomes[i];
    if (meta_per_host && i > 0) ex_.env_.reporter->OnTaskStart(ts);
    if (action == "meta" && o.meta_skipped) {
      // As 2.14's _execute_meta: shown (META line at -vv, then a skipping
      // line) for each host of a per-host action, for the first host of the
      // others, and not counted in the recap.
      if (!meta_per_host && i > 0) continue;
      const std::string kind = MetaKind(*tasks[i]);
      const std::string reason = MetaSkipReason(kind, h.name);
      ex_.env_.reporter->OnVerbose(2, "META: " + reason);
      output::HostResult e;
      e.host = h.name;
      e.status = output::Outcome::kSkipped;
      const std::string msg =
          kind == "end_host"
              ? "end_host conditional evaluated to false, continuing execution for " + h.name
              : kind;
      e.result = Value(Map{{"msg", msg}, {"skip_reason", reason}});
      e.where = ts.where;
      e.action = task.action;
      ex_.env_.reporter->OnHostResult(e);
      continue;
    }
    if (action == "meta" && o.status != output::Outcome::kFailed) {
      if (!o.meta.empty() && (meta_per_host || i == 0))
        ex_.env_.reporter->OnVerbose(2, "META: " + MetaMessage(o.meta, h.name));
      if (!o.meta.empty()) meta = o.meta;
      continue;
    }
    switch (o.status) {
      case output::Outcome::kOk: ++h.stats.ok; break;
      case output::Outcome::kChanged:
        ++h.stats.ok;
        ++h.stats.changed;
        break;
      case output::Outcome::kSkipped: ++h.stats.skipped; break;
      case output::Outcome::kFailed:
        if (o.ignored) {
          ++h.stats.ok;
          ++h.stats.ignored;
          if (const Value* c = o.result.find("changed"); c && c->truthy()) ++h.stats.changed;
        } else {
          ++h.stats.failed;
          h.failed = true;
          h.errors_cleared = false;
          last_failure_[&h] = {FailedTaskValue(task), o.result};
        }
        break;
      case output::Outcome::kUnreachable:
        if (o.ignored) {  // ignore_unreachable: counted ok and ignored, the host goes on
          ++h.stats.ok;
          ++h.stats.ignored;
          h.unreachable = false;
        } else {
          ++h.stats.unreachable;
          h.unreachable = true;
        }
        break;
    }
    h.notified.insert(o.notify.begin(), o.notify.end());
    if (!o.meta.empty()) meta = o.meta;
    if (o.status != output::Outcome::kSkipped && task.role && task.role->slot) {
      std::lock_guard lock(task.role->slot->mu);
      task.role->slot->had_task_run.insert(h.name);
    }
  }
  // run_once: every host of the batch gets the result.
  if (once) {
    const Value* reg = task.keywords.find("register");
    for (HostState* h : ActiveHosts()) {
      if (h == hosts[0]) continue;
      if (reg && reg->is_string()) h->set_facts->set(reg->as_string(), Value(outcomes[0].result));
      if (action == "set_fact") {
        for (const auto& [k, v] : *hosts[0]->set_facts) h->set_facts->set(k, v);
      }
    }
  }
  if (std::any_of(tasks.begin(), tasks.end(),
                  [](const auto& t) { return t->action == "add_host" || t->action == "group_by"; }))
    if (Status s = RefreshInventoryMagic(); !s) return s;
  if (meta == "flush_handlers") return FlushHandlers();
  if (meta == "end_play") play_ended_ = true;
  if (meta == "end_host" || meta == "end_batch") {
    for (size_t i = 0; i < hosts.size(); ++i)
      if (outcomes[i].meta == "end_host" || meta == "end_batch") {
        hosts[i]->ended = true;
        removed_.insert(hosts[i]);
      }
  }
  if (meta == "clear_host_errors") {
    // The batch's failed hosts no longer fail the run (they stay out of
    // this play, as in Ansible, and are back in the next).
    for (HostState* h : batch_)
      if (h->failed || h->unreachable) {
        h->failed = h->unreachable = false;
        h->ended = true;
        h->errors_cleared = true;
        removed_.insert(h);
        failed_before = 0;
      }
  }
  CheckFailurePolicy(failed_before,
                     playbook::KeywordIsTrue(ctx.Inherited(task, "any_errors_fatal")));
  return Status();
}

void PlayRun::CheckFailurePolicy(size_t failed_before, bool any_errors_fatal) {
  const size_t failed_now = std::count_if(batch_.begin(), batch_.end(),
                                          [](HostState* h) { return h->failed || h->unreachable; });
  // A failure a rescue or always section will handle is not fatal yet
  // (Ansible's linear strategy spares hosts headed to rescue/always).
  const bool caught = std::find(catching_.begin(), catching_.end(), true) != catching_.end();
  const bool fatal = failed_now > failed_before && any_errors_fatal && !caught;
  bool over_max = false;
  if (const Value* mfp = play_.keywords.find("max_fail_percentage");
      mfp && mfp->is_number() && !batch_.empty()) {
    double pct = 100.0 * static_cast<double>(failed_now) / static_cast<double>(batch_.size());
    over_max = pct > mfp->as_number();
  }
  if (!fatal && !over_max) return;
  play_ended_ = true;
  for (HostState* h : batch_) h->ended = true;
  if (failed_break_) return;
  failed_break_ = true;
  // The linear strategy's banner: once when max_fail_percentage is passed,
  // once more as every host is then failed (so twice with it).
  if (over_max) ex_.env_.reporter->OnNoHostsRemaining();
  ex_.env_.reporter->OnNoHostsRemaining();
}

namespace {

void FlattenHandlers(const std::vector<playbook::Item>& items,
                     std::vector<const playbook::Block*>& blocks,
                     std::vector<PlayRun::HandlerRef>& out) {
  for (const playbook::Item& item : items) {
    if (item.task) {
      out.push_back(PlayRun::HandlerRef{item.task.get(), blocks});
      continue;
    }
    blocks.push_back(item.block.get());
    for (const auto* part : {&item.block->block, &item.block->rescue, &item.block->always})
      FlattenHandlers(*part, blocks, out);
    blocks.pop_back();
  }
}

std::vector<std::string> ListenTopics(const playbook::Task& handler) {
  std::vector<std::string> topics;
  if (const Value* l = handler.keywords.find("listen")) {
    List list = l->is_list() ? l->as_list() : List{*l};
    for (const Value& t : list)
      if (t.is_string()) topics.push_back(t.as_string());
  }
  return topics;
}

}  // namespace

std::vector<PlayRun::HandlerRef> PlayRun::Handlers() const {
  std::vector<HandlerRef> out;
  std::vector<const playbook::Block*> blocks;
  FlattenHandlers(play_.handlers, blocks, out);
  FlattenHandlers(dynamic_handlers_, blocks, out);
  return out;
}

Result<std::vector<const playbook::Task*>> PlayRun::NotifyTargets(const std::string& name) const {
  const std::vector<HandlerRef> handlers = Handlers();
  std::vector<const playbook::Task*> out;
  for (auto it = handlers.rbegin(); it != handlers.rend(); ++it) {
    const std::optional<std::string> n = HandlerName(*it->task);
    if (!n) continue;
    if (*n == name || (it->task->role && it->task->role->name + " : " + *n == name)) {
      out.push_back(it->task);
      break;
    }
  }
  for (const HandlerRef& h : handlers) {
    std::vector<std::string> topics = ListenTopics(*h.task);
    if (std::find(topics.begin(), topics.end(), name) != topics.end() &&
        std::find(out.begin(), out.end(), h.task) == out.end())
      out.push_back(h.task);
  }
  if (out.empty())
    return MakeError("The requested handler '" + name +
                     "' was not found in either the main handlers list nor in the listening "
                     "handlers list");
  return out;
}

Status PlayRun::FlushHandlers() {
  const bool force =
      ex_.options_.force_handlers || playbook::KeywordIsTrue(play_.keywords.find("force_handlers"));
  for (const HandlerRef& ref : Handlers()) {
    std::vector<HostState*> hosts;
    for (HostState* h : batch_) {
      // Hosts out of the flush (failed, or waiting while others run a
      // rescue or an include) keep their notifications.
      if (!h->notified.count(ref.task)) continue;
      if (!h->active() && !(force && h->failed && !h->unreachable && !h->ended)) continue;
      h->notified.erase(ref.task);
      hosts.push_back(h);
    }
    if (hosts.empty()) continue;
    // Forced handlers run on failed hosts as if they had not failed.
    std::vector<HostState*> forced;
    for (HostState* h : hosts) {
      if (h->failed) {
        forced.push_back(h);
        h->failed = false;
      }
    }
    TaskContext ctx;
    ctx.play = &play_;
    ctx.blocks = ref.blocks;
    Status s = ref.task->action == "include_tasks"  ? RunInclude(*ref.task, ctx, hosts)
               : ref.task->action == "include_role" ? RunIncludeRole(*ref.task, ctx, hosts)
                                                    : RunTask(*ref.task, ctx, hosts);
    for (HostState* h : forced) h->failed = true;
    if (!s) return s;
  }
  return Status();
}

Status PlayRun::RunInclude(const playbook::Task& task, const TaskContext& ctx,
                           const std::vector<HostState*>& hosts_in) {
  if (ex_.options_.step && !hosts_in.empty() && !ex_.options_.step(task.display_name()))
    return Status();  // --step: skipped by the user
  output::TaskStart ts;
  ts.name = hosts_in.empty() ? task.display_name() : BannerName(task, ctx, *hosts_in[0]);
  ts.handler = task.is_handler;
  ts.where = task.where.str();
  ex_.env_.reporter->OnTaskStart(ts);
  if (playbook::IsDeprecatedInclude(task))
    ex_.env_.reporter->OnWarning(playbook::IncludeRunDeprecation());
  // run_once: the first host includes the file.
  std::vector<HostState*> hosts = hosts_in;
  if (playbook::KeywordIsTrue(ctx.Inherited(task, "run_once")) && !hosts.empty()) hosts.resize(1);
  // Each host resolves the file name (and loop items) with its own
  // variables; hosts that include the same file run it together.
  struct Inclusion {
    std::string file;
    Map params;
    std::string label;  // the item in the `included:` line ("" for none)
  };
  std::map<HostState*, std::vector<Inclusion>> per_host;
  size_t rounds = 0;
  for (HostState* h : hosts) {
    ConditionWarnings condition_warnings(
        [this](const std::string& w) { ex_.env_.reporter->OnWarning(w); });
    auto scope = runner_.TaskScope(*h, task, ctx);
    TemplateScope tscope(*scope);
    std::vector<Map> item_locals;
    std::string missing_file;
    Result<std::optional<List>> items = LoopItems(task, tscope, TaskLookupContext(task, ctx));
    if (!items) return items.take_error();
    const bool has_loop = items->has_value();
    const std::string loop_var = LoopVarName(task);
    IncludeResult own(task, loop_var);  // the include's own result, for OnCombinedResult
    if (has_loop) {
      item_locals = LoopItemLocals(task, **items, loop_var);
    } else {
      item_locals.push_back(Map{});
    }
    for (const Map& locals : item_locals) {
      TemplateScope iscope(*scope, &locals);
      bool run = true;
      for (const Value* c : ctx.Conditions(task)) {
        Result<bool> ok = EvaluateAll(*c, iscope);
        if (!ok) return ok.take_error();
        run = run && *ok;
      }
      if (!run) {
        own.AddSkipped(locals);
        continue;
      }
      const Value* f = task.args.find("_raw_params");
      if (!f) f = task.args.find("file");
      if (!f) return MakeError("include_tasks needs a file name", task.where);
      Result<Value> name = tmpl::TemplateValue(*f, iscope);
      if (!name) return name.take_error();
      // Absolute, as Ansible shows it ("included: /p/x.yml for h1").
      const std::string file =
          std::filesystem::absolute(IncludedTaskFile(name->is_string() ? name->as_string() : "",
                                                     ctx.Role(task), task.where, play_.dir))
              .lexically_normal()
              .string();
      std::error_code missing;
      if (!std::filesystem::is_regular_file(file, missing)) {
        // 2.14's _load_included_file: this host fails (no ignore_errors),
        // the others go on.
        missing_file = file;
        break;
      }
      Map params = locals;
      for (const auto& [k, val] : VarsKeywordMap(task.keywords.find("vars"))) params.set(k, val);
      per_host[h].push_back(
          Inclusion{file, std::move(params),
                    has_loop ? IncludeItemLabel(task, locals, iscope, loop_var) : ""});
      own.AddIncluded(*name, has_loop ? &locals : nullptr);
    }
    // The include's own result: ok for each file it includes, as Ansible
    // counts it; skipped where its condition is false.
    if (!missing_file.empty()) {
      per_host[h].clear();
      Map failed{
          {"failed", true},
          {"reason", "Could not find or access '" + missing_file + "' on the Ansible Controller."}};
      output::HostResult e;
      e.host = h->name;
      e.status = output::Outcome::kFailed;
      e.result = Value(failed);
      e.where = ts.where;
      e.action = task.action;
      ex_.env_.reporter->OnHostResult(e);
      ++h->stats.failed;
      h->failed = true;
      h->errors_cleared = false;
      last_failure_[h] = {FailedTaskValue(task), failed};
    } else if (!per_host[h].empty()) {
      h->stats.ok += static_cast<int>(per_host[h].size());
      ex_.env_.reporter->OnCombinedResult(own.Event(h->name, ts.where, has_loop));
    } else if (has_loop) {
      ++h->stats.skipped;
      ex_.env_.reporter->OnCombinedResult(own.Event(h->name, ts.where, has_loop));
    } else {
      ++h->stats.skipped;
      if (!has_loop) {
        output::HostResult e;
        e.host = h->name;
        e.status = output::Outcome::kSkipped;
        e.result = Value(Map{{"changed", false},
                             {"skip_reason", "Conditional result was False"},
                             {"skipped", true}});
        e.where = ts.where;
        e.action = task.action;
        ex_.env_.reporter->OnHostResult(e);
      }
    }
    rounds = std::max(rounds, per_host[h].size());
  }
  // 2.14 loads every file included (one per file and item, its hosts
  // together) and says so before running any of them.
  // Hosts including the same file with the same variables run it together.
  auto key_of = [](const Inclusion& inc) {
    return inc.file + '\n' + inc.label + '\n' + ToJson(Value(inc.params));
  };
  std::vector<std::pair<std::string, const Inclusion*>> shown;  // key, first inclusion
  std::map<std::string, std::string> shown_hosts;
  for (HostState* h : hosts) {
    for (const Inclusion& inc : per_host[h]) {
      const std::string key = key_of(inc);
      std::string& names = shown_hosts[key];
      if (names.empty()) shown.emplace_back(key, &inc);
      names += (names.empty() ? "" : ", ") + h->name;
    }
  }
  for (const auto& [key, inc] : shown)
    ex_.env_.reporter->OnIncluded(inc->file, shown_hosts[key], inc->label);
  for (size_t round = 0; round < rounds; ++round) {
    std::map<std::string, std::vector<HostState*>> by_key;
    std::vector<std::string> order;
    for (HostState* h : hosts) {
      if (round >= per_host[h].size() || !h->active()) continue;
      const std::string key = key_of(per_host[h][round]);
      if (!by_key.count(key)) order.push_back(key);
      by_key[key].push_back(h);
    }
    for (const std::string& key : order) {
      const std::vector<HostState*>& together = by_key[key];
      const Inclusion& inc = per_host[together[0]][round];
      const std::string& file = inc.file;
      Warnings warnings;
      Result<std::vector<playbook::Item>> items =
          playbook::LoadTaskFile(file, task.role, &warnings, task.is_handler);
      if (!items) return items.take_error();
      // Hosts not including this file wait while it runs.
      std::vector<HostState*> parked;
      for (HostState* h : batch_) {
        if (h->active() && std::find(together.begin(), together.end(), h) == together.end()) {
          h->ended = true;
          parked.push_back(h);
        }
      }
      TaskContext inner = ctx;
      inner.include_params = inc.params;
      auto block = std::make_shared<playbook::Block>();
      block->block = std::move(items).value();
      block->role = task.role;
      // The include's own keywords (become, ...) apply inside; its tags
      // select the include only, as in 2.14 (`apply` passes them down).
      for (const auto& [k, v] : task.keywords)
        if (k != "name" && k != "loop" && k != "loop_control" && k != "vars" && k != "when" &&
            k != "tags" && k.rfind("with_", 0) != 0)
          block->keywords.set(k, v);
      if (const Value* apply = task.args.find("apply"); apply && apply->is_map())
        for (const auto& [k, v] : apply->as_map()) block->keywords.set(k, v);
      included_.push_back(block);
      Status s = RunBlock(*block, inner);
      for (HostState* h : parked) h->ended = false;
      if (!s) return s;
    }
  }
  return Status();
}

}  // namespace drover::executor
