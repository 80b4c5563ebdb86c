// script (ansible.builtin.script): copies a local script (found as Ansible
// finds it: the role's files/, then the playbook's) to a fresh temp
// directory on the host (mode 0700), runs it with the rest of the free-form
// text as shell arguments (optionally through `executable`, in `chdir`),
// then deletes it: one round trip, creates/removes checked in the same
// script. Small scripts travel inside the command; larger or binary ones
// on stdin. Unlike Ansible over ssh (which forces a pty), stdout and stderr
// stay separate and lines end in "\n", not "\r\n".
#include <filesystem>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "core/file_util.h"
#include "modules/file_common.h"
#include "modules/install.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

constexpr const char* kMarker = "DROVER:";

// Splits free-form text into its first shell word (unquoted, as shlex
// would give it) and the rest of the text as written (so the arguments
// keep their quoting for the host's shell). nullopt when there is no word.
std::optional<std::pair<std::string, std::string>> SplitFirstWord(const std::string& text) {
  size_t i = text.find_first_not_of(" \t\n");
  if (i == std::string::npos) return std::nullopt;
  std::string word;
  char quote = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (quote == '"' && c == '\\' && i + 1 < text.size() &&
                 (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
                  text[i + 1] == '`')) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
    } else if (c == ' ' || c == '\t' || c == '\n') {
      break;
    } else {
      word += c;
    }
  }
  if (quote) return std::nullopt;
  std::string rest = text.substr(i);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\n'))
    rest.pop_back();
  return std::make_pair(word, rest);
}

class Script : public Module {
 public:
  std::string_view Name() const override { return "script"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"_raw_params", ArgType::kStr, {}, false, {"cmd"}, {}},
        {"creates", ArgType::kStr, {}, false, {}, {}},
        {"removes", ArgType::kStr, {}, false, {}, {}},
        {"chdir", ArgType::kStr, {}, false, {}, {}},
        {"executable", ArgType::kStr, {}, false, {}, {}},
        {"decrypt", ArgType::kBool, Value(true), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string raw = ArgText(args, "_raw_params");
    const std::string creates = ArgText(args, "creates");
    const std::string removes = ArgText(args, "removes");
    const std::string chdir = ArgText(args, "chdir");
    const std::string executable = ArgText(args, "executable");

    // creates/removes are tested first (as Ansible does, before it looks
    // for the script), in the same round trip that runs it.
    std::string script;
    if (!creates.empty())
      script +=
          "if [ -e " + ShellQuote(creates) + " ]; then echo " + kMarker + "creates; exit 0; fi\n";
    if (!removes.empty())
      script +=
          "if [ ! -e " + ShellQuote(removes) + " ]; then echo " + kMarker + "removes; exit 0; fi\n";

    std::optional<std::pair<std::string, std::string>> words = SplitFirstWord(raw);
    std::string failure;
    std::string local, content;
    if (!words) {
      failure = raw.find_first_not_of(" \t\n") == std::string::npos
                    ? "script: no script given (free form or cmd)"
                    : "script: unbalanced quotes in '" + raw + "'";
    } else if (!chdir.empty() && chdir[0] != '/') {
      failure = "chdir " + chdir + " must be an absolute path for a Unix-aware remote node";
    } else if (Result<std::string> found = FindLocalFile(ctx, "files", words->first); !found) {
      failure = found.error().message;
    } else if (Result<std::string> text = ReadFile(*found); !text) {
      failure = text.error().message;
    } else {
      local = *found;
      content = std::move(*text);
    }

    std::optional<std::string> stdin_data;
    if (!failure.empty() || ctx.check_mode) {
      script += std::string("echo ") + kMarker + "would-run\n";
    } else {
      const std::string base = std::filesystem::path(local).filename().string();
      script +=
          "__d=$(mktemp -d \"${TMPDIR:-/tmp}/drover-script.XXXXXXXX\") || exit 1\n"
          "__s=\"$__d\"/" +
          ShellQuote(base) + "\n";
      if (connection::CanInline(content)) {
        script +=
            "printf '%s' " + ShellQuote(content) + " > \"$__s\" || { rm -rf \"$__d\"; exit 1; }\n";
      } else {
        script += "cat > \"$__s\" || { rm -rf \"$__d\"; exit 1; }\n";
        stdin_data = content;
      }
      script += "chmod 0700 \"$__s\"\necho " + std::string(kMarker) + "run\n";
      std::string run =
          (executable.empty() ? "" : ShellQuote(executable) + " ") + "\"$__s\"" + words->second;
      if (!chdir.empty()) run = "cd " + ShellQuote(chdir) + " && " + run;
      script += "( " + run + "\n) </dev/null\n__rc=$?\nrm -rf \"$__d\"\nexit $__rc\n";
    }

    Result<connection::ExecResult> res = ctx.Exec(script, stdin_data);
    if (!res) return res.take_error();
    std::string out = res->stdout_data;
    if (out.rfind(kMarker, 0) != 0) {
      Map f = Failed("script: could not run the script on the host: " + res->stderr_data);
      f.set("rc", res->exit_status);
      return f;
    }
    const size_t nl = out.find('\n');
    const std::string decision = out.substr(7, nl - 7);
    out = nl == std::string::npos ? "" : out.substr(nl + 1);
    if (decision == "creates")
      return Map{{"changed", false},
                 {"skipped", true},
                 {"msg", Value(creates + " exists, matching creates option")}};
    if (decision == "removes")
      return Map{{"changed", false},
                 {"skipped", true},
                 {"msg", Value(removes + " does not exist, matching removes option")}};
    if (!failure.empty()) return Failed(failure);
    if (decision == "would-run") {  // check mode
      if (!creates.empty() || !removes.empty()) return Map{{"changed", true}};
      return Map{{"changed", false},
                 {"skipped", true},
                 {"msg", "Check mode is not supported for this task."}};
    }
    Map r{{"changed", true},
          {"rc", Value(res->exit_status)},
          {"stdout", Value(out)},
          {"stdout_lines", Value(SplitLines(out))},
          {"stderr", Value(res->stderr_data)},
          {"stderr_lines", Value(SplitLines(res->stderr_data))}};
    if (res->exit_status != 0) {
      r.set("failed", true);
      r.set("msg", "non-zero return code");
    }
    return r;
  }
};

}  // namespace

const Module& ScriptModule() {
  static const Script m;
  return m;
}

}  // namespace drover::modules
