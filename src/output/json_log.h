// --json-log FILE: one JSON object per line per event, for CI:
//   {"event": "play_start", "play": ..., "hosts": [...], "time": ...}
//   {"event": "task_start", "task": ..., "handler": false, "where": ...}
//   {"event": "host_result", "host": ..., "status": "ok|changed|failed|
//     skipped|unreachable", "ignored": ..., "item": ..., "result": {...}}
//   {"event": "recap", "hosts": {"h": {"ok": 1, ...}}, "elapsed": ...}
// and, from drover's CLI: {"event": "slice", "slice": K, "slices": N} first
// with --slice K/N; {"event": "interrupted"} just before the recap of a run
// stopped by SIGINT. A log without a recap is of a run that did not finish.
// Every line passes through Redact(); no_log results arrive censored.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "core/error.h"
#include "output/events.h"

namespace drover::output {

class JsonLogReporter : public Reporter {
 public:
  // Opens (truncates) `path`; the file is created with mode 0600.
  static Result<std::unique_ptr<JsonLogReporter>> Open(const std::string& path);
  ~JsonLogReporter() override;

  void OnPlayStart(const PlayStart& e) override;
  void OnTaskStart(const TaskStart& e) override;
  void OnHostResult(const HostResult& e) override;
  void OnWarning(const std::string& text) override;
  void OnRecap(const Recap& e) override;
  void OnSlice(int index, int count);
  void OnInterrupted();

 private:
  explicit JsonLogReporter(FILE* f) : file_(f) {}
  void Emit(Map event);

  FILE* file_;
  std::mutex mu_;
};

// Fans events out to several reporters, in order.
class ReporterList : public Reporter {
 public:
  void Add(Reporter* r) { reporters_.push_back(r); }
  void OnPlayStart(const PlayStart& e) override {
    for (auto* r : reporters_) r->OnPlayStart(e);
  }
  void OnTaskStart(const TaskStart& e) override {
    for (auto* r : reporters_) r->OnTaskStart(e);
  }
  void OnHostResult(const HostResult& e) override {
    for (auto* r : reporters_) r->OnHostResult(e);
  }
  void OnCombinedResult(const HostResult& e) override {
    for (auto* r : reporters_) r->OnCombinedResult(e);
  }
  void OnNoHostsMatched(const std::string& p) override {
    for (auto* r : reporters_) r->OnNoHostsMatched(p);
  }
  void OnNoHostsRemaining() override {
    for (auto* r : reporters_) r->OnNoHostsRemaining();
  }
  void OnIncluded(const std::string& file, const std::string& hosts,
                  const std::string& item) override {
    for (auto* r : reporters_) r->OnIncluded(file, hosts, item);
  }
  void OnWarning(const std::string& t) override {
    for (auto* r : reporters_) r->OnWarning(t);
  }
  void OnError(const std::string& t) override {
    for (auto* r : reporters_) r->OnError(t);
  }
  void OnVerbose(int level, const std::string& t) override {
    for (auto* r : reporters_) r->OnVerbose(level, t);
  }
  void OnRecap(const Recap& e) override {
    for (auto* r : reporters_) r->OnRecap(e);
  }

 private:
  std::vector<Reporter*> reporters_;
};

std::string_view StatusName(Outcome s);

}  // namespace drover::output
