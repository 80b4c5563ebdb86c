// Ansible's default stdout callback, byte for byte where users look: banners
// of 80 columns, `ok: [host]`, `changed:`, `skipping:`, `fatal: [h]: FAILED!
// => {...}`, `...ignoring`, item lines, RUNNING HANDLER, PLAY RECAP. Colours
// only when writing to a terminal. Plus what Ansible lacks: with
// timing=true, a per-task timing summary after the recap.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "output/ansible_log.h"
#include "output/events.h"
#include "output/progress.h"

namespace drover::output {

struct TextOptions {
  int verbosity = 0;   // -v count: results shown as JSON from 1
  bool color = false;  // ANSI colours (only on a terminal)
  bool timing = true;  // per-task timing summary after the recap
  bool yaml = false;   // stdout_callback yaml: results dumped as community.general.yaml
  // The default callback's display_ok_hosts / display_skipped_hosts: when
  // either is off, those results are not shown and a task's banner waits
  // for its first shown result (none shown: no banner).
  bool show_ok = true;
  bool show_skipped = true;
  bool failed_stderr = false;  // display_failed_stderr: failures on stderr
  // show_task_path_on_failure: "task path:" before a failure below -vv.
  bool task_path_on_failure = false;
  size_t timing_rows = 10;
};

class AnsibleTextReporter : public Reporter {
 public:
  AnsibleTextReporter(FILE* out, TextOptions options) : out_(out), options_(options) {}

  void OnPlayStart(const PlayStart& e) override;
  void OnTaskStart(const TaskStart& e) override;
  void OnHostResult(const HostResult& e) override;
  // Shown only when censored (no_log): the callback then finds no
  // `results` to show items of and prints the result's own line.
  void OnCombinedResult(const HostResult& e) override;
  void OnNoHostsMatched(const std::string& play) override;
  void OnNoHostsRemaining() override;
  void OnWarning(const std::string& text) override;
  void OnError(const std::string& text) override;
  void OnVerbose(int level, const std::string& text) override;
  void OnIncluded(const std::string& file, const std::string& hosts,
                  const std::string& item) override;
  void OnRecap(const Recap& e) override;

  // A line Ansible's display.v() prints (blue when coloured).
  void Verbose(const std::string& text);
  // v2_playbook_on_start and the executor's count, from -vv: the "PLAYBOOK:
  // name" banner, from -vvvv "Positional arguments: ARGS", and "N plays in
  // path" (`path` and `args` as given on the command line).
  void PlaybookStart(const std::string& path, size_t plays, const std::string& args);

  // "task path: /abs/file.yml:N" for a task's "file:line[:col]".
  static std::string TaskPath(const std::string& where);

  // A message as display.display() prints it (`color` an ANSI code, used
  // only when colouring; null for none), for the other stdout callbacks.
  void Display(const std::string& text, const char* color);

  // Writes go above this live progress line (erasing and redrawing it).
  void set_progress(ProgressLine* progress) { progress_ = progress; }
  // Every message is also appended to this log (log_path), as Ansible's
  // display() logs it: without colour, the recap's trailing blank line
  // (screen_only in the callback) left out.
  void set_log(AnsibleLog* log) { log_ = log; }

  // "PLAY [x] ****..." padded with stars to 80 columns (minimum 3 stars).
  static std::string Banner(const std::string& text);
  // The result as the callback dumps it: internal keys removed (and, for
  // debug, everything but what it was asked to show), keys sorted, one line
  // (or indented by 4 when `pretty`).
  static std::string DumpResult(const Value& result, bool pretty, const std::string& action);
  // The result as the callback cleans it before dumping (DumpResult's map).
  static Map CleanResult(const Value& result, const std::string& action);

 private:
  enum class Shown { kBoth, kScreenOnly, kLogOnly };  // display()'s screen_only/log_only
  // To `stream` (null: the reporter's output).
  void Write(const std::string& text, const char* color, Shown shown = Shown::kBoth,
             FILE* stream = nullptr);
  // Writes the banner of the current task if it waits for a result.
  void FlushBanner();
  // The callback's _print_task_path (dark gray).
  void WriteTaskPath(const std::string& where);
  // DumpResult, or YamlDumpResult with options_.yaml.
  std::string Dump(const Value& result, bool pretty, const std::string& action) const;

  FILE* out_;
  TextOptions options_;
  ProgressLine* progress_ = nullptr;
  AnsibleLog* log_ = nullptr;
  std::mutex mu_;
  std::mutex banner_mu_;  // held while the waiting banner is written
  std::string waiting_banner_;
  std::string waiting_task_path_;  // its "task path:" (from -vv), or ""
};

}  // namespace drover::output
