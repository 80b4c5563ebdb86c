#include "executor/executor.h"

#include <chrono>
#include <cmath>

#include "executor/play_run.h"
#include "executor/template_scope.h"
#include "output/run_exit_code.h"
#include "template/template.h"

namespace drover::executor {

namespace {

// serial: a number, a percentage, or a list of them (the last repeats).
std::vector<size_t> BatchSizes(const Value* serial, size_t host_count) {
  std::vector<size_t> sizes;
  if (!serial || serial->is_null()) return {host_count};
  List specs = serial->is_list() ? serial->as_list() : List{*serial};
  for (const Value& s : specs) {
    size_t n = host_count;
    if (s.is_int()) {
      n = static_cast<size_t>(std::max<int64_t>(1, s.as_int()));
    } else if (s.is_string()) {
      const std::string& t = s.as_string();
      if (!t.empty() && t.back() == '%') {
        double pct = std::atof(t.substr(0, t.size() - 1).c_str());
        n = std::max<size_t>(
            1, static_cast<size_t>(std::floor(pct * static_cast<double>(host_count) / 100.0)));
      } else {
        n = static_cast<size_t>(std::max(1, std::atoi(t.c_str())));
      }
    }
    sizes.push_back(n);
  }
  return sizes;
}

}  // namespace

Executor::Executor(RunEnvironment env, RunOptions options)
    : env_(std::move(env)), options_(std::move(options)) {}
Executor::~Executor() = default;

HostState& Executor::State(inventory::Host* host) {
  auto it = hosts_.find(host->name);
  if (it != hosts_.end()) return *it->second;
  auto state = std::make_unique<HostState>();
  state->host = host;
  state->name = host->name;
  HostState& ref = *state;
  hosts_.emplace(host->name, std::move(state));
  host_order_.push_back(host->name);
  return ref;
}

Status Executor::RunPlaybook(const playbook::Playbook& pb) {
  const auto start = std::chrono::steady_clock::now();
  bool stop_playbook = false;
  for (const playbook::Play& play : pb.plays) {
    env_.inventory_vars->AddPlaybookDir(play.dir);
    std::string pattern;
    for (const auto& h : play.hosts) pattern += (pattern.empty() ? "" : ",") + h;
    // The pattern may use extra vars ("hosts: '{{ target }}'").
    if (tmpl::IsPossiblyTemplate(pattern)) {
      vars::VarScope scope;
      scope.Add(vars::Layer::kExtraVars, env_.extra_vars);
      TemplateScope tscope(scope);
      Result<Value> t = tmpl::TemplateString(pattern, tscope);
      if (!t) return t.take_error();
      pattern = t->is_string() ? t->as_string() : tmpl::PyStr(*t);
    }
    std::vector<Error> warnings;
    Result<std::vector<inventory::Host*>> matched = env_.matcher->Match(pattern, &warnings);
    if (!matched) return matched.take_error();
    for (const Error& w : warnings) env_.reporter->OnWarning(w.message);
    std::vector<HostState*> hosts;
    std::vector<std::string> names;
    for (inventory::Host* h : *matched) {
      HostState& s = State(h);
      names.push_back(s.name);                  // ansible_play_hosts_all has every matched host
      if (s.failed || s.unreachable) continue;  // out of the run since an earlier play
      hosts.push_back(&s);
    }
    if (hosts.empty()) {
      output::PlayStart ps;
      ps.name = play.name;
      ps.where = play.where.str();
      env_.reporter->OnPlayStart(ps);
      env_.reporter->OnNoHostsMatched(play.name);
      continue;
    }
    std::vector<size_t> sizes = BatchSizes(play.keywords.find("serial"), hosts.size());
    size_t next = 0, batch_index = 0;
    while (next < hosts.size()) {
      size_t n = sizes[std::min(batch_index, sizes.size() - 1)];
      std::vector<HostState*> batch(
          hosts.begin() + static_cast<long>(next),
          hosts.begin() + static_cast<long>(std::min(hosts.size(), next + n)));
      next += batch.size();
      ++batch_index;
      bool play_ended = false;
      failed_break_ = false;
      if (Status s = RunBatch(play, batch, names, &play_ended); !s) return s;
      // A batch where every host failed, or any_errors_fatal or
      // max_fail_percentage, stops the play and the playbook's later plays
      // (Ansible's break_play).
      bool all_failed = std::all_of(batch.begin(), batch.end(),
                                    [](HostState* h) { return h->failed || h->unreachable; });
      if (all_failed || failed_break_) {
        stop_playbook = true;
        break;
      }
      if (play_ended && IsAnyErrorsFatal(play)) break;
    }
    if (stop_playbook) break;
  }
  elapsed_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status();
}

bool Executor::IsAnyErrorsFatal(const playbook::Play& play) {
  const Value* v = play.keywords.find("any_errors_fatal");
  return v && v->truthy() &&
         !(v->is_string() && (v->as_string() == "no" || v->as_string() == "false"));
}

output::Recap Executor::MakeRecap() const {
  output::Recap recap;
  std::vector<std::string> names = host_order_;
  std::sort(names.begin(), names.end());  // Ansible's recap is sorted by host name
  for (const auto& name : names) {
    const HostState& h = *hosts_.at(name);
    if (!h.seen) continue;
    // Ansible's recap lists hosts with a counted result only.
    if (h.failed_uncounted && h.stats == output::HostStats{}) continue;
    recap.hosts.emplace_back(name, h.stats);
  }
  recap.task_times = task_times_;
  std::stable_sort(recap.task_times.begin(), recap.task_times.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  recap.elapsed_seconds = elapsed_;
  return recap;
}

int Executor::ExitCode() const {
  // A host whose failures `meta: clear_host_errors` cleared keeps them in
  // its recap line but no longer fails the run, as in Ansible.
  output::Recap recap = MakeRecap();  // hosts never seen have no stats
  for (auto& [name, stats] : recap.hosts)
    if (hosts_.at(name)->errors_cleared) stats.failed = 0;
  for (const auto& [name, h] : hosts_)
    if (h->failed_uncounted && !h->errors_cleared) return 2;
  return output::RunExitCode(recap.hosts);
}

}  // namespace drover::executor
