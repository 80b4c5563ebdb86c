#include "output/json_callback.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/json.h"
#include "output/result_keys.h"

namespace drover::output {

namespace {
// datetime.utcnow().isoformat() + "Z": microseconds, omitted when zero.
std::string CurrentTime() {
  const auto now = std::chrono::system_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(us.count() / 1000000);
  const long micros = static_cast<long>(us.count() % 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (micros != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06ld", micros);
    out += frac;
  }
  return out + "Z";
}

bool IsDebug(const std::string& action) {
  return action == "debug" || action == "ansible.builtin.debug" || action == "ansible.legacy.debug";
}

bool IsInclude(const std::string& action) {
  for (const char* a : {"include_tasks", "include_role"})
    if (action == a || action == std::string("ansible.builtin.") + a ||
        action == std::string("ansible.legacy.") + a)
      return true;
  return false;
}

// A loop item as TaskExecutor._run_loop leaves it: _ansible_no_log and
// _ansible_item_label (the loop variable's value unless a label was
// given), debug's _ansible_verbose_always.
Value LoopItem(const Value& item, const std::string& action) {
  if (!item.is_map()) return item;
  Map r = item.as_map();
  if (!r.contains("_ansible_no_log")) r.set("_ansible_no_log", false);
  if (!r.contains("_ansible_item_label")) {
    const Value* var = r.find("ansible_loop_var");
    const Value* value = var && var->is_string() ? r.find(var->as_string()) : nullptr;
    r.set("_ansible_item_label", value ? *value : Value());
  }
  const Value* skipped = r.find("skipped");
  if (IsDebug(action) && !(skipped && skipped->truthy())) r.set("_ansible_verbose_always", true);
  return Value(std::move(r));
}
}  // namespace

std::string JsonCallbackReporter::AnsiblePath(const std::string& where) {
  std::string file = where;
  std::string line;
  // Drop ":col", keep ":line".
  for (int part = 0; part < 2; ++part) {
    const size_t colon = file.rfind(':');
    if (colon == std::string::npos) break;
    const std::string tail = file.substr(colon + 1);
    if (tail.empty() || tail.find_first_not_of("0123456789") != std::string::npos) break;
    line = tail;
    file.resize(colon);
  }
  if (file.empty()) return "";
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(file, ec);
  const std::string path = ec ? file : abs.lexically_normal().string();
  return line.empty() ? path : path + ":" + line;
}

Map JsonCallbackReporter::RecordedResult(const HostResult& e, bool combined) {
  const Value cleaned = StripInternalKeys(e.result, true);  // as clean_copy leaves it
  Map r = cleaned.is_map() ? cleaned.as_map() : Map{};
  const bool censored = r.contains("censored");
  const bool loop = r.contains("results") && r.find("results")->is_list();
  if (loop && !censored && !IsInclude(e.action) && combined) {
    List items;
    for (const Value& item : r.find("results")->as_list())
      items.push_back(LoopItem(item, e.action));
    r.set("results", Value(std::move(items)));
  }
  // Task results carry _ansible_no_log; a loop's combined and a censored
  // one do not, nor include_tasks'.
  if (!censored && !loop && !IsInclude(e.action) && !r.contains("_ansible_no_log"))
    r.set("_ansible_no_log", false);
  r.erase("failed");
  r.erase("skipped");
  if (e.status == Outcome::kFailed) r.set("failed", true);
  if (e.status == Outcome::kSkipped) r.set("skipped", true);
  r.set("action", Value(e.action));
  return r;
}

std::string JsonCallbackReporter::NextId() {
  char buf[48];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", ++ids_);
  return buf;
}

void JsonCallbackReporter::OnPlayStart(const PlayStart& e) {
  std::lock_guard lock(mu_);
  lockstep_ = e.lockstep;
  PlayEntry p;
  p.play = Map{{"name", e.name},
               {"id", NextId()},
               {"path", AnsiblePath(e.where)},
               {"duration", Value(Map{{"start", CurrentTime()}})}};
  plays_.push_back(std::move(p));
}

void JsonCallbackReporter::OnTaskStart(const TaskStart& e) {
  std::lock_guard lock(mu_);
  if (plays_.empty()) return;
  TaskEntry t;
  t.task = Map{{"name", e.name},
               {"id", NextId()},
               {"path", AnsiblePath(e.where)},
               {"duration", Value(Map{{"start", CurrentTime()}})}};
  if (lockstep_)
    plays_.back().tasks.push_back(std::move(t));
  else
    last_task_ = std::move(t.task);
}

void JsonCallbackReporter::OnHostResult(const HostResult& e) {
  if (!e.is_item) Record(e, false);  // a loop records its combined result
}

void JsonCallbackReporter::OnCombinedResult(const HostResult& e) {
  Record(e, true);
}

void JsonCallbackReporter::Record(const HostResult& e, bool combined) {
  Map result = RecordedResult(e, combined);
  std::lock_guard lock(mu_);
  if (plays_.empty()) return;
  if (!lockstep_ && !last_task_.empty()) {
    TaskEntry t;
    t.task = last_task_;
    t.task.set("duration", Value(Map{{"start", CurrentTime()}}));
    plays_.back().tasks.push_back(std::move(t));
  }
  if (plays_.back().tasks.empty()) return;
  const std::string end = CurrentTime();
  TaskEntry& t = plays_.back().tasks.back();
  t.hosts.set(e.host, Value(std::move(result)));
  t.task.find("duration")->as_map().set("end", Value(end));
  Map& play = plays_.back().play;
  play.find("duration")->as_map().set("end", Value(end));
}

void JsonCallbackReporter::OnRecap(const Recap& e) {
  std::lock_guard lock(mu_);
  List plays;
  for (const PlayEntry& p : plays_) {
    List tasks;
    for (const TaskEntry& t : p.tasks)
      tasks.push_back(Value(Map{{"task", Value(t.task)}, {"hosts", Value(t.hosts)}}));
    plays.push_back(Value(Map{{"play", Value(p.play)}, {"tasks", Value(std::move(tasks))}}));
  }
  Map stats;
  for (const auto& [host, s] : e.hosts)
    stats.set(host, Value(Map{{"changed", s.changed},
                              {"failures", s.failed},
                              {"ignored", s.ignored},
                              {"ok", s.ok},
                              {"rescued", s.rescued},
                              {"skipped", s.skipped},
                              {"unreachable", s.unreachable}}));
  Map doc{{"custom_stats", Value(Map{})},
          {"global_custom_stats", Value(Map{})},
          {"plays", Value(std::move(plays))},
          {"stats", Value(std::move(stats))}};
  JsonStyle style;
  style.indent = indent_ > 0 ? indent_ : -1;
  style.sort_keys = true;
  display_.Display(ToJson(Value(std::move(doc)), style), nullptr);
}

}  // namespace drover::output
