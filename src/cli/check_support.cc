#include "cli/check_support.h"

#include <map>
#include <regex>
#include <set>

#include "executor/loops.h"
#include "executor/preflight.h"
#include "executor/task_runner.h"
#include "modules/module.h"
#include "modules/partial.h"
#include "playbook/keywords.h"

namespace drover::cli {

namespace {

enum class Support { kFull, kPartial, kNone };

struct Use {
  Support support = Support::kFull;
  std::string reason;
  std::vector<std::string> places;
};

// Keywords drover accepts but does not act on, or only in part. Every other
// keyword the loader accepts (playbook/keywords.cc) is implemented.
// clang-format off
constexpr std::pair<std::string_view, std::string_view> kKeywordGaps[] = {
    {"async", "+with a poll the task runs synchronously (no time limit); poll: 0 is refused"},
    {"poll", "+poll: 0 with async is refused"},
    {"debugger", "-not implemented: ignored"},
    {"order", "-not implemented: hosts run in inventory order"},
    {"become_exe", "-not implemented: ignored"},
    {"module_defaults", "+action groups (group/...) are ignored"},
    {"strategy", "+linear and free; host_pinned runs as free"},
    {"run_once", "+under the free strategy it runs on every host"},
};
// clang-format on

Use KeywordUse(std::string_view keyword) {
  for (const auto& [name, text] : kKeywordGaps) {
    if (name != keyword) continue;
    return Use{
        text[0] == '-' ? Support::kNone : Support::kPartial, std::string(text.substr(1)), {}};
  }
  return Use{};
}

Use ModuleUse(const playbook::Task& t) {
  if (!t.action_template.empty())
    return Use{Support::kPartial,
               "a templated module name, resolved per host at run time: a module drover lacks "
               "fails the host then",
               {}};
  if (!executor::IsRunnableAction(t.action)) return Use{Support::kNone, "", {}};
  std::string_view reason = modules::PartialReason(t.action);
  if (const modules::Module* m = modules::FindModule(t.action); m && reason.empty())
    reason = modules::PartialReason(m->Name());
  if (!reason.empty()) return Use{Support::kPartial, std::string(reason), {}};
  return Use{};
}

void AddPlace(std::map<std::string, Use>& table, const std::string& name, Use use,
              const Location& where) {
  auto [it, inserted] = table.try_emplace(name, std::move(use));
  if (where.known() && it->second.places.size() < 3) {
    std::string place = where.str();
    for (const std::string& p : it->second.places)
      if (p == place) return;
    it->second.places.push_back(place);
  }
}

// lookup('x', ...), query('x'), q('x') in any string of `v`.
void FindLookups(const Value& v, std::set<std::string>& out) {
  static const std::regex kCall(R"(\b(lookup|query|q)\s*\(\s*['"]([A-Za-z0-9_.]+)['"])");
  if (v.is_string()) {
    const std::string& s = v.as_string();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kCall); it != std::sregex_iterator();
         ++it)
      out.insert((*it)[2].str());
  } else if (v.is_list()) {
    for (const Value& e : v.as_list()) FindLookups(e, out);
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) FindLookups(e, out);
  }
}

const char* SupportText(Support s) {
  switch (s) {
    case Support::kFull: return "implemented";
    case Support::kPartial: return "partial";
    case Support::kNone: return "NOT implemented";
  }
  return "";
}

std::string Section(const std::string& title, const std::map<std::string, Use>& table) {
  size_t width = 0;
  int counts[3] = {0, 0, 0};
  for (const auto& [name, use] : table) {
    width = std::max(width, name.size());
    ++counts[static_cast<int>(use.support)];
  }
  std::string out = title + " (" + std::to_string(table.size()) + ": " + std::to_string(counts[0]) +
                    " implemented, " + std::to_string(counts[1]) + " partial, " +
                    std::to_string(counts[2]) + " not implemented)\n";
  for (Support s : {Support::kNone, Support::kPartial, Support::kFull}) {
    for (const auto& [name, use] : table) {
      if (use.support != s) continue;
      std::string line = "  " + name + std::string(width + 2 - name.size(), ' ') + SupportText(s);
      if (!use.reason.empty()) line += ": " + use.reason;
      if (s != Support::kFull && !use.places.empty()) {
        line += " (";
        for (size_t i = 0; i < use.places.size(); ++i) line += (i ? ", " : "") + use.places[i];
        line += ")";
      }
      out += line + "\n";
    }
  }
  return out;
}

// lookup('name'): implemented plugins are supported; others are not.
Use LookupUse(const std::string& name) {
  if (executor::IsLookupPlugin(name)) return Use{};
  return Use{Support::kNone, "lookup plugin not implemented", {}};
}

}  // namespace

std::string CheckSupportReport(const std::vector<playbook::Playbook>& playbooks,
                               const std::vector<std::string>& paths) {
  std::map<std::string, Use> modules_used, keywords_used, lookups_used;
  std::vector<Error> errors;
  auto keywords = [&](const Map& m) {
    for (const auto& [k, v] : m) {
      std::set<std::string> lookups;
      // Task lists are visited task by task (their own places).
      const bool task_list =
          k == "tasks" || k == "pre_tasks" || k == "post_tasks" || k == "handlers" || k == "roles";
      if (!task_list) FindLookups(v, lookups);
      for (const std::string& l : lookups)
        AddPlace(lookups_used, "lookup('" + l + "')", LookupUse(l), v.where());
      if (k.rfind("with_", 0) == 0) {
        const bool loop_ok = executor::IsSupportedWithLoop(k.substr(5));
        AddPlace(lookups_used, k,
                 loop_ok ? Use{} : Use{Support::kNone, "lookup plugin not implemented", {}},
                 v.where());
        continue;
      }
      if (k.front() == '_') continue;  // drover's own markers (_role_params)
      AddPlace(keywords_used, k, KeywordUse(k), v.where());
    }
  };
  executor::TaskVisitor visit;
  visit.play = [&](const playbook::Play& p) { keywords(p.keywords); };
  visit.block = [&](const playbook::Block& b) { keywords(b.keywords); };
  visit.task = [&](const playbook::Task& t, bool) {
    std::string name = t.action_fqcn.empty() ? t.action_as_written : t.action_fqcn;
    AddPlace(modules_used, name, ModuleUse(t), t.where);
    keywords(t.keywords);
    std::set<std::string> lookups;
    FindLookups(Value(t.args), lookups);
    for (const std::string& l : lookups)
      AddPlace(lookups_used, "lookup('" + l + "')", LookupUse(l), t.where);
  };
  for (const playbook::Playbook& pb : playbooks)
    executor::ReachableTasks(pb, nullptr, visit, errors);

  std::string out = "drover support report for";
  for (const std::string& p : paths) out += " " + p;
  out += "\n\n" + Section("Modules and actions", modules_used) + "\n" +
         Section("Keywords", keywords_used) + "\n" +
         Section("Lookups and with_* loops", lookups_used);
  for (const Error& e : errors) out += "\nnot checked (could not load): " + e.headline() + "\n";
  return out;
}

}  // namespace drover::cli
