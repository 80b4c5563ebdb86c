// modprobe (community.general.modprobe): one round trip reads whether the
// kernel module is loaded (/proc/modules, modules.builtin), how it is made
// persistent (/etc/modules-load.d, /etc/modprobe.d) and, outside check
// mode, loads or unloads it and writes or comments out the persistence
// files as Ansible's module does. Results: changed, name, params, state.
//
// A container (as the test hosts) shares the machine's kernel and may not
// load modules: modprobe's own error is reported with a note saying so.
#include <algorithm>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class Modprobe : public Module {
 public:
  std::string_view Name() const override { return "modprobe"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"params", ArgType::kStr, Value(""), false, {}, {}},
        {"persistent",
         ArgType::kStr,
         Value("disabled"),
         false,
         {},
         {"disabled", "present", "absent"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name");
    const std::string state = ArgText(args, "state");
    const std::string params = ArgText(args, "params");
    const std::string persistent = ArgText(args, "persistent");
    Map result{{"changed", false},
               {"name", Value(name)},
               {"params", Value(params)},
               {"state", Value(state)}};
    Result<std::vector<std::string>> words = connection::ShellSplit(params);
    if (!words) return Failed("params: " + words.error().message);
    std::string param_words;
    for (const std::string& w : *words) param_words += " " + ShellQuote(w);
    std::vector<std::string> wanted;  // params.split()
    {
      std::string cur;
      for (char c : params + " ") {
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!cur.empty()) wanted.push_back(cur);
          cur.clear();
        } else {
          cur += c;
        }
      }
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

    const std::string n = ShellQuote(name);
    // Ansible's regular expressions, with the name unescaped as there.
    const std::string re_module = "^ *" + name + " *([#;].*)?$";
    const std::string re_params = "^options " + name + " [A-Za-z0-9_]+=[^[:space:]]+ *([#;].*)?$";
    std::string script =
        "command -v modprobe >/dev/null 2>&1 || { echo DROVER_NO_MODPROBE; exit 0; }\n"
        "__n=$(printf '%s' " +
        n +
        " | tr - _)\n"
        "[ -r /proc/modules ] || { echo DROVER_NO_PROC_MODULES; exit 0; }\n"
        "if grep -q \"^$__n \" /proc/modules; then echo DROVER_LOADED\n"
        "elif [ -f \"/lib/modules/$(uname -r)/modules.builtin\" ]; then\n"
        "  grep -q -- \"/\"" +
        n +
        "\".ko$\" \"/lib/modules/$(uname -r)/modules.builtin\" && echo DROVER_LOADED\n"
        "else echo DROVER_NO_BUILTIN; fi\n"
        "for f in /etc/modules-load.d/*; do [ -f \"$f\" ] && grep -Eq " +
        ShellQuote(re_module) +
        " \"$f\" && echo DROVER_PERSISTENT; done\n"
        "for f in /etc/modprobe.d/*; do [ -f \"$f\" ] && grep -E " +
        ShellQuote(re_params) +
        " \"$f\" | sed -E 's/^options [^ ]+ ([^ ]+).*/DROVER_PARAM|\\1/'; done\n"
        "exit 0\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_NO_MODPROBE", 0) == 0)
      return Failed("Failed to find required executable \"modprobe\" on the host (package kmod)");
    if (out.rfind("DROVER_NO_PROC_MODULES", 0) == 0)
      return Failed(
          "[Errno 2] No such file or directory: '/proc/modules' (the host's kernel has "
          "no loadable module support)");
    const bool loaded = out.find("DROVER_LOADED\n") != std::string::npos;
    const bool is_persistent = out.find("DROVER_PERSISTENT\n") != std::string::npos;
    std::vector<std::string> have;
    for (size_t at = 0; (at = out.find("DROVER_PARAM|", at)) != std::string::npos;) {
      size_t nl = out.find('\n', at);
      have.push_back(out.substr(at + 13, nl - at - 13));
      at = nl;
    }
    std::sort(have.begin(), have.end());
    have.erase(std::unique(have.begin(), have.end()), have.end());
    if (!loaded && out.find("DROVER_NO_BUILTIN\n") != std::string::npos)
      return Failed(
          "[Errno 2] No such file or directory: '/lib/modules/<release>/modules.builtin' "
          "(the host has no modules of its running kernel: a container shares the "
          "machine's kernel and cannot load modules)");

    std::string act;
    bool changed = false;
    const std::string check = ctx.check_mode ? " -n" : "";
    if (state == "present" && !loaded) {
      act += "__e=$(modprobe" + check + " " + n + param_words +
             " 2>&1) || { printf 'DROVER_FAIL|%s\\n' \"$__e\"; exit 0; }\n";
      changed = true;
    } else if (state == "absent" && loaded) {
      act += "__e=$(modprobe -r " + n + check +
             " 2>&1) || { printf 'DROVER_FAIL|%s\\n' \"$__e\"; exit 0; }\n";
      changed = true;
    }
    const bool params_set = have == wanted;
    if (persistent == "present" && !(is_persistent && params_set)) {
      changed = true;
      if (!ctx.check_mode) {
        if (!is_persistent)
          act += "printf '%s\\n' " + n + " > /etc/modules-load.d/" + ShellQuote(name + ".conf") +
                 " || exit 1\n";
        if (!params_set) {
          std::string content;
          for (const std::string& w : wanted) content += "options " + name + " " + w + "\n";
          if (wanted.empty()) content = "\n";
          act += "for f in /etc/modprobe.d/*; do [ -f \"$f\" ] && sed -i -E " +
                 ShellQuote("s/" + re_params.substr(0) + "/#&/") + " \"$f\"; done\nprintf '%s' " +
                 ShellQuote(content) + " > /etc/modprobe.d/" + ShellQuote(name + ".conf") +
                 " || exit 1\n";
        }
      }
    } else if (persistent == "absent" && (is_persistent || !have.empty())) {
      changed = true;
      if (!ctx.check_mode)
        act += "for f in /etc/modules-load.d/*; do [ -f \"$f\" ] && sed -i -E " +
               ShellQuote("s/" + re_module + "/#&/") +
               " \"$f\"; done\nfor f in /etc/modprobe.d/*; do [ -f \"$f\" ] && sed -i -E " +
               ShellQuote("s/" + re_params + "/#&/") + " \"$f\"; done\n";
    }
    result.set("changed", changed);
    if (act.empty()) return result;
    Result<connection::ExecResult> w = ctx.Exec(act);
    if (!w) return w.take_error();
    if (std::optional<std::string> fail = TaggedLine(w->stdout_data, "DROVER_FAIL")) {
      Map f = result;
      f.set("failed", true);
      f.set("changed", false);
      f.set("msg", Value(*fail + (fail->find("Operation not permitted") != std::string::npos
                                      ? " (a container may not load kernel modules)"
                                      : "")));
      return f;
    }
    if (w->exit_status != 0) return Failed("modprobe: could not write: " + w->stderr_data);
    return result;
  }
};

}  // namespace

const Module& ModprobeModule() {
  static const Modprobe m;
  return m;
}

}  // namespace drover::modules
