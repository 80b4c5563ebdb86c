// iptables (ansible.builtin.iptables) without Python on the host: the rule
// is built exactly as Ansible's construct_rule builds it, and decided as
// Ansible decides: `iptables -C` says whether the rule is present (iptables
// itself normalizes the rule, which a text comparison of `-S` would have to
// imitate), `-L CHAIN` whether the chain exists and its policy. One round
// trip queries and (outside check mode) changes only when the state
// differs. Results are Ansible's: changed, failed, ip_version, table, chain,
// flush, rule, state, chain_management.
//
// Only hosts with a network of their own may get these tasks (the local
// VMs booted with a 10.213.x.y address, see README).
#include <algorithm>

#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/host_steps.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::vector<std::string> TextList(const Map& args, const char* key) {
  std::vector<std::string> out;
  const Value* v = args.find(key);
  if (v == nullptr || v->is_null()) return out;
  for (const Value& item : v->as_list()) {
    if (item.is_string()) {
      out.push_back(item.as_string());
    } else if (item.is_int()) {
      out.push_back(std::to_string(item.as_int()));
    } else {
      out.push_back(ToJson(item));
    }
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Ansible's construct_rule, argument for argument.
std::vector<std::string> ConstructRule(const Map& a) {
  std::vector<std::string> rule;
  auto opt = [&](const char* key) { return OptionalArgText(a, key); };
  auto param = [&](const std::optional<std::string>& v, const char* flag) {
    if (!v) return;
    if (!v->empty() && (*v)[0] == '!') {
      rule.insert(rule.end(), {"!", flag, v->substr(1)});
    } else {
      rule.insert(rule.end(), {flag, *v});
    }
  };
  auto match = [&](bool on, const char* name) {
    if (on) rule.insert(rule.end(), {"-m", name});
  };
  auto csv = [&](const std::vector<std::string>& v, const char* flag) {
    if (v.empty()) return;
    std::string joined;
    for (const std::string& x : v) joined += (joined.empty() ? "" : ",") + x;
    rule.insert(rule.end(), {flag, joined});
  };
  auto match_flag = [&](const std::optional<std::string>& v, const char* flag, bool negatable) {
    if (v == "match") rule.push_back(flag);
    if (negatable && v == "negate") rule.insert(rule.end(), {"!", flag});
  };
  const std::vector<std::string> matches = TextList(a, "match");
  const std::vector<std::string> ctstate = TextList(a, "ctstate");
  const std::vector<std::string> dports = TextList(a, "destination_ports");
  const auto jump = opt("jump");

  if (auto w = opt("wait"); w && !w->empty()) rule.insert(rule.end(), {"-w", *w});
  param(opt("protocol"), "-p");
  param(opt("source"), "-s");
  param(opt("destination"), "-d");
  for (const std::string& m : matches) param(m, "-m");
  if (const Value* tf = a.find("tcp_flags"); tf != nullptr && tf->is_map()) {
    const Map& m = tf->as_map();
    const Value* flags = m.find("flags");
    const Value* set = m.find("flags_set");
    if (flags && set && flags->is_list() && set->is_list()) {
      auto join = [](const Value& l) {
        std::string s;
        for (const Value& x : l.as_list()) s += (s.empty() ? "" : ",") + x.as_string();
        return s;
      };
      rule.insert(rule.end(), {"--tcp-flags", join(*flags), join(*set)});
    }
  }
  param(jump, "-j");
  if (jump && (*jump == "TEE" || *jump == "tee")) param(opt("gateway"), "--gateway");
  param(opt("log_prefix"), "--log-prefix");
  param(opt("log_level"), "--log-level");
  param(opt("to_destination"), "--to-destination");
  match(!dports.empty(), "multiport");
  csv(dports, "--dports");
  param(opt("to_source"), "--to-source");
  param(opt("goto"), "-g");
  param(opt("in_interface"), "-i");
  param(opt("out_interface"), "-o");
  param(opt("fragment"), "-f");
  param(opt("set_counters"), "-c");
  param(opt("source_port"), "--source-port");
  param(opt("destination_port"), "--destination-port");
  param(opt("to_ports"), "--to-ports");
  param(opt("set_dscp_mark"), "--set-dscp");
  param(opt("set_dscp_mark_class"), "--set-dscp-class");
  match_flag(opt("syn"), "--syn", true);
  if (Contains(matches, "conntrack")) {
    csv(ctstate, "--ctstate");
  } else if (Contains(matches, "state")) {
    csv(ctstate, "--state");
  } else if (!ctstate.empty()) {
    match(true, "conntrack");
    csv(ctstate, "--ctstate");
  }
  const auto src_range = opt("src_range"), dst_range = opt("dst_range");
  if (Contains(matches, "iprange")) {
    param(src_range, "--src-range");
    param(dst_range, "--dst-range");
  } else if (src_range || dst_range) {
    match(true, "iprange");
    param(src_range, "--src-range");
    param(dst_range, "--dst-range");
  }
  const auto match_set = opt("match_set");
  if (Contains(matches, "set") || match_set) {
    if (!Contains(matches, "set")) match(true, "set");
    param(match_set, "--match-set");
    // Ansible passes its arguments swapped here: the flags never print.
  }
  const auto limit = opt("limit"), burst = opt("limit_burst");
  match(limit || burst, "limit");
  param(limit, "--limit");
  param(burst, "--limit-burst");
  const auto uid = opt("uid_owner"), gid = opt("gid_owner");
  match(uid.has_value(), "owner");
  match_flag(uid, "--uid-owner", true);
  param(uid, "--uid-owner");
  match(gid.has_value(), "owner");
  match_flag(gid, "--gid-owner", true);
  param(gid, "--gid-owner");
  const auto reject_with = opt("reject_with");
  if (!jump && reject_with) rule.insert(rule.end(), {"-j", "REJECT"});
  param(reject_with, "--reject-with");
  param(opt("icmp_type"), ArgText(a, "ip_version") == "ipv6" ? "--icmpv6-type" : "--icmp-type");
  const auto comment = opt("comment");
  match(comment.has_value(), "comment");
  param(comment, "--comment");
  return rule;
}

std::string Words(const std::vector<std::string>& w) {
  std::string s;
  for (const std::string& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

class Iptables : public Module {
 public:
  std::string_view Name() const override { return "iptables"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = [] {
      std::vector<ArgSpec> s = {
          {"table",
           ArgType::kStr,
           Value("filter"),
           false,
           {},
           {"filter", "nat", "mangle", "raw", "security"}},
          {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
          {"action", ArgType::kStr, Value("append"), false, {}, {"append", "insert"}},
          {"ip_version", ArgType::kStr, Value("ipv4"), false, {}, {"ipv4", "ipv6"}},
          {"match", ArgType::kList, Value(List{}), false, {}, {}},
          {"tcp_flags", ArgType::kDict, {}, false, {}, {}},
          {"log_level",
           ArgType::kStr,
           {},
           false,
           {},
           {"0", "1", "2", "3", "4", "5", "6", "7", "emerg", "alert", "crit", "error", "warning",
            "notice", "info", "debug"}},
          {"destination_ports", ArgType::kList, Value(List{}), false, {}, {}},
          {"ctstate", ArgType::kList, Value(List{}), false, {}, {}},
          {"match_set_flags", ArgType::kStr, {}, false, {}, {"src", "dst", "src,dst", "dst,src"}},
          {"syn", ArgType::kStr, Value("ignore"), false, {}, {"ignore", "match", "negate"}},
          {"flush", ArgType::kBool, Value(false), false, {}, {}},
          {"policy", ArgType::kStr, {}, false, {}, {"ACCEPT", "DROP", "QUEUE", "RETURN"}},
          {"chain_management", ArgType::kBool, Value(false), false, {}, {}},
      };
      for (const char* name : {"chain",        "rule_num",       "protocol",
                               "wait",         "source",         "to_source",
                               "destination",  "to_destination", "jump",
                               "gateway",      "log_prefix",     "goto",
                               "in_interface", "out_interface",  "fragment",
                               "set_counters", "source_port",    "destination_port",
                               "to_ports",     "set_dscp_mark",  "set_dscp_mark_class",
                               "comment",      "src_range",      "dst_range",
                               "match_set",    "limit",          "limit_burst",
                               "uid_owner",    "gid_owner",      "reject_with",
                               "icmp_type"}) {
        s.push_back({name, ArgType::kStr, {}, false, {}, {}});
      }
      return s;
    }();
    return spec;
  }

  Result<Map> Run(const Map& in, RunContext& ctx) const override {
    Map args = in;
    if (args.find("set_dscp_mark") && !args.find("set_dscp_mark")->is_null() &&
        args.find("set_dscp_mark_class") && !args.find("set_dscp_mark_class")->is_null())
      return Failed("parameters are mutually exclusive: set_dscp_mark|set_dscp_mark_class");
    const bool flush = args.find("flush")->as_bool();
    const auto policy = OptionalArgText(args, "policy");
    if (flush && policy) return Failed("parameters are mutually exclusive: flush|policy");
    const auto jump = OptionalArgText(args, "jump");
    if ((jump == "TEE" || jump == "tee") && !OptionalArgText(args, "gateway"))
      return Failed("jump is " + *jump + " but all of the following are missing: gateway");
    const auto chain = OptionalArgText(args, "chain");
    if (!flush && !chain) return Failed("Either chain or flush parameter must be specified.");
    if (OptionalArgText(args, "log_prefix") || OptionalArgText(args, "log_level")) {
      if (!jump) {
        args.set("jump", Value("LOG"));
      } else if (*jump != "LOG") {
        return Failed("Logging options can only be used with the LOG jump target.");
      }
    }

    const std::string ip_version = ArgText(args, "ip_version");
    const std::string table = ArgText(args, "table");
    const std::string state = ArgText(args, "state");
    const std::vector<std::string> rule = ConstructRule(args);
    Map result{{"changed", false},
               {"failed", false},
               {"ip_version", Value(ip_version)},
               {"table", Value(table)},
               {"chain", chain ? Value(*chain) : Value()},
               {"flush", flush},
               {"rule", Value(Words(rule))},
               {"state", Value(state)},
               {"chain_management", args.find("chain_management")->as_bool()}};

    const std::string bin = ip_version == "ipv6" ? "ip6tables" : "iptables";
    auto cmd = [&](const std::string& action, bool with_rule) {
      std::vector<std::string> c = {"\"$__ipt\"", "-t", ShellQuote(table), action};
      if (chain) c.push_back(ShellQuote(*chain));
      if (action == "-I") {
        if (auto num = OptionalArgText(args, "rule_num")) c.push_back(ShellQuote(*num));
      }
      if (with_rule) {
        for (const std::string& w : rule) c.push_back(ShellQuote(w));
      }
      return Words(c);
    };
    // `__step CMD || exit 0`: a failed command ends the script (reported).
    auto step = [&](const std::string& command) { return "__step " + command + " || exit 0\n"; };
    const std::string list_chain = "\"$__ipt\" -t " + ShellQuote(table) + " -L " +
                                   ShellQuote(chain.value_or("")) + " 2>/dev/null";
    std::string script = "PATH=$PATH:/usr/sbin:/sbin\n" + HostStepFunction() +
                         "__ipt=$(command -v " + bin + ") || { echo DROVER_MISSING; exit 0; }\n";
    // Each branch reports what it found, then changes only what differs.
    const bool check = ctx.check_mode;
    const bool manage_chain = args.find("chain_management")->as_bool();
    std::string mode;
    if (flush) {
      mode = "flush";
      if (!check) script += step(cmd("-F", false));
    } else if (policy) {
      mode = "policy";
      script += step(cmd("-L", false));
      if (!check)
        script += "__cur=$(" + list_chain +
                  " | head -n 1 | sed -n 's/.*(policy \\([A-Z]*\\)).*/\\1/p')\n"
                  "[ -z \"$__cur\" ] || [ \"$__cur\" = " +
                  ShellQuote(*policy) + " ] || " +
                  step(cmd("-P", false) + " " + ShellQuote(*policy));
    } else if (state == "absent" && rule.empty()) {
      mode = "chain";
      script += "if " + list_chain + " >/dev/null; then\n  echo DROVER_CHAIN\n";
      if (!check && manage_chain) script += "  " + step(cmd("-X", false));
      script += "fi\n";
    } else {
      mode = "rule";
      const bool want = state == "present";
      script += "if " + cmd("-C", true) +
                " >/dev/null 2>&1; then __p=1; echo DROVER_PRESENT; else __p=0; fi\n";
      if (!check) {
        script += std::string("if [ $__p = ") + (want ? "0" : "1") + " ]; then\n";
        if (want && manage_chain)
          script += "  " + list_chain + " >/dev/null || " + step(cmd("-N", false));
        if (want) {
          script += "  " + step(cmd(ArgText(args, "action") == "insert" ? "-I" : "-A", true));
        } else {
          script += "  " + step(cmd("-D", true));
        }
        script += "fi\n";
      }
    }

    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    if (r->exit_status != 0) return Failed("iptables: the host failed: " + r->stderr_data);
    const HostSteps out = ParseHostSteps(r->stdout_data);
    if (out.HasMarker("DROVER_MISSING"))
      return Failed("iptables: '" + bin +
                    "' is missing on this host (install the iptables package)");
    for (const HostStep& s : out.steps) {
      if (s.rc != 0) {
        std::string msg = s.err;
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        return Map{{"failed", true},
                   {"changed", false},
                   {"rc", Value(static_cast<int64_t>(s.rc))},
                   {"stdout", Value(s.out)},
                   {"stderr", Value(s.err)},
                   {"msg", Value(msg)}};
      }
    }
    bool changed = false;
    if (mode == "flush") {
      changed = true;
    } else if (mode == "policy") {
      // The first line of `-L CHAIN`: "Chain INPUT (policy ACCEPT)".
      std::string cur;
      const std::string head =
          out.steps.empty() ? "" : out.steps[0].out.substr(0, out.steps[0].out.find('\n'));
      if (size_t at = head.find("(policy "); at != std::string::npos)
        cur = head.substr(at + 8, head.find(')', at) - at - 8);
      if (cur.empty()) return Failed("Can't detect current policy");
      changed = cur != *policy;
    } else if (mode == "chain") {
      changed = out.HasMarker("DROVER_CHAIN");
    } else {
      changed = out.HasMarker("DROVER_PRESENT") != (state == "present");
    }
    result.set("changed", changed);
    return result;
  }
};

}  // namespace

const Module& IptablesModule() {
  static const Iptables m;
  return m;
}

}  // namespace drover::modules
