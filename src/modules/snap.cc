// snap (community.general.snap): snaps installed, removed, enabled or
// disabled with the host's `snap`. One round trip checks that snapd
// answers and runs `snap list NAME` for each name (installed: rc 0;
// disabled: "disabled" among the notes, the sixth column of its second
// line); the controller picks the snaps to act on as the module does and,
// outside check mode, a second round trip runs `snap install|remove|enable|
// disable` (one command per snap when classic or a channel other than
// stable is asked for several snaps, as the module splits them). Results
// carry the module's keys (classic, channel, snaps_installed/removed/
// enabled/disabled, cmd, rc, stdout, stderr, cmd_args, force_lang).
//
// Where snapd cannot answer (not installed, or not running, as in
// containers such as the systemd-nspawn test hosts), the task fails with
// a message naming the host and the reason, before any change.
//
// Partial: `options` (snap set) is not implemented (a clear failure); the
// paths through a running snapd are untested here (no host can run it).
#include <map>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// The probe: snap's path, snapd's socket, then `snap list NAME` for each
// name given as "$@".
constexpr const char* kSnapProbe = R"SH(
H=$(uname -n)
SNAP=$(command -v snap) || fail "Failed to find required executable \"snap\" in paths: $PATH (snapd is not installed on $H)"
why=""
if [ ! -S /run/snapd.socket ]; then
  why="snapd is not running on $H (no socket /run/snapd.socket)"
  v=$(systemd-detect-virt -c 2>/dev/null) && [ "$v" != none ] &&
    why="$why: $H is a container ($v), where snapd cannot run (it needs squashfs mounts and AppArmor)"
  fail "$why"
fi
run "$SNAP" version
[ "$RC" = 0 ] || fail "snapd does not answer on $H: $(printf %s "$ERR" | head -n 3)"
field snap "$SNAP"
for n in "$@"; do
  run "$SNAP" list "$n"
  field "rc" "$RC"; field "stdout" "$OUT"; field "stderr" "$ERR"
done
)SH";

struct Probe {
  std::string rc, stdout_text, stderr_text;
};

// Whether `snap list` output shows the snap disabled; nullopt when the
// line cannot be parsed (the module's "Unable to parse" failure).
std::optional<bool> Disabled(const std::string& out) {
  List lines = SplitLines(out);
  if (lines.size() < 2) return std::nullopt;
  std::vector<std::string> cols;
  std::string word;
  for (char c : lines[1].as_string() + " ") {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) cols.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (cols.size() < 6) return std::nullopt;
  std::string notes = cols[5] + ",";
  for (size_t at = 0, comma; (comma = notes.find(',', at)) != std::string::npos; at = comma + 1)
    if (notes.substr(at, comma - at) == "disabled") return true;
  return false;
}

