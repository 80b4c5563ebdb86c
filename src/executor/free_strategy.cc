// strategy: free. Each host of the batch walks the whole play on its own
// (its own PlayRun over a batch of one), up to --forks hosts at once, so a
// fast host runs its later tasks while a slow one is still busy; handlers
// run per host at the end of each section. Hosts see each other's hostvars
// as they stood when the play started.
#include "executor/free_strategy.h"

#include "connection/pool.h"
#include "executor/executor.h"
#include "executor/play_run.h"
#include "executor/task_count.h"
#include "template/template.h"
#include "vars/extra_vars.h"

namespace drover::executor {

namespace {

// The task start the current thread announced last and has not shown yet.
thread_local output::TaskStart pending_task;
thread_local bool has_pending_task = false;

std::string Identity(const output::TaskStart& t) {
  return t.where + "\n" + t.name + (t.handler ? "\nhandler" : "");
}

}  // namespace

void FreeBannerReporter::OnPlayStart(const output::PlayStart& e) {
  std::lock_guard lock(mu_);
  last_banner_.clear();
  inner_->OnPlayStart(e);
}

void FreeBannerReporter::OnTaskStart(const output::TaskStart& e) {
  pending_task = e;
  has_pending_task = true;
}

void FreeBannerReporter::ShowPendingBanner() {
  if (has_pending_task && Identity(pending_task) != last_banner_) {
    inner_->OnTaskStart(pending_task);
    last_banner_ = Identity(pending_task);
  }
}

void FreeBannerReporter::OnHostResult(const output::HostResult& e) {
  std::lock_guard lock(mu_);
  ShowPendingBanner();
  inner_->OnHostResult(e);
}

void FreeBannerReporter::OnCombinedResult(const output::HostResult& e) {
  std::lock_guard lock(mu_);
  ShowPendingBanner();
  inner_->OnCombinedResult(e);
}

void FreeBannerReporter::OnNoHostsMatched(const std::string& play) {
  std::lock_guard lock(mu_);
  inner_->OnNoHostsMatched(play);
}

void FreeBannerReporter::OnIncluded(const std::string& file, const std::string& hosts,
                                    const std::string& item) {
  std::lock_guard lock(mu_);
  inner_->OnIncluded(file, hosts, item);
}

void FreeBannerReporter::OnWarning(const std::string& text) {
  std::lock_guard lock(mu_);
  inner_->OnWarning(text);
}

void FreeBannerReporter::OnVerbose(int level, const std::string& text) {
  std::lock_guard lock(mu_);
  inner_->OnVerbose(level, text);
}

void FreeBannerReporter::OnError(const std::string& text) {
  std::lock_guard lock(mu_);
  inner_->OnError(text);
}

void FreeBannerReporter::OnRecap(const output::Recap& e) {
  std::lock_guard lock(mu_);
  inner_->OnRecap(e);
}

void TaskThrottle::Acquire(const void* task, int limit) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return running_[task] < limit; });
  ++running_[task];
}

void TaskThrottle::Release(const void* task) {
  {
    std::lock_guard lock(mu_);
    --running_[task];
  }
  cv_.notify_all();
}

Result<bool> IsFreeStrategy(const Value* strategy) {
  if (!strategy || strategy->is_null()) return false;
  std::string name = strategy->is_string() ? strategy->as_string() : "";
  if (name.rfind("ansible.builtin.", 0) == 0) name = name.substr(16);
  if (name == "free" || name == "host_pinned") return true;
  if (name == "linear" || name == "debug") return false;
  return MakeError(
      "Invalid play strategy specified: " + name + " (drover runs 'linear' and 'free')",
      strategy->where());
}

Status PlayRun::PrepareFreeMember(const std::vector<HostState*>& batch) {
  for (HostState* h : batch_) {
    if (Status s = PrepareHost(*h); !s) return s;
    List names;
    for (HostState* b : batch) names.push_back(Value(b->name));
    h->magic->set("play_hosts", Value(names));
    h->magic->set("ansible_play_batch", Value(names));
  }
  UpdateHostvars();
  prepared_ = true;
  return Status();
}

