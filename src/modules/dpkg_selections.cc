// dpkg_selections (ansible.builtin.dpkg_selections) without Python on the
// host: `dpkg --get-selections NAME` decides; `dpkg --set-selections` (on
// stdin) acts, only when the selection differs and not in check mode.
// Results are Ansible's: changed, before ("not present" when dpkg knows
// nothing of the package), after.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class DpkgSelections : public Module {
 public:
  std::string_view Name() const override { return "dpkg_selections"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"selection", ArgType::kStr, {}, true, {}, {"install", "hold", "deinstall", "purge"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name"), selection = ArgText(args, "selection");
    Result<connection::ExecResult> r = ctx.Exec(
        "command -v dpkg >/dev/null 2>&1 || { echo DROVER_NO_DPKG; exit 0; }\n"
        "LC_ALL=C dpkg --get-selections " +
        ShellQuote(name) + "\n");
    if (!r) return r.take_error();
    if (r->stdout_data.find("DROVER_NO_DPKG") != std::string::npos)
      return Failed("Failed to find required executable \"dpkg\" on the host");
    if (r->exit_status != 0) {
      Map f = Failed(r->stderr_data);
      f.set("rc", r->exit_status);
      return f;
    }
    std::string current = "not present";
    if (!r->stdout_data.empty()) {
      // out.split()[1]
      const std::string& out = r->stdout_data;
      size_t w1 = out.find_first_of(" \t\n");
      size_t b = out.find_first_not_of(" \t\n", w1);
      if (b != std::string::npos) current = out.substr(b, out.find_first_of(" \t\n", b) - b);
    }
    const bool changed = current != selection;
    Map result{{"changed", changed}, {"before", Value(current)}, {"after", Value(selection)}};
    if (ctx.check_mode || !changed) return result;
    Result<connection::ExecResult> w = ctx.Exec("dpkg --set-selections", name + " " + selection);
    if (!w) return w.take_error();
    if (w->exit_status != 0) {
      Map f = Failed(w->stderr_data);
      f.set("rc", w->exit_status);
      return f;
    }
    return result;
  }
};

}  // namespace

const Module& DpkgSelectionsModule() {
  static const DpkgSelections m;
  return m;
}

}  // namespace drover::modules
