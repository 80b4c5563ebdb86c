// The free strategy's output: Ansible's default callback does not print a
// task banner when a host starts a task under `strategy: free`; it prints
// the banner before a result whose task differs from the task of the last
// banner. FreeBannerReporter does that in front of another reporter: a
// TaskStart is held for the calling thread (each host's walk through the
// play runs on one thread) and forwarded just before that thread's next
// result when another task's banner came last.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/value.h"
#include "output/events.h"

namespace drover::executor {

class FreeBannerReporter : public output::Reporter {
 public:
  explicit FreeBannerReporter(output::Reporter* inner) : inner_(inner) {}

  void OnPlayStart(const output::PlayStart& e) override;
  void OnTaskStart(const output::TaskStart& e) override;
  void OnHostResult(const output::HostResult& e) override;
  void OnCombinedResult(const output::HostResult& e) override;
  void OnNoHostsMatched(const std::string& play) override;
  void OnIncluded(const std::string& file, const std::string& hosts,
                  const std::string& item) override;
  void OnWarning(const std::string& text) override;
  void OnError(const std::string& text) override;
  void OnVerbose(int level, const std::string& text) override;
  void OnRecap(const output::Recap& e) override;

 private:
  // The calling thread's held TaskStart, unless its banner came last (mu_ held).
  void ShowPendingBanner();

  output::Reporter* inner_;
  std::mutex mu_;
  std::string last_banner_;  // identity of the task whose banner was printed last
};

// throttle under the free strategy: hosts reach a task on their own
// threads, so at most `limit` of them may be inside it at once.
class TaskThrottle {
 public:
  void Acquire(const void* task, int limit);
  void Release(const void* task);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<const void*, int> running_;
};

// Holds a TaskThrottle slot for a scope; a null throttle holds nothing.
class ThrottleSlot {
 public:
  ThrottleSlot(TaskThrottle* throttle, const void* task, int limit)
      : throttle_(throttle), task_(task) {
    if (throttle_) throttle_->Acquire(task_, limit);
  }
  ~ThrottleSlot() {
    if (throttle_) throttle_->Release(task_);
  }
  ThrottleSlot(const ThrottleSlot&) = delete;
  ThrottleSlot& operator=(const ThrottleSlot&) = delete;

 private:
  TaskThrottle* throttle_;
  const void* task_;
};

// "free" (also "ansible.builtin.free", and "host_pinned", run the same
// way), "linear" (also the default, and "debug"), or an error for any other
// name, as ansible-playbook refuses an unknown strategy.
Result<bool> IsFreeStrategy(const Value* strategy);

}  // namespace drover::executor