class Snap : public Module {
 public:
  std::string_view Name() const override { return "snap"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kList, {}, true, {}, {}},
        {"state",
         ArgType::kStr,
         Value("present"),
         false,
         {},
         {"absent", "present", "enabled", "disabled"}},
        {"classic", ArgType::kBool, Value(false), false, {}, {}},
        {"channel", ArgType::kStr, Value("stable"), false, {}, {}},
        {"options", ArgType::kList, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (const Value* o = args.find("options"); o && !o->is_null())
      return Failed("snap: options (snap set) is not implemented by drover yet");
    std::vector<std::string> names;
    for (const Value& v : args.find("name")->as_list()) names.push_back(v.as_string());
    const std::string state = ArgText(args, "state");
    const std::string channel = ArgText(args, "channel");
    const bool classic = args.find("classic")->as_bool();

    Result<connection::ExecResult> r =
        ctx.Exec(HostScriptPrelude(true) + "set -- " + ShellJoin(names) + "\n" + kSnapProbe);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    auto snap = FieldValue(f, "snap");
    if (!snap) return Failed("snap: the host failed: " + RStrip(r->stderr_data));
    std::vector<Probe> probes;
    for (const auto& [name, value] : f) {
      if (name == "rc") probes.push_back({value, "", ""});
      if (name == "stdout" && !probes.empty()) probes.back().stdout_text = value;
      if (name == "stderr" && !probes.empty()) probes.back().stderr_text = value;
    }
    if (probes.size() != names.size()) return Failed("snap: the host's answer was incomplete");

    Map result{{"force_lang", "C"}};
    auto publish = [&](const std::string& rc, const std::string& out, const std::string& err,
                       const std::vector<std::string>& cmd_args) {
      result.set("rc", Value(static_cast<int64_t>(std::stoll(rc))));
      result.set("stdout", Value(out));
      result.set("stderr", Value(err));
      List l;
      for (const std::string& a : cmd_args) l.push_back(Value(a));
      result.set("cmd_args", Value(std::move(l)));
    };
    std::vector<std::string> actionable;
    for (size_t i = 0; i < names.size(); ++i) {
      const Probe& p = probes[i];
      publish(p.rc, p.stdout_text, p.stderr_text, {*snap, "list", names[i]});
      const bool installed = p.rc == "0";
      bool act = false;
      if (state == "present") act = !installed;
      if (state == "absent") act = installed;
      if (state == "enabled" || state == "disabled") {
        std::optional<bool> disabled;
        if (installed) {
          disabled = Disabled(p.stdout_text);
          if (!disabled)
            return Failed("Unable to parse 'snap list " + names[i] + "' output:\n" + p.stdout_text);
        }
        // Not installed: the module's is_snap_enabled gives None.
        act = state == "enabled" ? !(installed && !*disabled) : (installed && !*disabled);
      }
      if (act) actionable.push_back(names[i]);
    }
    if (state == "present") {
      result.set("classic", classic);
      result.set("channel", Value(channel));
    }
    if (actionable.empty()) {
      result.set("changed", false);
      return result;
    }
    static const std::map<std::string, std::pair<std::string, std::string>> verbs = {
        {"present", {"install", "snaps_installed"}},
        {"absent", {"remove", "snaps_removed"}},
        {"enabled", {"enable", "snaps_enabled"}},
        {"disabled", {"disable", "snaps_disabled"}}};
    const auto& [verb, key] = verbs.at(state);
    List acted;
    for (const std::string& n : actionable) acted.push_back(Value(n));
    result.set(key, Value(std::move(acted)));
    result.set("changed", true);
    if (ctx.check_mode) return result;

    // The module's argument order: install takes state, classic, channel;
    // the others classic, channel, state.
    std::vector<std::string> flags;
    if (classic) flags.push_back("--classic");
    if (channel != "stable") flags.insert(flags.end(), {"--channel", channel});
    std::vector<std::vector<std::string>> commands;
    auto command_for = [&, verb = verb](const std::vector<std::string>& snaps) {
      std::vector<std::string> c{*snap};
      if (state == "present") {
        c.push_back(verb);
        c.insert(c.end(), flags.begin(), flags.end());
      } else {
        c.insert(c.end(), flags.begin(), flags.end());
        c.push_back(verb);
      }
      c.insert(c.end(), snaps.begin(), snaps.end());
      return c;
    };
    std::vector<std::vector<std::string>> snap_groups;
    if (state == "present" && !flags.empty() && actionable.size() > 1) {
      for (const std::string& n : actionable) snap_groups.push_back({n});
    } else {
      snap_groups.push_back(actionable);
    }
    for (const auto& g : snap_groups) commands.push_back(command_for(g));
    std::string s = HostScriptPrelude(true);
    for (const auto& c : commands)
      s += "run " + ShellJoin(c) +
           "\nfield rc \"$RC\"; field stdout \"$OUT\"; field stderr \"$ERR\"\n";
    Result<connection::ExecResult> a = ctx.Exec(s);
    if (!a) return a.take_error();
    HostFields af = ParseHostFields(a->stdout_data);
    std::string joined, first_bad_rc = "0", outs, errs;
    std::vector<std::string> rcs, stdouts, stderrs;
    for (const auto& [name, value] : af) {
      if (name == "rc") rcs.push_back(value);
      if (name == "stdout") stdouts.push_back(value);
      if (name == "stderr") stderrs.push_back(value);
    }
    if (rcs.size() != commands.size() || stdouts.size() != rcs.size() ||
        stderrs.size() != rcs.size())
      return Failed("snap: the host failed: " + RStrip(a->stderr_data));
    for (size_t i = 0; i < commands.size(); ++i) {
      joined += (i ? "; " : "") + ParamsRepr(state, snap_groups[i]);
      if (first_bad_rc == "0" && rcs[i] != "0") first_bad_rc = rcs[i];
      outs += (i ? "\n" : "") + stdouts[i];
      errs += (i ? "\n" : "") + stderrs[i];
      publish(rcs[i], stdouts[i], stderrs[i], commands[i]);
    }
    result.set("cmd", Value(joined));
    if (first_bad_rc == "0") return result;
    std::string msg;
    const std::string classic_prefix = "error: This revision of snap \"";
    if (state == "present" && errs.rfind(classic_prefix, 0) == 0 &&
        errs.find("\" was published using classic confinement") != std::string::npos) {
      std::string pkg = errs.substr(classic_prefix.size());
      pkg = pkg.substr(0, pkg.find('"'));
      msg = "Couldn't install " + pkg + " because it requires classic confinement";
    } else {
      msg = std::string("Ooops! Snap ") + (state == "present" ? "installation" : "operation") +
            " failed while executing '" + joined +
            "', please examine logs and error output for more details.";
    }
    result.set("failed", true);
    result.set("msg", Value(msg));
    return result;
  }

 private:
  // The module's `cmd`: its _run_multiple_commands joins str() of each
  // command's parameter list, e.g. "['state', 'classic', 'channel',
  // {'actionable_snaps': ['hello']}]".
  static std::string ParamsRepr(const std::string& state, const std::vector<std::string>& snaps) {
    std::string out = state == "present" ? "['state', 'classic', 'channel', "
                                         : "['classic', 'channel', 'state', ";
    out += "{'actionable_snaps': [";
    for (size_t i = 0; i < snaps.size(); ++i) out += (i ? ", '" : "'") + snaps[i] + "'";
    return out + "]}]";
  }
};

}  // namespace

const Module& SnapModule() {
  static const Snap m;
  return m;
}

}  // namespace drover::modules
