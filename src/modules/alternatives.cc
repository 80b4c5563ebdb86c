// alternatives (community.general.alternatives): one round trip reads
// `update-alternatives --display NAME` (LC_ALL=C) and whether `path`
// exists; the output is parsed with the regexes of Ansible's module and the
// decision (install, set, auto, remove) made as it makes it; a second round
// trip, outside check mode and only when something differs, runs the same
// update-alternatives commands. Results are Ansible's: changed, msg, and
// diff (before/after filled with --diff, empty dicts otherwise).
#include <regex>

#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

struct Alternative {
  int64_t priority = 0;
  List subcommands;  // {name, path, link}
};

// What `update-alternatives --display` says (Ansible's parse()).
struct Display {
  std::string mode;  // "" when none was found
  std::optional<std::string> current_path, current_link;
  std::vector<std::pair<std::string, Alternative>> alternatives;  // in output order
  const Alternative* Find(const std::string& path) const {
    for (const auto& [p, a] : alternatives)
      if (p == path) return &a;
    return nullptr;
  }
};

std::optional<std::string> FirstGroup(const std::string& text, const char* pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern, std::regex::multiline))) return m[1].str();
  return std::nullopt;
}

Display ParseDisplay(const std::string& out, const std::optional<List>& given_subcommands) {
  Display d;
  std::optional<std::string> mode = FirstGroup(out, R"(\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$)");
  if (!mode) return d;
  d.mode = *mode;
  d.current_path = FirstGroup(out, R"(^\s*link currently points to (.*)$)");
  d.current_link = FirstGroup(out, R"(^\s*link \w+ is (.*)$)");
  std::vector<std::pair<std::string, std::string>> links;  // subcommand name -> link
  const std::regex link_re(R"(^\s*(?:slave|follower) (\S+) is (.*)$)", std::regex::multiline);
  for (auto it = std::sregex_iterator(out.begin(), out.end(), link_re);
       it != std::sregex_iterator(); ++it)
    links.emplace_back((*it)[1].str(), (*it)[2].str());
  if (links.empty() && given_subcommands)
    for (const Value& s : *given_subcommands)
      links.emplace_back(s.as_map().find("name")->as_string(),
                         s.as_map().find("link")->as_string());
  auto link_of = [&](const std::string& name) -> Value {
    Value found;
    for (const auto& [n, l] : links)
      if (n == name) found = Value(l);  // dict(): the last one wins
    return found;
  };
  const std::regex alt_re(
      R"(^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+(?:slave|follower).*)*))",
      std::regex::multiline);
  const std::regex sub_re(R"(^\s+(?:slave|follower) (.*): (.*)$)", std::regex::multiline);
  for (auto it = std::sregex_iterator(out.begin(), out.end(), alt_re); it != std::sregex_iterator();
       ++it) {
    Alternative a;
    a.priority = std::stoll((*it)[2].str());
    const std::string subs = (*it)[3].str();
    for (auto s = std::sregex_iterator(subs.begin(), subs.end(), sub_re);
         s != std::sregex_iterator(); ++s) {
      if ((*s)[2].str() == "(null)") continue;
      a.subcommands.push_back(Value(Map{{"name", Value((*s)[1].str())},
                                        {"path", Value((*s)[2].str())},
                                        {"link", link_of((*s)[1].str())}}));
    }
    const std::string path = (*it)[1].str();
    bool replaced = false;
    for (auto& [p, old] : d.alternatives)
      if (p == path) old = a, replaced = true;
    if (!replaced) d.alternatives.emplace_back(path, a);
  }
  return d;
}

// Whether two subcommand lists hold the same entries (Ansible's two all()s).
bool SameSubcommands(const List& a, const List& b) {
  auto contains = [](const List& l, const Value& v) {
    for (const Value& x : l)
      if (x == v) return true;
    return false;
  };
  for (const Value& v : a)
    if (!contains(b, v)) return false;
  for (const Value& v : b)
    if (!contains(a, v)) return false;
  return true;
}

