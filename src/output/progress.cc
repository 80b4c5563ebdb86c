#include "output/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace drover::output {

namespace {

std::atomic<bool> g_resized{false};

extern "C" void OnWindowChange(int) {
  g_resized = true;
}

size_t TerminalColumns() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

bool IsContinuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Cuts UTF-8 `text` to at most `width` characters, the last one a '~' when
// something was cut.
std::string CutToWidth(const std::string& text, size_t width) {
  size_t chars = 0;
  for (char c : text) chars += IsContinuation(c) ? 0 : 1;
  if (chars <= width) return text;
  if (width == 0) return "";
  size_t kept = 0, end = 0;
  for (; end < text.size(); ++end) {
    if (!IsContinuation(text[end]) && kept++ == width - 1) break;
  }
  return text.substr(0, end) + "~";
}

}  // namespace

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  struct sigaction sa {};
  sa.sa_handler = OnWindowChange;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGWINCH, &sa, nullptr);
  ticker_ = std::thread([this] { Tick(); });
}

ProgressLine::~ProgressLine() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  signal(SIGWINCH, SIG_DFL);
}

bool ProgressLine::WantedOnThisTerminal() {
  const char* env = std::getenv("DROVER_PROGRESS");
  if (env && std::string(env) == "0") return false;
  return ::isatty(STDOUT_FILENO) && ::isatty(STDERR_FILENO);
}

std::string ProgressLine::Format(size_t task_index, size_t task_count, const std::string& task,
                                 bool handler, size_t hosts_done, size_t hosts_total,
                                 long long seconds, size_t columns) {
  // Included tasks can take the index past the planned count.
  const size_t count = std::max(task_index, task_count);
  char counters[160];
  std::snprintf(counters, sizeof counters, " | hosts %zu/%zu done | %02lld:%02lld", hosts_done,
                hosts_total, seconds / 60, seconds % 60);
  std::string head =
      handler ? "[drover] handler "
              : "[drover] task " + std::to_string(task_index) + "/" + std::to_string(count) + " ";
  std::string line = head + task + counters;
  if (columns == 0) return line;
  // The line must never wrap: the last column stays free, and the task name
  // gives way first.
  const size_t width = columns - 1;
  const size_t fixed = head.size() + std::string(counters).size();
  if (fixed + 1 < width) return head + CutToWidth(task, width - fixed) + counters;
  return CutToWidth(line, width);
}

void ProgressLine::OnPlayStart(const PlayStart& e) {
  std::lock_guard lock(mu_);
  task_index_ = 0;
  task_count_ = e.task_count;
  hosts_total_ = e.hosts.size();
}

void ProgressLine::OnTaskStart(const TaskStart& e) {
  std::lock_guard lock(mu_);
  if (!e.handler) ++task_index_;
  handler_ = e.handler;
  task_ = e.name;
  hosts_done_ = 0;
  active_ = true;
  dirty_ = true;
}

void ProgressLine::OnHostResult(const HostResult& e) {
  std::lock_guard lock(mu_);
  if (!e.is_item) ++hosts_done_;
  dirty_ = true;
}

void ProgressLine::OnRecap(const Recap&) {
  Clear();
}

void ProgressLine::WriteAbove(const std::function<void()>& write) {
  std::lock_guard lock(mu_);
  Erase();
  write();
  Draw();
}

void ProgressLine::Clear() {
  std::lock_guard lock(mu_);
  Erase();
  active_ = false;
}

void ProgressLine::Erase() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

void ProgressLine::Draw() {
  if (!enabled_ || !active_) return;
  std::fflush(stdout);  // what was written above reaches the terminal first
  const long long secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_)
          .count();
  const std::string line = Format(task_index_, task_count_, task_, handler_, hosts_done_,
                                  hosts_total_, secs, TerminalColumns());
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
  dirty_ = false;
}

void ProgressLine::Tick() {
  std::unique_lock lock(mu_);
  auto last = std::chrono::steady_clock::now();
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    const auto now = std::chrono::steady_clock::now();
    if (g_resized.exchange(false) || dirty_ || now - last >= std::chrono::seconds(1)) {
      last = now;
      Draw();
    }
  }
}

}  // namespace drover::output
