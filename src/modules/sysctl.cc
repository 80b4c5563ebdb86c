// sysctl (ansible.posix.sysctl): one round trip reads the kernel's value
// (sysctl -e -n, C locale) and the sysctl file; the decision and the file's
// new text are made on the controller as Ansible's SysctlModule makes them
// (the file is rewritten as "key=value" lines, the first of each key kept),
// and a second round trip, outside check mode and only when needed, sets
// the value (sysctl -w, with sysctl_set), installs the file atomically and
// reloads it (sysctl -p FILE, with reload). Results: changed.
//
// A key the host may not write (a container's read-only /proc/sys) fails
// as Ansible fails ("setting KEY failed: ... Read-only file system"), with
// a note that /proc/sys is read-only there.
#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/py_split.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Ansible's _parse_value: booleans as 1/0, text stripped.
std::string ParseValue(const std::string& v) {
  static const char* kTrue[] = {"y", "yes", "on", "1", "true", "t", "1.0"};
  static const char* kFalse[] = {"n", "no", "off", "0", "false", "f", "0.0"};
  const std::string l = Lower(v);
  for (const char* t : kTrue)
    if (l == t) return "1";
  for (const char* f : kFalse)
    if (l == f) return "0";
  return Strip(v);
}

bool IsSetting(const std::string& line) {
  return !line.empty() && line[0] != '#' && line[0] != ';' && line.find('=') != std::string::npos;
}

// A failure of sysctl itself: Ansible's _stderr_failed.
bool StderrFailed(const std::string& err) {
  for (const Value& l : SplitLines(err)) {
    const std::string& s = l.as_string();
    if (s.rfind("sysctl: setting key \"", 0) == 0 &&
        (s.size() > 23 &&
         (s.ends_with("\": Invalid argument") || s.ends_with("\": Read-only file system"))))
      return true;
  }
  return false;
}

std::string ReadOnlyNote(const std::string& err) {
  return err.find("Read-only file system") != std::string::npos ||
                 err.find("permission denied on key") != std::string::npos
             ? " (/proc/sys is read-only on this host, as in a container: the kernel setting "
               "cannot be changed from inside it)"
             : "";
}

