// ufw (community.general.ufw) without Python in drover (ufw itself is a
// Python program: a host that has ufw has python3). The module is a
// sequence of ufw commands, exactly Ansible's: `ufw status verbose` and the
// `### tuple` lines of the user rules before, then each of state, default,
// rule, logging given (rules with --dry-run in check mode), then status and
// rules again; changed as Ansible decides it (pre/post comparison; in check
// mode from the status and the dry run). One round trip runs them all.
// Results are Ansible's: changed, commands (the command lines run), msg
// (the final `ufw status verbose`, not in check mode).
//
// Partial: insert_relative_to other than "zero" is refused (not
// implemented); `comment` is always passed (ufw >= 0.35, Debian has 0.36).
// Only hosts with a network of their own may get these tasks (see README).
#include <cctype>
#include <map>
#include <regex>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_steps.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

const char* const kRulesFiles =
    " -h '^### tuple' /lib/ufw/user.rules /lib/ufw/user6.rules /etc/ufw/user.rules "
    "/etc/ufw/user6.rules /var/lib/ufw/user.rules /var/lib/ufw/user6.rules";

const std::regex& Ipv4() {
  static const std::regex r(
      R"(((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))");
  return r;
}
const std::regex& Ipv6() {
  static const std::regex r(
      R"((([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:)"
      R"(|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5})"
      R"((:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}))"
      R"({1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F])"
      R"({1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F])"
      R"({1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}))"
      R"({0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4])"
      R"(|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1})"
      R"([0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1})"
      R"([0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])))");
  return r;
}

bool StartsWith(const std::regex& r, const std::string& s) {
  return std::regex_search(s, r, std::regex_constants::match_continuous);
}

// Lines (with their ends) of `text` that `keep` accepts, joined.
template <class Pred>
std::string KeepLines(const std::string& text, Pred keep) {
  std::string out;
  for (const std::string& line : LinesKeepEnds(text))
    if (keep(line)) out += line;
  return out;
}

std::string Rstrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// One ufw invocation: the words after the binary, as Ansible joins them.
struct UfwCommand {
  std::string text;  // "status verbose", "-f enable", "--dry-run allow ..."
  std::string key;   // state, default, rule, logging, version, status
};