std::string DictDiff(const Map& before, const Map& after) {
  JsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  return UnifiedDiff(ToJson(Value(before), style) + "\n", ToJson(Value(after), style) + "\n", "",
                     "");
}

class Alternatives : public Module {
 public:
  std::string_view Name() const override { return "alternatives"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"link", ArgType::kPath, {}, false, {}, {}},
        {"priority", ArgType::kInt, {}, false, {}, {}},
        {"state",
         ArgType::kStr,
         Value("selected"),
         false,
         {},
         {"present", "selected", "absent", "auto"}},
        {"subcommands", ArgType::kList, {}, false, {"slaves"}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name");
    const std::string path = ArgText(args, "path");
    const std::string state = ArgText(args, "state");
    std::optional<int64_t> priority;
    if (const Value* p = args.find("priority"); p && !p->is_null()) priority = p->as_int();
    Result<std::optional<List>> subcommands = SubcommandsArg(args);
    if (!subcommands) return Failed(subcommands.error().message);

    Result<connection::ExecResult> r = ctx.Exec(
        HostScriptPrelude(true) +
        "command -v update-alternatives >/dev/null 2>&1 || fail \"update-alternatives is missing "
        "on this host (package dpkg)\"\n"
        "run update-alternatives --display " +
        ShellQuote(name) +
        "\nfield rc \"$RC\"; field display \"$OUT\"\n"
        "if [ -e " +
        ShellQuote(path) + " ]; then field exists 1; fi\n");
    if (!r) return r.take_error();
    const HostFields fields = ParseHostFields(r->stdout_data);
    if (std::optional<std::string> fail = FieldValue(fields, "fail")) return Failed(*fail);
    Display d;
    if (FieldValue(fields, "rc").value_or("1") == "0")
      d = ParseDisplay(FieldValue(fields, "display").value_or(""), *subcommands);
    const bool exists = FieldValue(fields, "exists").has_value();
    const Alternative* current = d.Find(path);

    Map before, after;
    if (ctx.diff_mode) {
      if (current) {
        before = Map{{"state", Value("present")},
                     {"path", Value(path)},
                     {"priority", Value(current->priority)},
                     {"link", d.current_link ? Value(*d.current_link) : Value()}};
        if (!current->subcommands.empty()) before.set("subcommands", Value(current->subcommands));
        if (d.mode == "manual" && d.current_path != path) before.set("state", Value("selected"));
      } else {
        before.set("state", Value("absent"));
      }
    }

    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> messages;
    const bool present = state != "absent";
    if (present) {
      const bool install = !current || (priority && current->priority != *priority) ||
                           (*subcommands && !SameSubcommands(current->subcommands, **subcommands));
      if (install) {
        if (!exists) return Failed("Specified path " + path + " does not exist");
        const std::optional<std::string> link =
            OptionalArgText(args, "link") ? OptionalArgText(args, "link") : d.current_link;
        if (!link || link->empty())
          return Failed(
              "Needed to install the alternative, but unable to do so as we are missing the link");
        const int64_t prio = priority ? *priority : current ? current->priority : 50;
        std::vector<std::string> cmd = {"update-alternatives", "--install", *link, name, path,
                                        std::to_string(prio)};
        // The subcommands given, or those already installed for path.
        std::optional<List> subs = *subcommands;
        if (!subs && current && !current->subcommands.empty()) subs = current->subcommands;
        if (*subcommands)
          for (const Value& s : **subcommands) {
            cmd.push_back("--slave");
            for (const char* k : {"link", "name", "path"})
              cmd.push_back(s.as_map().find(k)->as_string());
          }
        commands.push_back(cmd);
        messages.push_back("Install alternative '" + path + "' for '" + name + "'.");
        if (ctx.diff_mode) {
          after = Map{{"state", Value("present")},
                      {"path", Value(path)},
                      {"priority", Value(prio)},
                      {"link", Value(*link)}};
          if (subs && !subs->empty()) after.set("subcommands", Value(*subs));
        }
      }
      if (state == "selected" && d.current_path != path) {
        commands.push_back({"update-alternatives", "--set", name, path});
        messages.push_back("Set alternative '" + path + "' for '" + name + "'.");
        if (ctx.diff_mode) after.set("state", Value("selected"));
      }
      if (state == "auto" && d.mode == "manual") {
        commands.push_back({"update-alternatives", "--auto", name});
        messages.push_back("Set alternative to auto for '" + name + "'.");
        if (ctx.diff_mode) after.set("state", Value("present"));
      }
    } else if (current) {
      commands.push_back({"update-alternatives", "--remove", name, path});
      messages.push_back("Remove alternative '" + path + "' from '" + name + "'.");
      if (ctx.diff_mode) after = Map{{"state", Value("absent")}};
    }

    if (!ctx.check_mode && !commands.empty()) {
      std::string script = HostScriptPrelude(true);
      for (const auto& cmd : commands)
        script += "run " + ShellJoin(cmd) +
                  "\n[ \"$RC\" -eq 0 ] || { field rc \"$RC\"; field out \"$OUT\"; field err "
                  "\"$ERR\"; field cmd " +
                  ShellQuote(ShellJoin(cmd)) + "; exit 0; }\n";
      Result<connection::ExecResult> w = ctx.Exec(script);
      if (!w) return w.take_error();
      const HostFields wf = ParseHostFields(w->stdout_data);
      if (std::optional<std::string> rc = FieldValue(wf, "rc")) {
        Map failed = Failed(RStrip(FieldValue(wf, "err").value_or("")));
        failed.set("rc", Value(static_cast<int64_t>(std::stoll(*rc))));
        failed.set("cmd", Value(FieldValue(wf, "cmd").value_or("")));
        failed.set("stdout", Value(FieldValue(wf, "out").value_or("")));
        failed.set("stderr", Value(FieldValue(wf, "err").value_or("")));
        return failed;
      }
      if (w->exit_status != 0) return Failed("update-alternatives failed: " + w->stderr_data);
    }

    std::string msg;
    for (const std::string& m : messages) msg += (msg.empty() ? "" : " ") + m;
    Map result{{"changed", !commands.empty()},
               {"diff", Value(Map{{"before", Value(before)}, {"after", Value(after)}})},
               {"msg", Value(msg)}};
    if (ctx.diff_mode && !commands.empty())
      result.set("_drover_diff", Value(DictDiff(before, after)));
    return result;
  }

