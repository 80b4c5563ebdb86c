// tempfile (ansible.builtin.tempfile): creates a uniquely named file (mode
// 0600) or directory (0700) on the host with `mktemp`, in `path` or the
// host's temp directory ($TMPDIR, $TEMP, $TMP, else /tmp, as Python's
// tempfile), named <prefix><8 random characters><suffix>. One round trip
// that also stats the result. Always changed; not supported in check mode
// (skipped, as Ansible skips it).
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class Tempfile : public Module {
 public:
  std::string_view Name() const override { return "tempfile"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state", ArgType::kStr, Value("file"), false, {}, {"file", "directory"}},
        {"path", ArgType::kPath, {}, false, {}, {}},
        {"prefix", ArgType::kStr, Value("ansible."), false, {}, {}},
        {"suffix", ArgType::kStr, Value(""), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (ctx.check_mode)
      return Map{{"changed", false},
                 {"skipped", true},
                 {"msg", "remote module (tempfile) does not support check mode"}};
    const bool dir = ArgText(args, "state") == "directory";
    const std::string path = ArgText(args, "path");
    const std::string prefix = ArgText(args, "prefix");
    const std::string suffix = ArgText(args, "suffix");
    std::string script =
        StatShellFunction(false) + "__d=" +
        (path.empty() ? std::string("${TMPDIR:-${TEMP:-${TMP:-/tmp}}}") : ShellQuote(path)) +
        "\n__t=$(mktemp " + (dir ? "-d " : "") +
        (suffix.empty() ? std::string() : "--suffix=" + ShellQuote(suffix) + " ") + "\"$__d\"/" +
        ShellQuote(prefix + "XXXXXXXX") +
        ") || exit 1\n"
        "printf 'DROVER_TEMP|%s\\n' \"$__t\"\n"
        "__drover_stat \"$__t\" ''\n";
    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    const std::string& out = res->stdout_data;
    const size_t at = out.find("DROVER_TEMP|");
    if (res->exit_status != 0 || at == std::string::npos) {
      std::string why = res->stderr_data;
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return Failed(why.empty() ? "mktemp failed on the host" : why);
    }
    const size_t nl = out.find('\n', at);
    const std::string created = out.substr(at + 12, nl - at - 12);
    Map r{{"changed", true}, {"path", Value(created)}};
    if (std::optional<RemoteStat> st = ParseStatOutput(out.substr(nl + 1)); st && st->exists)
      AddPathAttrs(*st, &r);
    return r;
  }
};

}  // namespace

const Module& TempfileModule() {
  static const Tempfile m;
  return m;
}

}  // namespace drover::modules
