// A live one-line progress display on a terminal (stderr): the task n/m,
// hosts done/running, elapsed time. Redrawn in place; cleared before any
// other output line so it never mixes with Ansible-shaped text. Inert when
// stderr is not a terminal.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "output/events.h"

namespace drover::output {

class ProgressLine : public Reporter {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void OnPlayStart(const PlayStart& e) override;
  void OnTaskStart(const TaskStart& e) override;
  void OnHostResult(const HostResult& e) override;
  void OnRecap(const Recap& e) override;

  // Erases the line (call before writing other output to the terminal).
  void Clear();

 private:
  void Draw();

  bool enabled_;
  std::mutex mu_;
  std::string task_;
  size_t task_index_ = 0, task_count_ = 0, hosts_total_ = 0, hosts_done_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace drover::output
