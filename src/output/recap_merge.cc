#include "output/recap_merge.h"

#include <algorithm>
#include <map>

#include "core/file_util.h"
#include "core/json.h"

namespace drover::output {

namespace {

const Value* Field(const Value& event, const char* key) {
  return event.is_map() ? event.as_map().find(key) : nullptr;
}

int IntField(const Value& event, const char* key) {
  const Value* v = Field(event, key);
  return v && v->is_int() ? static_cast<int>(v->as_int()) : 0;
}

Result<Recap> RecapOfEvent(const Value& event, const std::string& path) {
  Recap recap;
  const Value* hosts = Field(event, "hosts");
  if (!hosts || !hosts->is_map()) return MakeError(path + ": the recap event has no hosts map");
  for (const auto& [name, stats] : hosts->as_map()) {
    if (!stats.is_map()) return MakeError(path + ": the recap of " + name + " is not a map");
    HostStats s;
    s.ok = IntField(stats, "ok");
    s.changed = IntField(stats, "changed");
    s.unreachable = IntField(stats, "unreachable");
    s.failed = IntField(stats, "failed");
    s.skipped = IntField(stats, "skipped");
    s.rescued = IntField(stats, "rescued");
    s.ignored = IntField(stats, "ignored");
    recap.hosts.emplace_back(name, s);
  }
  if (const Value* e = Field(event, "elapsed"); e && e->is_number())
    recap.elapsed_seconds = e->as_number();
  return recap;
}

// Every (K, N) given once, all of one N, 1..N complete.
Status CheckSlices(const std::vector<RunLog>& logs) {
  const RunLog* sliced = nullptr;
  const RunLog* unsliced = nullptr;
  for (const RunLog& log : logs) (log.slice ? sliced : unsliced) = &log;
  if (!sliced) return {};
  if (unsliced) {
    return MakeError(unsliced->path + " is not the log of a --slice run, but " + sliced->path +
                     " is; merge the logs of one sliced run only");
  }
  const int n = sliced->slice->second;
  std::map<int, const RunLog*> by_index;
  for (const RunLog& log : logs) {
    const auto [k, count] = *log.slice;
    const std::string name = std::to_string(k) + "/" + std::to_string(count);
    if (count != n) {
      return MakeError(log.path + " is slice " + name + " but " + sliced->path + " is of " +
                       std::to_string(n) + " slices");
    }
    if (auto [it, fresh] = by_index.emplace(k, &log); !fresh) {
      return MakeError(log.path + " and " + it->second->path + " are both slice " + name);
    }
  }
  for (int k = 1; k <= n; ++k) {
    if (!by_index.count(k)) {
      return MakeError("the log of slice " + std::to_string(k) + "/" + std::to_string(n) +
                       " is missing (" + std::to_string(by_index.size()) + " of " +
                       std::to_string(n) + " slices given)");
    }
  }
  return {};
}

}  // namespace

Result<RunLog> ReadRunLog(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return MakeError("cannot read the JSON log " + path + ": " + text.error().message);
  if (text->empty()) return MakeError(path + ": empty JSON log (the run wrote no event)");
  if (text->back() != '\n') {
    return MakeError(path + ": the last event is cut off (the run was killed while writing)");
  }
  RunLog log;
  log.path = path;
  bool interrupted = false;
  std::optional<Recap> recap;
  size_t line_no = 0;
  for (size_t start = 0; start < text->size();) {
    const size_t end = text->find('\n', start);
    const std::string_view line = std::string_view(*text).substr(start, end - start);
    start = end + 1;
    ++line_no;
    const std::string where = path + ":" + std::to_string(line_no);
    Result<Value> event = ParseJson(line, where);
    const Value* kind = event ? Field(*event, "event") : nullptr;
    if (!kind || !kind->is_string()) return MakeError(where + ": not a JSON event line");
    if (recap) return MakeError(where + ": an event after the recap; is this one run's log?");
    if (kind->as_string() == "slice") {
      log.slice = std::make_pair(IntField(*event, "slice"), IntField(*event, "slices"));
    } else if (kind->as_string() == "interrupted") {
      interrupted = true;
    } else if (kind->as_string() == "recap") {
      Result<Recap> r = RecapOfEvent(*event, path);
      if (!r) return r.take_error();
      recap = std::move(r).value();
    }
  }
  if (interrupted) {
    return MakeError(path + ": the run was interrupted (SIGINT); its recap is partial");
  }
  if (!recap) {
    return MakeError(path +
                     ": no recap at the end: the run did not finish (it stopped on an error, "
                     "was killed, or is still running)");
  }
  log.recap = std::move(recap).value();
  return log;
}

Result<Recap> MergeRunLogs(const std::vector<RunLog>& logs) {
  if (Status s = CheckSlices(logs); !s) return s.take_error();
  Recap merged;
  std::map<std::string, const RunLog*> owner;
  for (const RunLog& log : logs) {
    for (const auto& [host, stats] : log.recap.hosts) {
      if (auto [it, fresh] = owner.emplace(host, &log); !fresh) {
        return MakeError("host " + host + " is in both " + it->second->path + " and " + log.path +
                         ": a host must run in one slice only");
      }
      merged.hosts.emplace_back(host, stats);
    }
    merged.elapsed_seconds = std::max(merged.elapsed_seconds, log.recap.elapsed_seconds);
  }
  std::sort(merged.hosts.begin(), merged.hosts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return merged;
}

}  // namespace drover::output
