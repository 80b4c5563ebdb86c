#include "cli/adhoc_modules.h"

#include <fnmatch.h>

#include <chrono>
#include <ctime>
#include <set>

#include "connection/facts.h"
#include "connection/shell.h"
#include "core/json.h"

namespace drover::cli {

using connection::BecomeSpec;
using connection::Connection;
using connection::ExecRequest;
using connection::ShellQuote;
using connection::ShellSplit;
using State = AdhocOutcome::State;

namespace {

std::string Canonical(const std::string& module) {
  const std::string prefix = "ansible.builtin.";
  if (module.rfind(prefix, 0) == 0) return module.substr(prefix.size());
  if (module.rfind("ansible.legacy.", 0) == 0) return module.substr(15);
  return module;
}

const std::set<std::string>& Supported() {
  static const std::set<std::string> modules = {"ping", "command", "shell", "raw", "setup"};
  return modules;
}

// key=value words of a free-form or key=value argument string.
struct ParsedArgs {
  Map options;                     // recognised key=value words
  std::vector<std::string> words;  // everything else, in order
  std::string free_form;           // the rest, as text (shell keeps quoting)
};

Result<ParsedArgs> ParseArgs(const std::string& args, const std::set<std::string>& keys) {
  auto words = ShellSplit(args);
  if (!words) return words.take_error();
  ParsedArgs parsed;
  for (const std::string& w : *words) {
    const size_t eq = w.find('=');
    if (eq != std::string::npos && keys.count(w.substr(0, eq))) {
      parsed.options.set(w.substr(0, eq), w.substr(eq + 1));
    } else {
      parsed.words.push_back(w);
    }
  }
  // For shell: the text minus the recognised words (Ansible keeps the user's
  // quoting for the shell). Recognised words are removed textually.
  parsed.free_form = args;
  for (const auto& [k, v] : parsed.options) {
    const std::string needle = k + "=" + v.as_string();
    const size_t at = parsed.free_form.find(needle);
    if (at != std::string::npos) parsed.free_form.erase(at, needle.size());
  }
  const size_t b = parsed.free_form.find_first_not_of(" \t");
  parsed.free_form = b == std::string::npos ? "" : parsed.free_form.substr(b);
  return parsed;
}

std::string Timestamp(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  char out[80];
  std::snprintf(out, sizeof out, "%s.%06lld", buf, static_cast<long long>(micros));
  return out;
}

std::string Delta(std::chrono::system_clock::duration d) {
  const long long us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  char out[64];
  std::snprintf(out, sizeof out, "%lld:%02lld:%02lld.%06lld", us / 3600000000LL,
                (us / 60000000LL) % 60, (us / 1000000LL) % 60, us % 1000000LL);
  return out;
}

std::string StripTrailingNewline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

List Lines(const std::string& s) {
  List lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    lines.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

AdhocOutcome Failed(const std::string& msg, Map extra = {}) {
  AdhocOutcome o;
  o.state = State::kFailed;
  o.result = std::move(extra);
  o.result.set("changed", false);
  o.result.set("msg", msg);
  return o;
}

// Turns an Exec error into UNREACHABLE (session) or FAILED (become).
AdhocOutcome FromError(const Error& e) {
  AdhocOutcome o;
  if (e.code == ExitCode::kUnreachable) {
    o.state = State::kUnreachable;
    o.result.set("changed", false);
    o.result.set("msg", e.message);
    o.result.set("unreachable", true);
    return o;
  }
  Map extra;
  if (!e.detail.empty()) extra.set("module_stderr", e.detail);
  return Failed(e.message, std::move(extra));
}

AdhocOutcome RunCommandLike(const std::string& module, const std::string& args,
                            Connection& connection, const std::optional<BecomeSpec>& become) {
  const bool raw = module == "raw";
  auto parsed = raw ? Result<ParsedArgs>(ParsedArgs{{}, {}, args})
                    : ParseArgs(args, {"chdir", "creates", "removes", "executable", "stdin"});
  if (!parsed) return Failed(parsed.error().message);
  std::string script;
  Value cmd;
  if (module == "command") {
    if (parsed->words.empty()) return Failed("no command given");
    List argv;
    std::string line = "exec";
    for (const std::string& w : parsed->words) {
      argv.emplace_back(w);
      line += " " + ShellQuote(w);
    }
    script = line;
    cmd = Value(std::move(argv));
  } else {
    if (parsed->free_form.empty()) return Failed("no command given");
    script = parsed->free_form;
    cmd = Value(parsed->free_form);
  }
  // creates/removes checks and chdir run in the same round trip.
  const char kSkipMarker[] = "@@drover-skipped@@";
  std::string prelude;
  if (const Value* dir = parsed->options.find("chdir")) {
    prelude += "cd " + ShellQuote(dir->as_string()) + " || exit 1\n";
  }
  if (const Value* c = parsed->options.find("creates")) {
    prelude += "if [ -e " + ShellQuote(c->as_string()) + " ]; then printf %s '" + kSkipMarker +
               "'; exit 0; fi\n";
  }
  if (const Value* r = parsed->options.find("removes")) {
    prelude += "if [ ! -e " + ShellQuote(r->as_string()) + " ]; then printf %s '" + kSkipMarker +
               "'; exit 0; fi\n";
  }
  std::optional<std::string> stdin_data;
  if (const Value* in = parsed->options.find("stdin")) stdin_data = in->as_string() + "\n";
  const auto start = std::chrono::system_clock::now();
  auto r = connection.Exec(ExecRequest{prelude + script, stdin_data, {}, become});
  const auto end = std::chrono::system_clock::now();
  if (!r) return FromError(r.error());
  AdhocOutcome o;
  o.raw_output = true;
  if (r->stdout_data == kSkipMarker) {
    const Value* c = parsed->options.find("creates");
    const std::string path = c ? c->as_string() : parsed->options.find("removes")->as_string();
    const std::string why = c ? " exists" : " does not exist";
    o.result.set("changed", false);
    o.result.set("cmd", cmd);
    o.result.set("rc", 0);
    o.result.set("stdout", "skipped, since " + path + why);
    o.result.set("stdout_lines", Value(Lines(o.result.find("stdout")->as_string())));
    o.result.set("stderr", "");
    o.result.set("stderr_lines", Value(List{}));
    o.result.set("msg", "Did not run command since '" + path + "'" + why);
    return o;
  }
  const std::string out = raw ? r->stdout_data : StripTrailingNewline(r->stdout_data);
  const std::string err = raw ? r->stderr_data : StripTrailingNewline(r->stderr_data);
  o.result.set("changed", true);
  if (!raw) {
    o.result.set("cmd", cmd);
    o.result.set("delta", Delta(end - start));
    o.result.set("end", Timestamp(end));
    o.result.set("msg", r->exit_status == 0 ? "" : "non-zero return code");
  } else if (r->exit_status != 0) {
    o.result.set("msg", "non-zero return code");
  }
  o.result.set("rc", r->exit_status);
  if (!raw) o.result.set("start", Timestamp(start));
  o.result.set("stderr", err);
  o.result.set("stderr_lines", Value(Lines(err)));
  o.result.set("stdout", out);
  o.result.set("stdout_lines", Value(Lines(out)));
  o.state = r->exit_status == 0 ? State::kChanged : State::kFailed;
  return o;
}

AdhocOutcome RunPing(const std::string& args, Connection& connection,
                     const std::optional<BecomeSpec>& become) {
  auto parsed = ParseArgs(args, {"data"});
  if (!parsed) return Failed(parsed.error().message);
  const Value* data = parsed->options.find("data");
  const std::string expect = data ? data->as_string() : "pong";
  if (expect == "crash") return Failed("boom");
  // A real round trip: the host must echo the answer back.
  auto r =
      connection.Exec(ExecRequest{"printf %s " + ShellQuote(expect), std::nullopt, {}, become});
  if (!r) return FromError(r.error());
  if (r->exit_status != 0 || r->stdout_data != expect) {
    return Failed("ping: unexpected answer from the host: " + r->stdout_data + r->stderr_data);
  }
  AdhocOutcome o;
  o.result.set("changed", false);
  o.result.set("ping", expect);
  return o;
}

AdhocOutcome RunSetup(const std::string& args, Connection& connection,
                      const std::optional<BecomeSpec>& become) {
  auto parsed = ParseArgs(args, {"filter", "gather_subset", "gather_timeout", "fact_path"});
  if (!parsed) return Failed(parsed.error().message);
  auto facts = connection::GatherFacts(connection, become);
  if (!facts) return FromError(facts.error());
  Map prefixed = connection::PrefixedFacts(*facts);
  if (const Value* filter = parsed->options.find("filter")) {
    Map kept;
    for (const auto& [k, v] : prefixed) {
      if (fnmatch(filter->as_string().c_str(), k.c_str(), 0) == 0) kept.set(k, v);
    }
    prefixed = std::move(kept);
  }
  AdhocOutcome o;
  o.result.set("ansible_facts", Value(std::move(prefixed)));
  o.result.set("changed", false);
  return o;
}

}  // namespace

Status ValidateAdhocModule(const std::string& module, const std::string& args) {
  const std::string name = Canonical(module);
  if (!Supported().count(name)) {
    Error e = MakeError("module '" + module +
                        "' is not available to `drover adhoc` yet; supported: ping, command, "
                        "shell, raw, setup");
    e.code = ExitCode::kBadOptions;
    return e;
  }
  if ((name == "command" || name == "shell" || name == "raw") && args.empty()) {
    Error e = MakeError("No argument passed to " + name + " module");
    e.code = ExitCode::kBadOptions;
    return e;
  }
  if (auto words = ShellSplit(args); !words) {
    Error e = words.take_error();
    e.code = ExitCode::kBadOptions;
    return e;
  }
  return {};
}

AdhocOutcome RunAdhocModule(const std::string& module, const std::string& args,
                            Connection& connection, const std::optional<BecomeSpec>& become) {
  const std::string name = Canonical(module);
  if (name == "ping") return RunPing(args, connection, become);
  if (name == "setup") return RunSetup(args, connection, become);
  return RunCommandLike(name, args, connection, become);
}

std::string FormatAdhocOutcome(const std::string& host, const AdhocOutcome& outcome) {
  const bool changed = outcome.state == State::kChanged;
  if (outcome.raw_output && outcome.state != State::kUnreachable) {
    const char* caption = outcome.state == State::kFailed ? "FAILED"
                          : changed                       ? "CHANGED"
                                                          : "SUCCESS";
    auto text = [&](const char* key) {
      const Value* v = outcome.result.find(key);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    const Value* rc = outcome.result.find("rc");
    return host + " | " + caption + " | rc=" + (rc ? std::to_string(rc->as_int()) : "-1") +
           " >>\n" + text("stdout") + text("stderr") + text("msg") + "\n";
  }
  JsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  const std::string json = ToJson(Value(Map(outcome.result)), style);
  switch (outcome.state) {
    case State::kUnreachable: return host + " | UNREACHABLE! => " + json + "\n";
    case State::kFailed: return host + " | FAILED! => " + json + "\n";
    case State::kChanged: return host + " | CHANGED => " + json + "\n";
    case State::kOk: break;
  }
  return host + " | SUCCESS => " + json + "\n";
}

}  // namespace drover::cli
