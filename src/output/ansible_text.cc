#include "output/ansible_text.h"

#include <cstdio>

#include "core/json.h"
#include "core/secrets.h"
#include "output/warning_text.h"
#include "output/yaml_results.h"

namespace drover::output {

namespace {
constexpr const char* kGreen = "\033[0;32m";
constexpr const char* kYellow = "\033[0;33m";
constexpr const char* kRed = "\033[0;31m";
constexpr const char* kCyan = "\033[0;36m";
constexpr const char* kPurple = "\033[0;35m";
constexpr const char* kBrightPurple = "\033[1;35m";
constexpr const char* kBrightRed = "\033[1;31m";
constexpr const char* kReset = "\033[0m";
// Ansible's default colours (constants COLOR_*).
constexpr const char* kColorOk = kGreen;
constexpr const char* kColorChanged = kYellow;
constexpr const char* kColorError = kRed;
constexpr const char* kColorSkip = kCyan;
constexpr const char* kColorUnreachable = kBrightRed;
constexpr const char* kColorWarn = kBrightPurple;
constexpr const char* kColorDeprecate = kPurple;
constexpr const char* kColorVerbose = "\033[0;34m";  // blue
constexpr const char* kColorDiffAdd = kGreen;
constexpr const char* kColorDiffRemove = kRed;
constexpr const char* kColorDiffLines = kCyan;
constexpr int kColumns = 79;  // Ansible's width when not on a terminal

bool IsInternalKey(const std::string& k) {
  return k.rfind("_ansible_", 0) == 0 || k == "invocation" || k == "diff" || k == "_drover_where";
}

// ansible.utils.color.stringc: every line coloured on its own.
std::string Colored(const std::string& text, const char* color) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    out += color + text.substr(start, nl == std::string::npos ? nl : nl - start) + kReset;
    if (nl == std::string::npos) return out;
    out += '\n';
    start = nl + 1;
  }
}

// The callback's _get_diff: each line of a unified diff coloured by its
// first character, its newline included (hence an empty coloured piece
// after each).
std::string ColoredDiff(const std::string& diff) {
  std::string out;
  size_t start = 0;
  while (start < diff.size()) {
    size_t nl = diff.find('\n', start);
    size_t end = nl == std::string::npos ? diff.size() : nl + 1;
    std::string line = diff.substr(start, end - start);
    const char* color = line[0] == '+'   ? kColorDiffAdd
                        : line[0] == '-' ? kColorDiffRemove
                        : line[0] == '@' ? kColorDiffLines
                                         : nullptr;
    out += color ? Colored(line, color) : line;
    start = end;
  }
  return out;
}

// callback's colorize(): "lead=num" padded, coloured when num is not 0.
std::string RecapField(const char* lead, int n, const char* color, bool use_color) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s=%-4d", lead, n);
  return n != 0 && use_color ? Colored(buf, color) : std::string(buf);
}

// The default callback's recap line: hostcolor() and colorize().
std::string RecapLine(const std::string& host, const HostStats& s, bool c) {
  const char* host_color = s.failed || s.unreachable ? kColorError
                           : s.changed               ? kColorChanged
                                                     : kColorOk;
  char head[512];
  std::snprintf(head, sizeof head, c ? "%-37s" : "%-26s",
                (c ? Colored(host, host_color) : host).c_str());
  return std::string(head) + " : " + RecapField("ok", s.ok, kColorOk, c) + " " +
         RecapField("changed", s.changed, kColorChanged, c) + " " +
         RecapField("unreachable", s.unreachable, kColorUnreachable, c) + " " +
         RecapField("failed", s.failed, kColorError, c) + " " +
         RecapField("skipped", s.skipped, kColorSkip, c) + " " +
         RecapField("rescued", s.rescued, kColorOk, c) + " " +
         RecapField("ignored", s.ignored, kColorWarn, c);
}

std::string HostTag(const HostResult& e) {
  return e.delegated_to.empty() ? "[" + e.host + "]" : "[" + e.host + " -> " + e.delegated_to + "]";
}
}  // namespace

std::string AnsibleTextReporter::Banner(const std::string& text) {
  int stars = kColumns - static_cast<int>(text.size());
  if (stars <= 3) stars = 3;
  return text + " " + std::string(static_cast<size_t>(stars), '*');
}

