#include "output/progress.h"

namespace drover::output {

void ProgressLine::OnPlayStart(const PlayStart& e) {
  std::lock_guard lock(mu_);
  task_index_ = 0;
  task_count_ = e.task_count;
  hosts_total_ = e.hosts.size();
}

void ProgressLine::OnTaskStart(const TaskStart& e) {
  std::lock_guard lock(mu_);
  ++task_index_;
  task_ = e.name;
  hosts_done_ = 0;
  Draw();
}

void ProgressLine::OnHostResult(const HostResult& e) {
  std::lock_guard lock(mu_);
  if (!e.is_item) ++hosts_done_;
  Draw();
}

void ProgressLine::OnRecap(const Recap&) {
  Clear();
}

void ProgressLine::Clear() {
  if (!enabled_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void ProgressLine::Draw() {
  if (!enabled_) return;
  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_)
          .count();
  std::string name = task_.size() > 40 ? task_.substr(0, 39) + "~" : task_;
  std::fprintf(stderr, "\r\033[K[drover] task %zu/%zu %s | hosts %zu/%zu done | %02lld:%02lld",
               task_index_, task_count_, name.c_str(), hosts_done_, hosts_total_,
               static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
  std::fflush(stderr);
}

}  // namespace drover::output
