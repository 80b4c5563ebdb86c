#include "output/ansible_text.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

#include "core/json.h"
#include "core/secrets.h"
#include "output/ansible_colors.h"
#include "output/warning_text.h"
#include "output/yaml_results.h"

namespace drover::output {

namespace {
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
    out += color + text.substr(start, nl == std::string::npos ? nl : nl - start) + kColorReset;
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

// _run_is_verbose's _ansible_verbose_override: setup and gather_facts
// results (the facts) are never dumped in an ok or skipped line.
bool VerboseOverride(const std::string& action) {
  return action == "setup" || action == "ansible.builtin.setup" ||
         action == "ansible.legacy.setup" || action == "gather_facts" ||
         action == "ansible.builtin.gather_facts" || action == "ansible.legacy.gather_facts";
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

std::string AnsibleTextReporter::TaskPath(const std::string& where) {
  // "path:line:col" -> "path:line": Ansible's get_path() has no column.
  auto numeric_tail = [](const std::string& s, size_t colon) {
    if (colon == std::string::npos || colon + 1 >= s.size()) return false;
    for (size_t i = colon + 1; i < s.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
  };
  std::string path = where;
  size_t last = path.rfind(':');
  if (numeric_tail(path, last) && last > 0) {
    size_t before = path.rfind(':', last - 1);
    if (numeric_tail(path.substr(0, last), before)) path.erase(last);
  }
  size_t colon = path.rfind(':');
  std::string line = numeric_tail(path, colon) ? path.substr(colon) : "";
  std::string file = line.empty() ? path : path.substr(0, colon);
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(file, ec);
  return (ec ? file : abs.lexically_normal().string()) + line;
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

void AnsibleTextReporter::PlaybookStart(const std::string& path, size_t plays,
                                        const std::string& args) {
  if (options_.verbosity < 2) return;
  Write("\n" + Banner("PLAYBOOK: " + std::filesystem::path(path).filename().string()), nullptr);
  // Ansible then prints its parsed options (CLIARGS), which drover does not.
  if (options_.verbosity > 3)
    Write("Positional arguments: " + args, kColorVerbose, Shown::kScreenOnly);
  Verbose(std::to_string(plays) + " plays in " + path);
}

void AnsibleTextReporter::WriteTaskPath(const std::string& where) {
  if (!where.empty()) Write("task path: " + TaskPath(where), kColorDebug);
}

void AnsibleTextReporter::Display(const std::string& text, const char* color) {
  Write(text, color);
}

void AnsibleTextReporter::OnPlayStart(const PlayStart& e) {
  {
    std::lock_guard lock(banner_mu_);
    waiting_banner_.clear();
  }
  Write("\n" + Banner("PLAY [" + e.name + "]"), nullptr);
}

void AnsibleTextReporter::OnTaskStart(const TaskStart& e) {
  std::string banner = "\n" + Banner((e.handler ? "RUNNING HANDLER [" : "TASK [") + e.name + "]");
  std::string path = options_.verbosity >= 2 ? e.where : "";
  if (options_.show_ok && options_.show_skipped) {
    Write(banner, nullptr);
    WriteTaskPath(path);
    return;
  }
  std::lock_guard lock(banner_mu_);
  waiting_banner_ = std::move(banner);
  waiting_task_path_ = std::move(path);
}

void AnsibleTextReporter::FlushBanner() {
  std::lock_guard lock(banner_mu_);
  if (waiting_banner_.empty()) return;
  Write(waiting_banner_, nullptr);
  WriteTaskPath(waiting_task_path_);
  waiting_banner_.clear();
  waiting_task_path_.clear();
}

void AnsibleTextReporter::OnNoHostsMatched(const std::string&) {
  Write("skipping: no hosts matched", kColorSkip);
}

void AnsibleTextReporter::OnNoHostsRemaining() {
  Write("\n" + Banner("NO MORE HOSTS LEFT"), nullptr);
}

void AnsibleTextReporter::OnIncluded(const std::string& file, const std::string& hosts,
                                     const std::string& item) {
  FlushBanner();  // the include's own ok result shows the banner
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
  const bool show = (options_.verbosity > 0 || e.verbose_always) && !VerboseOverride(e.action);
  // The callback's _dump_results: indented by 4 for debug (verbose_always)
  // or from -vvv, on one line otherwise.
  const bool pretty = e.verbose_always || options_.verbosity > 2;
  if ((e.status == Outcome::kOk && !options_.show_ok) ||
      (e.status == Outcome::kSkipped && !options_.show_skipped))
    return;
  FlushBanner();
  FILE* failures = options_.failed_stderr ? stderr : nullptr;
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
      if (options_.verbosity > 0 && !VerboseOverride(e.action))
        line += " => " + Dump(e.result, pretty, e.action);
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
      // Below -vv (where the banner has it) only with show_task_path_on_failure.
      if (!e.is_item && options_.verbosity < 2 && options_.task_path_on_failure)
        WriteTaskPath(e.where);
      Write(line, kColorError, Shown::kBoth, failures);
      if (e.ignored && !e.is_item) Write("...ignoring", kColorSkip);
      return;
    }
    case Outcome::kUnreachable: {
      std::string line = (e.is_item ? "failed: " : "fatal: ") + HostTag(e) + item +
                         ": UNREACHABLE! => " + Dump(e.result, pretty, e.action);
      Write(line, kColorUnreachable, Shown::kBoth, failures);
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
  {
    std::lock_guard lock(banner_mu_);
    waiting_banner_.clear();
  }
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
    Write("TASK TIMING (slowest first; total " + std::string(total) + ")", kColorDeprecate);
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