Map AnsibleTextReporter::CleanResult(const Value& result, const std::string& action) {
  Map clean;
  const bool debug = action == "debug";
  const bool has_msg = result.is_map() && result.as_map().contains("msg");
  if (result.is_map()) {
    for (const auto& [k, v] : result.as_map()) {
      if (IsInternalKey(k)) continue;
      // Ansible's _clean_results: debug shows only what it was asked to.
      if (debug && has_msg && k != "msg" && k != "exception" && k != "warnings" &&
          k != "deprecations")
        continue;
      if (debug && !has_msg &&
          (k == "changed" || k == "failed" || k == "skipped" || k == "skip_reason"))
        continue;
      clean.set(k, v);
    }
  }
  return clean;
}

std::string AnsibleTextReporter::DumpResult(const Value& result, bool pretty,
                                            const std::string& action) {
  JsonStyle style;
  style.sort_keys = true;
  style.indent = pretty ? 4 : -1;
  style.ensure_ascii = false;  // as the callback's json.dumps(ensure_ascii=False)
  return ToJson(Value(CleanResult(result, action)), style);
}

std::string AnsibleTextReporter::Dump(const Value& result, bool pretty,
                                      const std::string& action) const {
  if (options_.yaml) return YamlDumpResult(CleanResult(result, action));
  return DumpResult(result, pretty, action);
}

void AnsibleTextReporter::Write(const std::string& text, const char* color, Shown shown,
                                FILE* stream) {
  if (!stream) stream = out_;
  std::lock_guard lock(mu_);
  std::string safe = Redact(text);
  if (log_ && shown != Shown::kScreenOnly) log_->Message(safe);
  if (shown == Shown::kLogOnly) return;
  auto write = [&] {
    if (options_.color && color) {
      std::fprintf(stream, "%s\n", Colored(safe, color).c_str());
    } else {
      std::fprintf(stream, "%s\n", safe.c_str());
    }
    std::fflush(stream);
  };
  if (progress_) {
    progress_->WriteAbove(write);
  } else {
    write();
  }
}

void AnsibleTextReporter::Verbose(const std::string& text) {
  Write(text, kColorVerbose);
}

void AnsibleTextReporter::Display(const std::string& text, const char* color) {
  Write(text, color);
}

void AnsibleTextReporter::OnPlayStart(const PlayStart& e) {
  Write("\n" + Banner("PLAY [" + e.name + "]"), nullptr);
}

void AnsibleTextReporter::OnTaskStart(const TaskStart& e) {
  Write("\n" + Banner((e.handler ? "RUNNING HANDLER [" : "TASK [") + e.name + "]"), nullptr);
}

void AnsibleTextReporter::OnNoHostsMatched(const std::string&) {
  Write("skipping: no hosts matched", kColorSkip);
}

void AnsibleTextReporter::OnIncluded(const std::string& file, const std::string& hosts,
                                     const std::string& item) {
  Write("included: " + file + " for " + hosts + (item.empty() ? "" : " => (item=" + item + ")"),
        kColorSkip);
}

void AnsibleTextReporter::OnWarning(const std::string& text) {
  // display.warning()/deprecated(): wrapped, on stderr.
  const std::string shown = DisplayedWarning(text);
  if (shown.empty()) return;
  const bool deprecation = IsDeprecation(text);
  // Deprecations come from the controller's one Display, shown once;
  // warnings from a host's task from its worker's.
  if (deprecation && !FirstShowing(shown)) return;
  Write(shown, deprecation ? kColorDeprecate : kColorWarn, Shown::kScreenOnly, stderr);
  // display.warning's message ends in \n (deprecated()'s is stripped).
  Write(deprecation ? shown : shown + "\n", nullptr, Shown::kLogOnly);
}

void AnsibleTextReporter::OnVerbose(int level, const std::string& text) {
  if (options_.verbosity >= level) Verbose(text);
}

void AnsibleTextReporter::OnError(const std::string& text) {
  std::lock_guard lock(mu_);
  const std::string safe = Redact("ERROR! " + text);
  if (log_) log_->Message(safe);
  auto write = [&] {
    std::fprintf(stderr, "%s\n",
                 options_.color ? Colored(safe, kColorError).c_str() : safe.c_str());
    std::fflush(stderr);
  };
  if (progress_) {
    progress_->WriteAbove(write);
  } else {
    write();
  }
}