class Ufw : public Module {
 public:
  std::string_view Name() const override { return "ufw"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state", ArgType::kStr, {}, false, {}, {"enabled", "disabled", "reloaded", "reset"}},
        {"default", ArgType::kStr, {}, false, {"policy"}, {"allow", "deny", "reject"}},
        {"logging", ArgType::kStr, {}, false, {}, {"full", "high", "low", "medium", "off", "on"}},
        {"direction",
         ArgType::kStr,
         {},
         false,
         {},
         {"in", "incoming", "out", "outgoing", "routed"}},
        {"delete", ArgType::kBool, Value(false), false, {}, {}},
        {"route", ArgType::kBool, Value(false), false, {}, {}},
        {"insert", ArgType::kInt, {}, false, {}, {}},
        {"insert_relative_to",
         ArgType::kStr,
         Value("zero"),
         false,
         {},
         {"zero", "first-ipv4", "last-ipv4", "first-ipv6", "last-ipv6"}},
        {"rule", ArgType::kStr, {}, false, {}, {"allow", "deny", "limit", "reject"}},
        {"interface", ArgType::kStr, {}, false, {"if"}, {}},
        {"interface_in", ArgType::kStr, {}, false, {"if_in"}, {}},
        {"interface_out", ArgType::kStr, {}, false, {"if_out"}, {}},
        {"log", ArgType::kBool, Value(false), false, {}, {}},
        {"from_ip", ArgType::kStr, Value("any"), false, {"from", "src"}, {}},
        {"from_port", ArgType::kStr, {}, false, {}, {}},
        {"to_ip", ArgType::kStr, Value("any"), false, {"dest", "to"}, {}},
        {"to_port", ArgType::kStr, {}, false, {"port"}, {}},
        {"proto",
         ArgType::kStr,
         {},
         false,
         {"protocol"},
         {"ah", "any", "esp", "ipv6", "tcp", "udp", "gre", "igmp"}},
        {"name", ArgType::kStr, {}, false, {"app"}, {}},
        {"comment", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    auto opt = [&](const char* key) { return OptionalArgText(args, key); };
    auto flag = [&](const char* key) { return args.find(key)->as_bool(); };
    // AnsibleModule's checks, in its order.
    int exclusive = 0;
    for (const char* k : {"name", "proto", "logging"}) exclusive += opt(k) ? 1 : 0;
    if (exclusive > 1) return Failed("parameters are mutually exclusive: name|proto|logging");
    if (opt("direction") && opt("interface_in"))
      return Failed("parameters are mutually exclusive: direction|interface_in");
    if (opt("direction") && opt("interface_out"))
      return Failed("parameters are mutually exclusive: direction|interface_out");
    if (!opt("state") && !opt("default") && !opt("rule") && !opt("logging"))
      return Failed("one of the following is required: state, default, rule, logging");
    if (opt("interface") && !opt("direction"))
      return Failed("missing parameter(s) required by 'interface': direction");

    const bool check = ctx.check_mode;
    const std::string dry = check ? "--dry-run " : "";
    std::vector<UfwCommand> cmds;
    bool changed_by_value = false;  // reloaded/reset, decided before running
    if (auto state = opt("state")) {
      if (*state == "reloaded" || *state == "reset") changed_by_value = true;
      static const std::map<std::string, std::string> verbs = {{"enabled", "enable"},
                                                               {"disabled", "disable"},
                                                               {"reloaded", "reload"},
                                                               {"reset", "reset"}};
      if (!check) cmds.push_back({"-f " + verbs.at(*state), "state"});
    }
    const auto direction = opt("direction");
    if (auto def = opt("default")) {
      if (direction && *direction != "outgoing" && *direction != "incoming" &&
          *direction != "routed")
        return Failed(
            "For default, direction must be one of \"outgoing\", \"incoming\" and \"routed\", or "
            "direction must not be specified.");
      if (!check)
        cmds.push_back({"default " + *def + (direction ? " " + *direction : ""), "default"});
    }
    if (auto rule = opt("rule")) {
      if (direction && *direction != "in" && *direction != "out")
        return Failed(
            "For rules, direction must be one of \"in\" and \"out\", or direction must not be "
            "specified.");
      if (!flag("route") && opt("interface_in") && opt("interface_out"))
        return Failed("Only route rules can combine interface_in and interface_out");
      if (opt("insert") && !flag("delete") && ArgText(args, "insert_relative_to") != "zero")
        return Failed("ufw: insert_relative_to other than 'zero' is not implemented by drover yet");
      std::string c = dry;
      if (flag("route")) c += "route ";
      if (flag("delete")) c += "delete ";
      if (auto ins = opt("insert"); ins && !flag("delete")) c += "insert " + *ins + " ";
      c += *rule;
      if (direction) c += " " + *direction;
      if (auto v = opt("interface")) c += " on " + *v;
      if (auto v = opt("interface_in")) c += " in on " + *v;
      if (auto v = opt("interface_out")) c += " out on " + *v;
      if (flag("log")) c += " log";
      if (auto v = opt("from_ip"); v && !v->empty()) c += " from " + *v;
      if (auto v = opt("from_port"); v && !v->empty()) c += " port " + *v;
      if (auto v = opt("to_ip"); v && !v->empty()) c += " to " + *v;
      if (auto v = opt("to_port"); v && !v->empty()) c += " port " + *v;
      if (auto v = opt("proto"); v && !v->empty()) c += " proto " + *v;
      if (auto v = opt("name"); v && !v->empty()) c += " app '" + *v + "'";
      if (auto v = opt("comment"); v && !v->empty()) c += " comment '" + *v + "'";
      cmds.push_back({"--version", "version"});
      cmds.push_back({c, "rule"});
    }
    if (auto logging = opt("logging")) {
      if (!check) cmds.push_back({"logging " + *logging, "logging"});
    }

    // The script: status and rules before, each command (stopping at the
    // first failure), status and rules after.
    std::string script = "PATH=$PATH:/usr/sbin:/sbin\nexport LANG=C\n" + HostStepFunction() +
                         "__ufw=$(command -v ufw) || { echo DROVER_MISSING ufw; exit 0; }\n"
                         "__grep=$(command -v grep) || { echo DROVER_MISSING grep; exit 0; }\n"
                         "echo \"DROVER_BINS|$__ufw|$__grep\"\n";
    auto ufw_step = [&](const std::string& text) -> Result<std::string> {
      Result<std::vector<std::string>> words = connection::ShellSplit(text);
      if (!words) return words.take_error();
      std::string line = "__step \"$__ufw\"";
      for (const std::string& w : *words) line += " " + connection::ShellQuote(w);
      return line + " || exit 0\n";
    };
    const std::string rules_step =
        "__step \"$__grep\" -h '^### tuple' /lib/ufw/user.rules "
        "/lib/ufw/user6.rules /etc/ufw/user.rules /etc/ufw/user6.rules "
        "/var/lib/ufw/user.rules /var/lib/ufw/user6.rules\n";
    script += "__step \"$__ufw\" status verbose || exit 0\n" + rules_step;
    for (const UfwCommand& c : cmds) {
      Result<std::string> line = ufw_step(c.text);
      if (!line) return Failed("ufw: " + line.error().message);
      script += *line;
    }
    if (!check) script += "__step \"$__ufw\" status verbose || exit 0\n" + rules_step;
    script += "exit 0\n";

    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    if (r->exit_status != 0) return Failed("ufw: the host failed: " + r->stderr_data);
    const HostSteps out = ParseHostSteps(r->stdout_data);
    for (const std::string& m : out.markers) {
      if (m.rfind("DROVER_MISSING ", 0) == 0)
        return Failed("ufw: '" + m.substr(15) +
                      "' is missing on this host (install the ufw package)");
    }
    std::string ufw_bin = "ufw", grep_bin = "grep";
    for (const std::string& m : out.markers) {
      if (m.rfind("DROVER_BINS|", 0) == 0) {
        const size_t bar = m.find('|', 12);
        ufw_bin = m.substr(12, bar - 12);
        grep_bin = m.substr(bar + 1);
      }
    }

    // The command lines, in the order run, as Ansible lists them.
    List commands;
    const std::string status_line = ufw_bin + " status verbose";
    const std::string rules_line = grep_bin + kRulesFiles;
    std::vector<std::string> lines = {status_line, rules_line};
    for (const UfwCommand& c : cmds) lines.push_back(ufw_bin + " " + c.text);
    size_t i = 0;
    for (; i < out.steps.size(); ++i) {
      if (i < lines.size()) commands.push_back(Value(lines[i]));
      // The rules' grep (before and after) may find no file.
      const bool ignore = i == 1 || i == 3 + cmds.size();
      if (out.steps[i].rc != 0 && !ignore) {
        const std::string msg = out.steps[i].err.empty() ? out.steps[i].out : out.steps[i].err;
        return Map{{"failed", true},
                   {"changed", false},
                   {"msg", Value(msg)},
                   {"commands", Value(commands)}};
      }
    }
    if (out.steps.size() < 2 + cmds.size()) return Failed("ufw: the host's answer is incomplete");
    const std::string pre_state = out.steps[0].out;
    const std::string pre_rules = out.steps[1].out;

    bool changed = changed_by_value;
    if (auto logging = opt("logging")) {
      static const std::regex re(R"(Logging: (on|off)(?: \(([a-z]+)\))?)");
      std::smatch m;
      if (std::regex_search(pre_state, m, re)) {
        const std::string on_off = m[1], level = m[2].matched ? m[2].str() : "";
        if (*logging != "off") {
          if (on_off == "off" || (*logging != "on" && *logging != level)) changed = true;
        } else if (on_off != "off") {
          changed = true;
        }
      } else {
        changed = true;
      }
    }
    if (check) {
      if (auto state = opt("state")) {
        const bool enabled = pre_state.find(" active") != std::string::npos;
        if ((*state == "disabled" && enabled) || (*state == "enabled" && !enabled)) changed = true;
      }
      if (auto def = opt("default")) {
        static const std::regex re(
            R"(Default: (deny|allow|reject) \(incoming\), (deny|allow|reject) \(outgoing\), (deny|allow|reject|disabled) \(routed\))");
        std::smatch m;
        if (std::regex_search(pre_state, m, re)) {
          const std::string dir = direction.value_or("incoming");
          const std::string cur = dir == "outgoing" ? m[2].str()
                                  : dir == "routed" ? m[3].str()
                                                    : m[1].str();
          if (cur != *def && cur != "disabled") changed = true;
        } else {
          changed = true;
        }
      }
      if (opt("rule")) {
        const std::string dry_out = out.steps.back().out;
        const std::vector<std::string> dry_lines = LinesKeepEnds(dry_out);
        size_t skipping = 0;
        for (const std::string& l : dry_lines)
          if (l.find("Skipping") != std::string::npos) ++skipping;
        if (!(skipping > 0 && skipping == dry_lines.size())) {
          const std::string tuples =
              KeepLines(dry_out, [](const std::string& l) { return l.rfind("### tuple", 0) == 0; });
          auto v4 = [](const std::string& l) { return std::regex_search(l, Ipv4()); };
          auto v6 = [](const std::string& l) { return std::regex_search(l, Ipv6()); };
          const std::string from = ArgText(args, "from_ip"), to = ArgText(args, "to_ip");
          if (StartsWith(Ipv4(), from) || StartsWith(Ipv4(), to)) {
            changed = changed || KeepLines(pre_rules, v4) != KeepLines(tuples, v4);
          } else if (StartsWith(Ipv6(), from) || StartsWith(Ipv6(), to)) {
            changed = changed || KeepLines(pre_rules, v6) != KeepLines(tuples, v6);
          } else {
            changed = changed || pre_rules != tuples;
          }
        }
      }
      return Map{{"changed", changed}, {"commands", Value(commands)}};
    }
    const HostStep& post_state = out.steps[out.steps.size() - 2];
    const HostStep& post_rules = out.steps.back();
    commands.push_back(Value(status_line));
    if (!changed) {
      commands.push_back(Value(rules_line));
      changed = pre_state != post_state.out || pre_rules != post_rules.out;
    }
    return Map{{"changed", changed},
               {"commands", Value(commands)},
               {"msg", Value(Rstrip(post_state.out))}};
  }
};

}  // namespace

const Module& UfwModule() {
  static const Ufw m;
  return m;
}

}  // namespace drover::modules