class Sysctl : public Module {
 public:
  std::string_view Name() const override { return "sysctl"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {"key"}, {}},
        {"value", ArgType::kStr, {}, false, {"val"}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"reload", ArgType::kBool, Value(true), false, {}, {}},
        {"sysctl_set", ArgType::kBool, Value(false), false, {}, {}},
        {"ignoreerrors", ArgType::kBool, Value(false), false, {}, {}},
        {"sysctl_file", ArgType::kPath, Value("/etc/sysctl.conf"), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const bool present = ArgText(args, "state") == "present";
    std::optional<std::string> raw_value = OptionalArgText(args, "value");
    if (const Value* v = args.find("value"); v && v->is_bool())
      raw_value = v->as_bool() ? "1" : "0";
    if (present && !raw_value)
      return Failed("state is present but all of the following are missing: value");
    const std::string name = Strip(ArgText(args, "name"));
    if (name.empty()) return Failed("name cannot be blank");
    if (present && raw_value->empty()) return Failed("value cannot be blank");
    const std::string value = ParseValue(raw_value.value_or(""));
    const bool reload = args.find("reload")->as_bool();
    const bool sysctl_set = args.find("sysctl_set")->as_bool();
    const bool ignoreerrors = args.find("ignoreerrors")->as_bool();
    const std::string file = ArgText(args, "sysctl_file");

    Result<connection::ExecResult> r = ctx.Exec(
        "export LANG=C LC_ALL=C LC_MESSAGES=C\n"
        "command -v sysctl >/dev/null 2>&1 || { echo DROVER_NO_SYSCTL; exit 0; }\n"
        "if __v=$(sysctl -e -n " +
        ShellQuote(name) +
        " 2>/dev/null); then printf 'DROVER_PROC|%s\\n' \"$__v\" | tr '\\n' ' '; echo; fi\n"
        "if [ -f " +
        ShellQuote(file) + " ]; then echo DROVER_FILE; cat -- " + ShellQuote(file) + "; fi\n");
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_NO_SYSCTL", 0) == 0)
      return Failed("Failed to find required executable \"sysctl\" on the host (package procps)");
    const std::optional<std::string> proc = TaggedLine(out, "DROVER_PROC");
    const size_t file_at = out.find("DROVER_FILE\n");
    const std::string text = file_at == std::string::npos ? "" : out.substr(file_at + 12);

    // read_sysctl_file and fix_lines
    std::optional<std::string> file_value;
    std::vector<std::string> lines, fixed, checked;
    for (const Value& l : SplitLines(text)) lines.push_back(Strip(l.as_string()));
    for (const std::string& line : lines) {
      if (!IsSetting(line)) continue;
      size_t eq = line.find('=');
      if (Strip(line.substr(0, eq)) == name) file_value = Strip(line.substr(eq + 1));
    }
    for (const std::string& line : lines) {
      if (!IsSetting(line)) {
        fixed.push_back(line);
        continue;
      }
      size_t eq = line.find('=');
      const std::string k = Strip(line.substr(0, eq)), v = Strip(line.substr(eq + 1));
      if (std::find(checked.begin(), checked.end(), k) != checked.end()) continue;
      checked.push_back(k);
      if (k != name)
        fixed.push_back(k + "=" + v);
      else if (present)
        fixed.push_back(k + "=" + value);
    }
    if (present && std::find(checked.begin(), checked.end(), name) == checked.end())
      fixed.push_back(name + "=" + value);

    auto equal = [](const std::optional<std::string>& a, const std::string& b) {
      return a && PySplit(*a) == PySplit(b);
    };
    bool changed = false, write_file = false, set_proc = false;
    if (!file_value && present) {
      changed = write_file = true;
    } else if (!file_value) {
      changed = false;
    } else if (!file_value->empty() && !present) {
      changed = write_file = true;
    } else if (*file_value != value) {
      changed = write_file = true;
    } else if (reload && !equal(proc, value)) {
      changed = true;
    }
    if (sysctl_set && present) {
      if (!proc) {
        changed = true;
      } else if (!equal(proc, value)) {
        changed = set_proc = true;
      }
    }
    if (ctx.check_mode || !changed) return Map{{"changed", changed}};

    std::string script = "export LANG=C LC_ALL=C LC_MESSAGES=C\n";
    std::optional<std::string> stdin_data;
    if (set_proc) {
      // Ansible stops at a failed set, before the file is written.
      script += "__o=$(sysctl " + std::string(ignoreerrors ? "-e " : "") + "-w " +
                ShellQuote(name + "=" + value) +
                " 2>&1); __rc=$?\n"
                "printf 'DROVER_SET|%s\\n%s\\nDROVER_SET_END\\n' \"$__rc\" \"$__o\"\n"
                "[ $__rc -eq 0 ] || exit 0\n"
                "printf '%s\\n' \"$__o\" | grep -Eq '^sysctl: setting key \"[^\"]+\": (Invalid "
                "argument|Read-only file system)$' && exit 0\n";
    }
    if (write_file) {
      std::string content;
      for (const std::string& l : fixed) content += Strip(l) + "\n";
      script += "(" + connection::AtomicInstallScript(file, {}, connection::DigestOf(content)) +
                ") || exit 1\n";
      stdin_data = content;
    }
    if (reload)
      script += "__o=$(sysctl " + std::string(ignoreerrors ? "-e " : "") + "-p " +
                ShellQuote(file) +
                " 2>&1); __rc=$?\n"
                "printf 'DROVER_RELOAD|%s\\n%s\\nDROVER_RELOAD_END\\n' \"$__rc\" \"$__o\"\n";
    Result<connection::ExecResult> w = ctx.Exec(script, stdin_data);
    if (!w) return w.take_error();
    const std::string& o = w->stdout_data;
    auto block = [&](const std::string& tag) {
      size_t b = o.find(tag + "|");
      if (b == std::string::npos) return std::pair<int, std::string>(0, "");
      size_t nl = o.find('\n', b);
      int rc = std::atoi(o.substr(b + tag.size() + 1, nl - b - tag.size() - 1).c_str());
      size_t e = o.find("\n" + tag + "_END\n", nl);
      return std::pair<int, std::string>(rc, o.substr(nl + 1, e - nl - 1));
    };
    if (set_proc) {
      auto [rc, text_out] = block("DROVER_SET");
      if (rc != 0 || StderrFailed(text_out))
        return Failed("setting " + name + " failed: " + text_out + "\n" + ReadOnlyNote(text_out));
    }
    if (w->exit_status != 0) return Failed("Failed to write " + file + ": " + w->stderr_data);
    if (reload) {
      auto [rc, text_out] = block("DROVER_RELOAD");
      if (rc != 0 || StderrFailed(text_out))
        return Failed("Failed to reload sysctl: " + text_out + "\n" + ReadOnlyNote(text_out));
    }
    return Map{{"changed", true}};
  }
};

}  // namespace

const Module& SysctlModule() {
  static const Sysctl m;
  return m;
}

}  // namespace drover::modules