void AnsibleTextReporter::OnHostResult(const HostResult& e) {
  const std::string item = e.is_item ? " => (item=" + e.item_label + ")" : "";
  const bool show = options_.verbosity > 0 || e.verbose_always;
  // The callback's _dump_results: indented by 4 for debug (verbose_always)
  // or from -vvv, on one line otherwise.
  const bool pretty = e.verbose_always || options_.verbosity > 2;
  if (!e.diff.empty()) Write(options_.color ? ColoredDiff(e.diff) : e.diff, nullptr);
  switch (e.status) {
    case Outcome::kOk:
    case Outcome::kChanged: {
      const bool changed = e.status == Outcome::kChanged;
      std::string line = (changed ? "changed: " : "ok: ") + HostTag(e) + item;
      if (show) line += " => " + Dump(e.result, pretty, e.action);
      Write(line, changed ? kColorChanged : kColorOk);
      return;
    }
    case Outcome::kSkipped: {
      // v2_runner_item_on_skipped's "(item=x) " ends in a space.
      std::string line = "skipping: " + HostTag(e) + item + (e.is_item ? " " : "");
      if (options_.verbosity > 0) line += " => " + Dump(e.result, pretty, e.action);
      Write(line, kColorSkip);
      return;
    }
    case Outcome::kFailed: {
      std::string line = e.is_item ? "failed: " + HostTag(e) + " (item=" + e.item_label + ") => "
                                   : "fatal: " + HostTag(e) + ": FAILED! => ";
      // "failed" is implied by the line; Ansible's output leaves it out.
      Value shown = e.result;
      if (shown.is_map()) {
        Map m = shown.as_map();
        m.erase("failed");
        shown = Value(std::move(m));
      }
      line += Dump(shown, pretty, e.action);
      Write(line, kColorError);
      // Where to look: the task's file:line (Ansible shows it only at -vv).
      if (!e.ignored && !e.where.empty()) Write("task path: " + e.where, kColorError);
      if (e.ignored && !e.is_item) Write("...ignoring", kColorSkip);
      return;
    }
    case Outcome::kUnreachable: {
      std::string line = (e.is_item ? "failed: " : "fatal: ") + HostTag(e) + item +
                         ": UNREACHABLE! => " + Dump(e.result, pretty, e.action);
      Write(line, kColorUnreachable);
      if (e.ignored && !e.is_item) Write("...ignoring", kColorSkip);
      return;
    }
  }
}

void AnsibleTextReporter::OnCombinedResult(const HostResult& e) {
  // The callback prints no result of an include (TaskInclude).
  if (!e.result.is_map() || e.result.as_map().contains("include_args")) return;
  if (e.result.is_map() && e.result.as_map().contains("censored")) {
    HostResult shown = e;  // as clean_copy censors it: changed kept, no status keys
    Map censored = e.result.as_map();
    censored.erase("skipped");
    shown.result = Value(std::move(censored));
    OnHostResult(shown);
  } else if (e.ignored) {
    Write("...ignoring", kColorSkip);  // once for the loop, after its items
  }
}

void AnsibleTextReporter::OnRecap(const Recap& e) {
  Write("\n" + Banner("PLAY RECAP"), nullptr);
  // Shown coloured, logged plain (the callback's screen_only and log_only lines).
  for (const auto& [host, stats] : e.hosts) {
    Write(RecapLine(host, stats, options_.color), nullptr, Shown::kScreenOnly);
    Write(RecapLine(host, stats, false), nullptr, Shown::kLogOnly);
  }
  Write("", nullptr, Shown::kScreenOnly);
  if (options_.timing && !e.task_times.empty()) {
    char total[64];
    std::snprintf(total, sizeof total, "%.2fs", e.elapsed_seconds);
    Write("TASK TIMING (slowest first; total " + std::string(total) + ")", kPurple);
    size_t shown = 0;
    for (const auto& [name, seconds] : e.task_times) {
      if (shown++ == options_.timing_rows) break;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%8.2fs  ", seconds);
      Write(buf + name, nullptr);
    }
    Write("", nullptr, Shown::kScreenOnly);
  }
}

}  // namespace drover::output
