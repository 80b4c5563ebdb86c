// A live one-line progress display on a terminal (stderr): the task n/m of
// the play, hosts done, elapsed time. Redrawn in place every second, within
// 200 ms of a change and when the terminal is resized (SIGWINCH), cut to the
// terminal's width so it never wraps. Add it to the reporters before the
// text reporter, so that text is written with the counters already updated. Other output goes
// through WriteAbove(), which erases the line, writes, and redraws it, so the line is never glued
// to other text. Inert when disabled (stdout or stderr not a terminal, --no-progress,
// DROVER_PROGRESS=0, --step).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "output/events.h"

namespace drover::output {

class ProgressLine : public Reporter {
 public:
  explicit ProgressLine(bool enabled);
  ~ProgressLine() override;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void OnPlayStart(const PlayStart& e) override;
  void OnTaskStart(const TaskStart& e) override;
  void OnHostResult(const HostResult& e) override;
  void OnRecap(const Recap& e) override;

  // Runs `write` (which writes other output to the terminal) with the line
  // erased, then draws the line again below what it wrote.
  void WriteAbove(const std::function<void()>& write);
  // Erases the line and stops drawing it (before an error, at the end).
  void Clear();

  // Whether the progress line is wanted by default: stdout and stderr are
  // terminals and DROVER_PROGRESS is not 0.
  static bool WantedOnThisTerminal();

  // The line for these counters, cut to `columns` (0: not cut).
  static std::string Format(size_t task_index, size_t task_count, const std::string& task,
                            bool handler, size_t hosts_done, size_t hosts_total, long long seconds,
                            size_t columns);

 private:
  void Draw();   // mu_ held
  void Erase();  // mu_ held
  void Tick();   // the redraw thread

  const bool enabled_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool active_ = false;  // between the first task and the recap (or Clear)
  bool drawn_ = false;   // the line is on the screen
  bool dirty_ = false;   // counters changed since the last draw
  std::string task_;
  bool handler_ = false;
  size_t task_index_ = 0, task_count_ = 0, hosts_total_ = 0, hosts_done_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::thread ticker_;
};

}  // namespace drover::output
