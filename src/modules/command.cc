// command and shell (ansible.builtin.command / shell), and the glob test
// they share for creates/removes. One round trip: the generated script
// checks creates/removes and chdir, reports what it decided on its first
// stdout line ("DROVER:<decision>"), then execs the command.
#include <chrono>

#include "connection/shell.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Shell text that expands `pattern` as a glob: everything but *, ? and [...]
// is quoted, so paths with spaces or quotes still work.
std::string GlobWords(const std::string& pattern) {
  std::string out, literal;
  auto flush = [&] {
    if (!literal.empty()) out += ShellQuote(literal);
    literal.clear();
  };
  for (char c : pattern) {
    if (c == '*' || c == '?' || c == '[' || c == ']') {
      flush();
      out += c;
    } else {
      literal += c;
    }
  }
  flush();
  return out;
}

constexpr const char* kMarker = "DROVER:";

const std::vector<ArgSpec>& CommandSpec() {
  static const std::vector<ArgSpec> spec = {
      {"_raw_params", ArgType::kStr, {}, false, {"cmd"}, {}},
      {"argv", ArgType::kList, {}, false, {}, {}},
      {"chdir", ArgType::kPath, {}, false, {}, {}},
      {"executable", ArgType::kStr, {}, false, {}, {}},
      {"creates", ArgType::kPath, {}, false, {}, {}},
      {"removes", ArgType::kPath, {}, false, {}, {}},
      {"stdin", ArgType::kStr, {}, false, {}, {}},
      {"stdin_add_newline", ArgType::kBool, Value(true), false, {}, {}},
      {"strip_empty_ends", ArgType::kBool, Value(true), false, {}, {}},
      {"warn", ArgType::kBool, {}, false, {}, {}},  // accepted, ignored (removed in 2.14)
  };
  return spec;
}

