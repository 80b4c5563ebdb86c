#include "output/compact_results.h"

#include "core/json.h"
#include "output/ansible_colors.h"
#include "output/result_keys.h"
#include "template/template.h"

namespace drover::output {

namespace {
bool Is(const std::string& action, const char* name) {
  return action == name || action == std::string("ansible.builtin.") + name ||
         action == std::string("ansible.legacy.") + name;
}

// C.MODULE_NO_JSON: results shown as rc and output, not JSON.
bool IsNoJsonModule(const std::string& action) {
  return Is(action, "command") || Is(action, "shell") || Is(action, "raw");
}

std::string Text(const Map& r, const char* key) {
  const Value* v = r.find(key);
  if (!v) return "";
  return v->is_string() ? v->as_string() : tmpl::PyStr(*v);
}

std::string Rc(const Map& r) {
  const Value* rc = r.find("rc");
  return rc ? tmpl::PyStr(*rc) : "-1";
}

std::string Replaced(std::string s, char from, const char* to) {
  std::string out;
  for (char c : s) out += c == from ? std::string(to) : std::string(1, c);
  return out;
}

// An ok result's state word and colour: CHANGED when `changed` is true.
struct State {
  const char* word;
  const char* color;
};
State OkState(const Map& r) {
  const Value* changed = r.find("changed");
  if (changed && changed->truthy()) return {"CHANGED", kColorChanged};
  return {"SUCCESS", kColorOk};
}

// The line a failure's `exception` gives below -vvv (its last line); ""
// when there is none.
std::string ExceptionLine(const Map& r) {
  const Value* ex = r.find("exception");
  if (!ex || !ex->is_string()) return "";
  std::string text = ex->as_string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const size_t nl = text.rfind('\n');
  return "An exception occurred during task execution. To see the full traceback, use -vvv. "
         "The error was: " +
         (nl == std::string::npos ? text : text.substr(nl + 1));
}

// CallbackBase._clean_results: debug shows only what it was asked to.
void CleanDebug(Map& r) {
  Map kept;
  const bool has_msg = r.contains("msg");
  for (const auto& [k, v] : r) {
    const bool keep = has_msg ? (k == "msg" || k == "exception" || k == "warnings" ||
                                 k == "deprecations" || k.rfind('_', 0) == 0)
                              : !(k == "changed" || k == "failed" || k == "skipped" ||
                                  k == "invocation" || k == "skip_reason");
    if (keep) kept.set(k, v);
  }
  r = std::move(kept);
}
}  // namespace

std::string CompactReporter::DumpResult(const Map& result, int indent, int verbosity) {
  Value stripped = StripInternalKeys(Value(result), false);
  Map r = stripped.as_map();
  if (verbosity < 3) {
    r.erase("invocation");
    r.erase("diff");
  }
  r.erase("exception");
  JsonStyle style;
  style.indent = indent;
  style.sort_keys = true;
  style.ensure_ascii = false;
  return ToJson(Value(std::move(r)), style);
}

void CompactReporter::OnHostResult(const HostResult& e) {
  if (!e.is_item) Show(e);  // a loop shows its combined result instead
}

void CompactReporter::OnCombinedResult(const HostResult& e) {
  Show(e);
}

void CompactReporter::Show(const HostResult& e) {
  Map result = e.result.is_map() ? e.result.as_map() : Map{};
  // TaskResult.clean_copy: the status is the event's, not a key.
  result.erase("failed");
  result.erase("skipped");
  if (shape_ == CompactShape::kMinimal) {
    ShowMinimal(e, std::move(result));
  } else {
    ShowOneline(e, result);
  }
}

void CompactReporter::ShowMinimal(const HostResult& e, Map r) {
  const std::string& h = e.host;
  // The callback's _command_generic_msg, its final newline dropped as
  // display() drops it.
  auto generic = [&](const char* caption) {
    return h + " | " + caption + " | rc=" + Rc(r) + " >>\n" + Text(r, "stdout") +
           Text(r, "stderr") + Text(r, "msg");
  };
  // _handle_warnings: shown as warnings, then left out of the result.
  auto warnings = [&] {
    if (const Value* w = r.find("warnings"); w && w->is_list())
      for (const Value& text : w->as_list()) display_.OnWarning(tmpl::PyStr(text));
    r.erase("warnings");
  };
  if (!e.diff.empty() && (e.status == Outcome::kOk || e.status == Outcome::kChanged))
    display_.Display(e.diff, nullptr);
  switch (e.status) {
    case Outcome::kOk:
    case Outcome::kChanged: {
      if (Is(e.action, "debug")) CleanDebug(r);
      warnings();
      const State state = OkState(r);
      if (IsNoJsonModule(e.action) && !r.contains("ansible_job_id"))
        display_.Display(generic(state.word), state.color);
      else
        display_.Display(h + " | " + state.word + " => " + DumpResult(r, 4, verbosity_),
                         state.color);
      return;
    }
    case Outcome::kFailed: {
      if (const std::string ex = ExceptionLine(r); !ex.empty()) display_.Display(ex, kColorError);
      warnings();
      if (IsNoJsonModule(e.action) && !r.contains("module_stderr"))
        display_.Display(generic("FAILED"), kColorError);
      else
        display_.Display(h + " | FAILED! => " + DumpResult(r, 4, verbosity_), kColorError);
      return;
    }
    case Outcome::kSkipped: display_.Display(h + " | SKIPPED", kColorSkip); return;
    case Outcome::kUnreachable:
      display_.Display(h + " | UNREACHABLE! => " + DumpResult(r, 4, verbosity_), kColorUnreachable);
      return;
  }
}

void CompactReporter::ShowOneline(const HostResult& e, const Map& r) {
  const std::string& h = e.host;
  auto generic = [&](const char* caption) {
    std::string line = h + " | " + caption + " | rc=" + Rc(r) + " | (stdout) " +
                       Replaced(Replaced(Text(r, "stdout"), '\n', "\\n"), '\r', "\\r");
    if (const Value* err = r.find("stderr"); err && err->truthy())
      line += " (stderr) " + Replaced(Replaced(Text(r, "stderr"), '\n', "\\n"), '\r', "\\r");
    return line;
  };
  // _dump_results(indent=0) with its newlines removed; indented by 4
  // (before the removal) for debug and from -vvv.
  auto dumped = [&](const Map& shown) {
    const bool wide =
        e.verbose_always || shown.contains("_ansible_verbose_always") || verbosity_ > 2;
    return Replaced(DumpResult(shown, wide ? 4 : 0, verbosity_), '\n', "");
  };
  switch (e.status) {
    case Outcome::kOk:
    case Outcome::kChanged: {
      const State state = OkState(r);
      if (IsNoJsonModule(e.action) && !r.contains("ansible_job_id"))
        display_.Display(generic(state.word), state.color);
      else
        display_.Display(h + " | " + state.word + " => " + dumped(r), state.color);
      return;
    }
    case Outcome::kFailed: {
      // The exception's line, or for command/shell/raw their rc and output.
      if (const std::string ex = ExceptionLine(r); !ex.empty()) {
        if (IsNoJsonModule(e.action) && !r.contains("module_stderr"))
          display_.Display(generic("FAILED"), kColorError);
        else
          display_.Display(ex, kColorError);
      }
      display_.Display(h + " | FAILED! => " + dumped(r), kColorError);
      return;
    }
    case Outcome::kSkipped: display_.Display(h + " | SKIPPED", kColorSkip); return;
    case Outcome::kUnreachable:
      display_.Display(h + " | UNREACHABLE!: " + Text(r, "msg"), kColorUnreachable);
      return;
  }
}

}  // namespace drover::output
