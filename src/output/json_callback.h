// ansible.posix.json, the stdout callback 2.14 resolves `stdout_callback =
// json` to: nothing while the run goes, then one JSON document after the
// last play:
//   {"custom_stats": {}, "global_custom_stats": {},
//    "plays": [{"play": {"name", "id", "path": "/abs/site.yml:LINE",
//                        "duration": {"start", "end"}},
//               "tasks": [{"task": {"name", "id", "path", "duration"},
//                          "hosts": {"h1": RESULT, ...}}, ...]}, ...],
//    "stats": {"h1": {"changed", "failures", "ignored", "ok", "rescued",
//                     "skipped", "unreachable"}}}
// keys sorted, indented by json_indent (4; <= 0: one line), non-ASCII
// escaped. RESULT is the result as the callback receives it (clean_copy):
// internal keys but _ansible_no_log, _ansible_verbose_always and
// _ansible_item_label removed, "failed"/"skipped" only as the event says,
// "action" added; a loop's is its combined result, items in "results";
// no_log results censored. Times are UTC ISO 8601 with a Z; ids are drover's
// (unique in the document, not Ansible's UUIDs). Warnings and errors are the
// display's (stderr), through `display`. Under strategy free, as the
// callback does, each host's result is a task entry of its own (the task's
// id repeated), in the order the results came.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "output/ansible_text.h"
#include "output/events.h"

namespace drover::output {

class JsonCallbackReporter : public Reporter {
 public:
  // `indent`: json_indent (<= 0: one line).
  JsonCallbackReporter(AnsibleTextReporter& display, int indent)
      : display_(display), indent_(indent) {}

  void OnPlayStart(const PlayStart& e) override;
  void OnTaskStart(const TaskStart& e) override;
  void OnHostResult(const HostResult& e) override;
  void OnCombinedResult(const HostResult& e) override;
  void OnWarning(const std::string& text) override { display_.OnWarning(text); }
  void OnError(const std::string& text) override { display_.OnError(text); }
  void OnVerbose(int level, const std::string& text) override { display_.OnVerbose(level, text); }
  void OnRecap(const Recap& e) override;

  // `where` ("file:line:col", the file relative to the working directory)
  // as Ansible's get_path(): "/absolute/file:line".
  static std::string AnsiblePath(const std::string& where);
  // The result recorded for a host (see above).
  static Map RecordedResult(const HostResult& e, bool combined);

 private:
  void Record(const HostResult& e, bool combined);
  std::string NextId();

  AnsibleTextReporter& display_;
  int indent_;
  struct TaskEntry {
    Map task;   // name, id, path, duration
    Map hosts;  // host -> result
  };
  struct PlayEntry {
    Map play;  // name, id, path, duration
    std::vector<TaskEntry> tasks;
  };

  std::mutex mu_;
  std::vector<PlayEntry> plays_;
  // Under strategy free the callback records a task per host that runs it
  // (its task id repeated): each result gets a copy of the task last started.
  bool lockstep_ = true;
  Map last_task_;
  int ids_ = 0;
};

}  // namespace drover::output