void PlayRun::SeedHostvars(const Map& all) {
  for (const auto& [name, vars] : all)
    if (!hostvars_.as_map().contains(name)) hostvars_.as_map().set(name, vars);
}

Result<Value> Executor::PlayStrategy(const playbook::Play& play) const {
  const Value* written = play.keywords.find("strategy");
  if (!written || written->is_null())
    return Value(options_.default_strategy.empty() ? "linear" : options_.default_strategy);
  if (!written->is_string() || !tmpl::IsPossiblyTemplate(written->as_string())) return *written;
  // Ansible's play post_validate: rendered with the play's vars and -e.
  tmpl::MapScope scope{
      Value(vars::LoadTimeVars(*env_.extra_vars, play.keywords.find("vars"), &play.dir))};
  Result<Value> rendered = tmpl::TemplateValue(*written, scope);
  if (!rendered)
    return MakeError(
        "The field 'strategy' has an invalid value, which includes an undefined "
        "variable. The error was: " +
            rendered.error().message,
        written->where());
  return rendered->set_where(written->where());
}

Status Executor::RunBatch(const playbook::Play& play, const std::vector<HostState*>& batch,
                          const std::vector<std::string>& play_hosts, bool* play_ended) {
  Result<Value> strategy = PlayStrategy(play);
  Result<bool> free = strategy ? IsFreeStrategy(&*strategy) : Result<bool>(strategy.take_error());
  if (!free) {
    // Ansible shows the play's banner, then stops.
    output::PlayStart ps;
    ps.name = play.name;
    ps.where = play.where.str();
    env_.reporter->OnPlayStart(ps);
    return free.take_error();
  }
  if (!*free) {
    PlayRun run(*this, play, batch, play_hosts);
    Status s = run.Run();
    *play_ended = run.play_ended();
    failed_break_ = run.failed_break();
    return s;
  }
  output::PlayStart ps;
  ps.name = play.name;
  ps.where = play.where.str();
  ps.lockstep = false;
  ps.task_count = PlannedTaskCount(play, options_.tags);
  for (HostState* h : batch) ps.hosts.push_back(h->name);
  env_.reporter->OnPlayStart(ps);
  if (IsAnyErrorsFatal(play))
    env_.reporter->OnWarning(
        "Using any_errors_fatal with the free strategy is not supported, as tasks are executed "
        "independently on each host");

  std::vector<std::unique_ptr<PlayRun>> runs;
  for (HostState* h : batch) {
    runs.push_back(std::make_unique<PlayRun>(*this, play, std::vector<HostState*>{h}, play_hosts));
    if (Status s = runs.back()->PrepareFreeMember(batch); !s) return s;
  }
  // Every host's hostvars as they stand now, for each walk to start from.
  Map all_hostvars;
  for (const auto& run : runs)
    for (const auto& [name, vars] : run->hostvars()) all_hostvars.set(name, vars);
  if (!runs.empty()) {  // and every other inventory host's, computed once
    runs[0]->SeedInventoryHostvars();
    for (const auto& [name, vars] : runs[0]->hostvars())
      if (!all_hostvars.contains(name)) all_hostvars.set(name, vars);
  }
  for (const auto& run : runs) run->SeedHostvars(all_hostvars);

  FreeBannerReporter banners(env_.reporter);
  output::Reporter* outer = env_.reporter;
  env_.reporter = &banners;
  std::vector<Status> results(runs.size());
  connection::RunParallel(runs.size(), options_.forks,
                          [&](size_t i) { results[i] = runs[i]->Run(); });
  env_.reporter = outer;
  *play_ended = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!results[i]) return results[i];
    *play_ended = *play_ended || runs[i]->play_ended();
  }
  return Status();
}

}  // namespace drover::executor