std::string Text(const Map& args, const char* key) {
  const Value* v = args.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::string RStripNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class CommandLike : public Module {
 public:
  explicit CommandLike(bool shell) : shell_(shell) {}
  std::string_view Name() const override { return shell_ ? "shell" : "command"; }
  const std::vector<ArgSpec>& Spec() const override { return CommandSpec(); }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    Map r{{"changed", false}, {"stdout", ""},     {"stderr", ""},
          {"rc", Value()},    {"cmd", Value()},   {"start", Value()},
          {"end", Value()},   {"delta", Value()}, {"msg", ""}};
    std::string raw = Text(args, "_raw_params");
    const Value& argv = *args.find("argv");
    const bool has_raw = raw.find_first_not_of(" \t\n") != std::string::npos;
    if (!has_raw && argv.is_null()) {
      r.set("rc", 256);
      r.set("msg", "no command given");
      r.set("failed", true);
      return r;
    }
    if (has_raw && !argv.is_null()) {
      r.set("rc", 256);
      r.set("msg", "only command or argv can be given, not both");
      r.set("failed", true);
      return r;
    }
    // The command line the host runs, and `cmd` as Ansible reports it.
    std::string run_line;
    if (shell_) {
      std::string executable = Text(args, "executable");
      if (executable.empty()) executable = "/bin/sh";
      if (has_raw) {
        r.set("cmd", Value(raw));
        run_line = ShellQuote(executable) + " -c " + ShellQuote(raw);
      } else {
        List words = argv.as_list();
        r.set("cmd", Value(words));
        std::string joined;
        for (const Value& w : words) joined += (joined.empty() ? "" : " ") + w.as_string();
        run_line = ShellQuote(executable) + " -c " + ShellQuote(joined);
      }
    } else {
      List words;
      if (has_raw) {
        Result<std::vector<std::string>> split = connection::ShellSplit(raw);
        if (!split) {
          Map f = Failed(split.error().message);
          f.set("rc", 256);
          return f;
        }
        for (auto& w : *split) words.push_back(Value(w));
      } else {
        words = argv.as_list();
      }
      r.set("cmd", Value(words));
      for (const Value& w : words) {
        run_line += (run_line.empty() ? "" : " ") +
                    ShellQuote(w.is_string() ? w.as_string() : std::string());
      }
    }

    const std::string creates = Text(args, "creates");
    const std::string removes = Text(args, "removes");
    const std::string chdir = Text(args, "chdir");
    std::string script =
        "__drover_exists() { for __f in \"$@\"; do { [ -e \"$__f\" ] || [ -L \"$__f\" ]; } && "
        "return 0; done; return 1; }\n";
    if (!creates.empty()) {
      script += "if __drover_exists " + GlobWords(creates) + "; then echo " + kMarker +
                "creates; exit 0; fi\n";
    }
    if (!removes.empty()) {
      script += "if ! __drover_exists " + GlobWords(removes) + "; then echo " + kMarker +
                "removes; exit 0; fi\n";
    }
    if (!chdir.empty()) {
      script +=
          "cd " + ShellQuote(chdir) + " 2>/dev/null || { echo " + kMarker + "chdir; exit 0; }\n";
    }
    if (ctx.check_mode) {
      script += std::string("echo ") + kMarker + "check; exit 0\n";
    } else {
      script += std::string("echo ") + kMarker + "run\n";
    }
    std::optional<std::string> stdin_data;
    if (const Value* in = args.find("stdin"); in && in->is_string()) {
      stdin_data = in->as_string();
      if (args.find("stdin_add_newline")->as_bool()) *stdin_data += "\n";
    }

    const auto start_clock = std::chrono::steady_clock::now();
    const std::string start = PythonDatetimeNow();
    // The command is the script's last word; without stdin or chdir (the
    // probes' paths may be relative to the login directory) the probes of
    // the following tasks may ride along after it (ExecThenProbe).
    Result<connection::ExecResult> res =
        ctx.check_mode                 ? ctx.Exec(script, stdin_data)
        : stdin_data || !chdir.empty() ? ctx.Exec(script + "exec " + run_line + "\n", stdin_data)
                                       : ctx.ExecThenProbe(script, run_line);
    if (!res) return res.take_error();
    const std::string end = PythonDatetimeNow();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start_clock)
                            .count();

    std::string out = res->stdout_data;
    std::string decision;
    if (out.rfind(kMarker, 0) == 0) {
      size_t nl = out.find('\n');
      decision =
          out.substr(std::string_view(kMarker).size(), nl - std::string_view(kMarker).size());
      out = nl == std::string::npos ? "" : out.substr(nl + 1);
    } else {
      Map f = Failed("the command's wrapper did not start on the host: " + res->stderr_data);
      f.set("rc", res->exit_status);
      return f;
    }
    const std::string shoulda = ctx.check_mode ? "Would" : "Did";
    if (decision == "creates" || decision == "removes") {
      const std::string& path = decision == "creates" ? creates : removes;
      const char* why = decision == "creates" ? "exists" : "does not exist";
      r.set("msg", shoulda + " not run command since '" + path + "' " + why);
      r.set("stdout", "skipped, since " + path + " " + why);
      r.set("rc", 0);
      return r;
    }
    if (decision == "chdir") {
      r.set("msg",
            "Unable to change directory before execution: [Errno 2] No such file or "
            "directory: '" +
                chdir + "'");
      r.set("failed", true);
      return r;
    }
    r.set("changed", true);
    if (decision == "check") {
      r.set("rc", 0);
      r.set("msg", "Command would have run if not in check mode");
      if (creates.empty() && removes.empty()) {
        r.set("skipped", true);
        r.set("changed", false);
      }
      return r;
    }
    r.set("rc", res->exit_status);
    r.set("start", Value(start));
    r.set("end", Value(end));
    r.set("delta", Value(PythonTimedelta(micros)));
    const bool strip = args.find("strip_empty_ends")->as_bool();
    r.set("stdout", strip ? RStripNewlines(out) : out);
    r.set("stderr", strip ? RStripNewlines(res->stderr_data) : res->stderr_data);
    if (res->exit_status != 0) {
      r.set("msg", "non-zero return code");
      r.set("failed", true);
    }
    return r;
  }

 private:
  bool shell_;
};

}  // namespace

const Module& CommandModule() {
  static const CommandLike m(false);
  return m;
}
const Module& ShellModule() {
  static const CommandLike m(true);
  return m;
}

}  // namespace drover::modules
