// group (ansible.builtin.group) without Python on the host: `getent group`
// decides, groupadd/groupmod/groupdel act, in one round trip that queries
// and (outside check mode) changes only when the group differs. Results are
// Ansible's: name, state, changed, system and gid when the group exists,
// stdout/stderr when the command printed any.
//
// Partial: local=true (lgroupadd) is not implemented (clear failure).
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class Group : public Module {
 public:
  std::string_view Name() const override { return "group"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"gid", ArgType::kInt, {}, false, {}, {}},
        {"system", ArgType::kBool, Value(false), false, {}, {}},
        {"local", ArgType::kBool, Value(false), false, {}, {}},
        {"non_unique", ArgType::kBool, Value(false), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name");
    const std::string state = ArgText(args, "state");
    const std::string gid = ArgText(args, "gid");
    const bool system = args.find("system")->as_bool();
    const bool non_unique = args.find("non_unique")->as_bool();
    if (args.find("local")->as_bool())
      return Failed("group: local=true is not implemented by drover yet");
    if (non_unique && gid.empty())
      return Failed("non_unique is True but all of the following are missing: gid");

    // The command is decided on the host from the group's entry, so that
    // one round trip both checks and changes.
    const std::string n = ShellQuote(name);
    std::vector<std::string> add = {"groupadd"};
    if (!gid.empty()) {
      add.insert(add.end(), {"-g", gid});
      if (non_unique) add.push_back("-o");
    }
    if (system) add.push_back("-r");
    add.push_back(name);
    auto words = [](const std::vector<std::string>& w) {
      std::string out;
      for (const std::string& x : w) out += (out.empty() ? "" : " ") + ShellQuote(x);
      return out;
    };
    std::string act;  // sets __cmd (empty: nothing to do)
    if (state == "absent") {
      act = "if [ -n \"$__e\" ]; then __cmd=" + ShellQuote(words({"groupdel", name})) + "; fi\n";
    } else {
      act = "if [ -z \"$__e\" ]; then __cmd=" + ShellQuote(words(add)) + "; echo DROVER_NEW\n";
      if (!gid.empty()) {
        std::vector<std::string> mod = {"groupmod", "-g", gid};
        if (non_unique) mod.push_back("-o");
        mod.push_back(name);
        act += "elif [ \"$(printf '%s' \"$__e\" | cut -d: -f3)\" != " + ShellQuote(gid) +
               " ]; then __cmd=" + ShellQuote(words(mod)) + "\n";
      }
      act += "fi\n";
    }
    std::string script = "__e=$(getent group " + n + "); __cmd=\n" + act +
                         "if [ -n \"$__cmd\" ]; then\n  echo DROVER_CHANGE\n";
    if (!ctx.check_mode) {
      script +=
          "  __o=$(mktemp) || exit 1\n"
          "  eval \"$__cmd\" >\"$__o\"; __rc=$?\n"
          "  printf 'DROVER_RC|%d\\nDROVER_OUT\\n' $__rc; cat \"$__o\"; printf "
          "'\\nDROVER_OUT_END\\n'; rm -f \"$__o\"\n"
          "  __e=$(getent group " +
          n + ")\n";
    }
    script += "fi\n[ -n \"$__e\" ] && printf 'DROVER_GROUP|%s\\n' \"$__e\"\nexit 0\n";

    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (r->exit_status != 0) return Failed("group: the host failed: " + r->stderr_data);
    const bool change = out.find("DROVER_CHANGE\n") != std::string::npos;
    if (ctx.check_mode && change &&
        (state == "absent" || out.find("DROVER_NEW\n") != std::string::npos))
      return Map{{"changed", true}};
    int rc = 0;
    std::string cmd_out;
    if (size_t at = out.find("DROVER_RC|"); at != std::string::npos) {
      rc = std::atoi(out.c_str() + at + 10);
      size_t b = out.find("DROVER_OUT\n", at), e = out.find("\nDROVER_OUT_END\n", at);
      if (b != std::string::npos && e != std::string::npos && e >= b + 11)
        cmd_out = out.substr(b + 11, e - b - 11);
    }
    if (rc != 0)
      return Map{{"failed", true},
                 {"changed", false},
                 {"name", Value(name)},
                 {"msg", Value(r->stderr_data)}};
    Map result{{"name", Value(name)}, {"state", Value(state)}, {"changed", change}};
    if (!cmd_out.empty()) result.set("stdout", Value(cmd_out));
    if (!r->stderr_data.empty()) result.set("stderr", Value(r->stderr_data));
    if (size_t at = out.find("DROVER_GROUP|"); at != std::string::npos) {
      size_t nl = out.find('\n', at);
      std::string entry = out.substr(at + 13, nl == std::string::npos ? nl : nl - at - 13);
      // name:passwd:gid:members
      size_t c1 = entry.find(':'), c2 = entry.find(':', c1 + 1), c3 = entry.find(':', c2 + 1);
      if (c1 != std::string::npos && c2 != std::string::npos) {
        result.set("system", system);
        result.set(
            "gid",
            Value(static_cast<int64_t>(std::atoll(entry.substr(c2 + 1, c3 - c2 - 1).c_str()))));
      }
    }
    return result;
  }
};

}  // namespace

const Module& GroupModule() {
  static const Group m;
  return m;
}

}  // namespace drover::modules
