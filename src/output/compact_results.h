// ansible-playbook 2.14's `minimal` and `oneline` stdout callbacks
// (stdout_callback = minimal / oneline, ansible.builtin.*): one entry per
// host and task, no banners, no recap.
//   minimal:  `h | SUCCESS => {...}` (JSON indented by 4, debug trimmed as
//             the callback cleans it), `h | CHANGED | rc=0 >>` followed by
//             stdout, stderr and msg for command/shell/raw, `h | FAILED! =>`,
//             `h | SKIPPED`, `h | UNREACHABLE! => {...}`.
//   oneline:  the same on one line (`h | SUCCESS => {"a": 1,"b": 2}`),
//             command/shell/raw as `h | CHANGED | rc=0 | (stdout) x
//             (stderr) y`, `h | UNREACHABLE!: msg`.
// A looped task is one entry: its combined result (OnCombinedResult); its
// items are not shown. include_tasks shows its own result. Warnings and
// errors are the display's (stderr), written through `display`, which
// also writes every line (colour, progress line, log_path).
#pragma once

#include <string>

#include "output/ansible_text.h"
#include "output/events.h"

namespace drover::output {

enum class CompactShape { kMinimal, kOneline };

class CompactReporter : public Reporter {
 public:
  CompactReporter(CompactShape shape, AnsibleTextReporter& display, int verbosity)
      : shape_(shape), display_(display), verbosity_(verbosity) {}

  void OnHostResult(const HostResult& e) override;
  void OnCombinedResult(const HostResult& e) override;
  void OnWarning(const std::string& text) override { display_.OnWarning(text); }
  void OnError(const std::string& text) override { display_.OnError(text); }
  void OnVerbose(int level, const std::string& text) override { display_.OnVerbose(level, text); }

  // CallbackBase._dump_results: keys starting with _ansible_ (and drover's
  // _drover_) removed at every depth, invocation and diff below -vvv and
  // exception removed, keys sorted, non-ASCII kept; `indent` < 0 for one
  // line.
  static std::string DumpResult(const Map& result, int indent, int verbosity);

 private:
  void Show(const HostResult& e);
  void ShowMinimal(const HostResult& e, Map result);
  void ShowOneline(const HostResult& e, const Map& result);

  CompactShape shape_;
  AnsibleTextReporter& display_;
  int verbosity_;
};

}  // namespace drover::output