 private:
  // subcommands: a list of {name, path, link}, each required (Ansible's
  // suboptions); nullopt when not given.
  static Result<std::optional<List>> SubcommandsArg(const Map& args) {
    const Value* v = args.find("subcommands");
    if (!v || v->is_null()) return std::optional<List>();
    List out;
    for (const Value& item : v->as_list()) {
      if (!item.is_map())
        return MakeError("Elements value for option 'subcommands' is of type " +
                         std::string("str") + " and we were unable to convert to dict");
      Map entry;
      for (const auto& [k, val] : item.as_map())
        if (k != "name" && k != "path" && k != "link")
          return MakeError(
              "Unsupported parameters for (community.general.alternatives) module: " + k +
              " found in subcommands. Supported parameters include: link, "
              "name, path.");
      for (const char* k : {"name", "path", "link"}) {
        const Value* f = item.as_map().find(k);
        if (!f || f->is_null())
          return MakeError(std::string("missing required arguments: ") + k +
                           " found in subcommands");
        entry.set(k, Value(f->is_string() ? f->as_string() : ToJson(*f)));
      }
      out.push_back(Value(entry));
    }
    return std::optional<List>(out);
  }
};

}  // namespace

const Module& AlternativesModule() {
  static const Alternatives m;
  return m;
}

}  // namespace drover::modules
