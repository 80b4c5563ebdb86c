// include_role: the dynamic role include, as Ansible 2.14 runs it. Each
// host evaluates the include's loop and `when` with its own variables and
// templates name / tasks_from / vars_from / defaults_from / handlers_from;
// hosts asking for the same role the same way run it together, the others
// wait. The include's `vars` (and loop variable) are parameters of the
// role's tasks; `apply` keywords apply to every task of the role; the
// role's defaults and vars are seen only inside the role unless
// `public: true`; the role's handlers become notifiable for the rest of the
// play. The include's own keywords (tags, when, loop) apply to the include
// only, as Ansible documents.
#include <algorithm>
#include <map>

#include "core/json.h"
#include "core/parser_error.h"
#include "executor/condition_warnings.h"
#include "executor/executor.h"
#include "executor/loops.h"
#include "executor/play_run.h"
#include "executor/task_runner.h"
#include "executor/template_scope.h"
#include "playbook/loader.h"
#include "template/template.h"

namespace drover::executor {

namespace {

const char* const kIncludeRoleArgs[] = {"name",          "tasks_from",       "vars_from",
                                        "defaults_from", "handlers_from",    "apply",
                                        "public",        "allow_duplicates", "rolespec_validate"};

bool IsYes(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) {
    std::string s = v.as_string();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s == "yes" || s == "true" || s == "on" || s == "1" || s == "y";
  }
  return v.truthy();
}

std::string ArgText(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return {};
  return v->is_string() ? v->as_string() : tmpl::PyStr(*v);
}

}  // namespace

Status PlayRun::RunIncludeRole(const playbook::Task& task, const TaskContext& ctx,
                               const std::vector<HostState*>& hosts) {
  for (const auto& [k, v] : task.args) {
    if (std::find(std::begin(kIncludeRoleArgs), std::end(kIncludeRoleArgs), k) ==
        std::end(kIncludeRoleArgs))
      return MakeError("unsupported argument '" + k + "' for include_role", v.where());
  }
  output::TaskStart ts;
  const Value* own_name = task.keywords.find("name");
  ts.name = own_name && own_name->is_string() && !hosts.empty()
                ? BannerName(task, ctx, *hosts[0])
                : task.action_as_written + " : " + ArgText(task.args, "name");
  ts.where = task.where.str();
  ex_.env_.reporter->OnTaskStart(ts);
  UpdateHostvars();

  struct Inclusion {
    playbook::RoleInclude request;
    Map params;  // the include's vars and loop variable
    bool is_public = false;
    std::string key;  // hosts with equal keys run the role together
  };
  std::map<HostState*, std::vector<Inclusion>> per_host;
  size_t rounds = 0;
  for (HostState* h : hosts) {
    ConditionWarnings condition_warnings(
        [this](const std::string& w) { ex_.env_.reporter->OnWarning(w); });
    auto scope = runner_.TaskScope(*h, task, ctx);
    TemplateScope tscope(*scope);
    auto skip = [&](bool is_item, const std::string& label, Map result) {
      output::HostResult e;
      e.host = h->name;
      e.status = output::Outcome::kSkipped;
      e.is_item = is_item;
      e.item_label = label;
      e.result = Value(std::move(result));
      e.where = ts.where;
      e.action = task.action;
      ex_.env_.reporter->OnHostResult(e);
    };
    auto fail = [&](const Error& err) {
      output::HostResult e;
      e.host = h->name;
      e.status = output::Outcome::kFailed;
      e.result = Value(Map{{"changed", false}, {"failed", true}, {"msg", err.full()}});
      e.where = ts.where;
      e.action = task.action;
      ex_.env_.reporter->OnHostResult(e);
      ++h->stats.failed;
      h->failed = true;
    };
    Result<std::optional<List>> items = LoopItems(task, tscope, TaskLookupContext(task, ctx));
    if (!items) {
      fail(items.error());
      continue;
    }
    std::string loop_var = "item", label_template;
    if (const Value* lc = task.keywords.find("loop_control"); lc && lc->is_map()) {
      if (const Value* lv = lc->as_map().find("loop_var"); lv && lv->is_string())
        loop_var = lv->as_string();
      if (const Value* l = lc->as_map().find("label"); l && l->is_string())
        label_template = l->as_string();
    }
    const bool looped = items->has_value();
    std::vector<Map> item_locals;
    if (looped) {
      item_locals = LoopItemLocals(task, **items, loop_var);
    } else {
      item_locals.push_back(Map{});
    }
    size_t skipped = 0;
    bool failed = false;
    Map include_args;  // the arguments as templated, for the include's own result
    for (const Map& locals : item_locals) {
      TemplateScope iscope(*scope, &locals);
      std::string label;
      if (looped) {
        label = tmpl::PyStr(*locals.find(loop_var));
        if (!label_template.empty())
          if (Result<Value> l = tmpl::TemplateString(label_template, iscope); l)
            label = tmpl::PyStr(*l);
      }
      bool run = true;
      for (const Value* c : ctx.Conditions(task)) {
        Result<bool> ok = EvaluateAll(*c, iscope);
        if (!ok) {
          fail(ok.error());
          failed = true;
          break;
        }
        run = run && *ok;
      }
      if (failed) break;
      if (!run) {
        Map r{
            {"changed", false}, {"skip_reason", "Conditional result was False"}, {"skipped", true}};
        if (looped) r.set(loop_var, *locals.find(loop_var));
        skip(looped, label, std::move(r));
        ++skipped;
        continue;
      }
      Map raw = task.args;
      raw.erase("apply");
      Result<Value> args = tmpl::TemplateValue(Value(raw), iscope);
      if (!args) {
        fail(args.error());
        failed = true;
        break;
      }
      // Arguments templated to `omit` are left out, as Ansible's remove_omit.
      Map& a = args->as_map();
      RemoveOmitted(a);
      include_args = a;
      Inclusion inc;
      const Value* name = a.find("name");
      inc.request.name = name ? Value(*name).set_where(task.where) : Value().set_where(task.where);
      inc.request.tasks_from = ArgText(a, "tasks_from");
      inc.request.vars_from = ArgText(a, "vars_from");
      inc.request.defaults_from = ArgText(a, "defaults_from");
      inc.request.handlers_from = ArgText(a, "handlers_from");
      if (const Value* p = a.find("public")) inc.is_public = IsYes(*p);
      if (const Value* d = a.find("allow_duplicates")) inc.request.allow_duplicates = IsYes(*d);
      inc.params = locals;
      if (const Value* v = task.keywords.find("vars"); v && !v->is_null()) {
        inc.request.vars = VarsKeywordMap(v);
        for (const auto& [k, val] : inc.request.vars) inc.params.set(k, val);
      }
      inc.key = ArgText(a, "name") + "\n" + inc.request.tasks_from + "\n" + inc.request.vars_from +
                "\n" + inc.request.defaults_from + "\n" + inc.request.handlers_from + "\n" +
                ToJson(Value(inc.params));
      per_host[h].push_back(std::move(inc));
    }
    if (failed) continue;
    // Its own result, which the default output does not print (looped:
    // not sent, a partial of the minimal/oneline/json shapes).
    if (!looped && !per_host[h].empty()) {
      output::HostResult e;
      e.host = h->name;
      e.result = Value(Map{{"changed", false}, {"include_args", Value(include_args)}});
      e.where = ts.where;
      e.action = task.action;
      ex_.env_.reporter->OnCombinedResult(e);
    }
    // Every item skipped (or the include itself): one skip counted.
    if (skipped == item_locals.size()) {
      if (looped && !item_locals.empty())
        skip(false, "",
             Map{{"changed", false},
                 {"msg", "All items skipped"},
                 {"results", List{}},
                 {"skipped", true}});
      if (looped && item_locals.empty())
        skip(false, "",
             Map{{"changed", false},
                 {"skipped", true},
                 {"skipped_reason", "No items in the list"},
                 {"results", List{}}});
      ++h->stats.skipped;
    }
    rounds = std::max(rounds, per_host[h].size());
  }

  for (size_t round = 0; round < rounds; ++round) {
    std::map<std::string, std::vector<HostState*>> by_key;
    std::vector<std::string> order;
    for (HostState* h : hosts) {
      if (round >= per_host[h].size() || !h->active()) continue;
      const std::string& key = per_host[h][round].key;
      if (!by_key.count(key)) order.push_back(key);
      by_key[key].push_back(h);
    }
    for (const std::string& key : order) {
      const std::vector<HostState*>& group = by_key[key];
      const Inclusion& inc = per_host[group[0]][round];
      Warnings warnings;
      Result<std::shared_ptr<const playbook::Block>> role_block = playbook::LoadIncludedRole(
          inc.request, play_, ctx.Role(task) ? task.role : nullptr, &warnings);
      if (!role_block) {
        // 2.14's linear strategy: a role that cannot be loaded is shown as
        // an error and fails these hosts (uncounted); a parse error stops.
        if (role_block.error().code == kParserError) return role_block.take_error();
        ex_.env_.reporter->OnError(role_block.error().message);
        for (HostState* h : group) {
          h->failed = true;
          h->failed_uncounted = true;
          h->errors_cleared = false;
        }
        continue;
      }
      for (const Error& w : warnings) ex_.env_.reporter->OnWarning(w.message);
      std::shared_ptr<const playbook::Role> role = (*role_block)->role;
      included_roles_.push_back(*role_block);
      const std::string handler_file = role->path + "\n" + inc.request.handlers_from;
      if (dynamic_handler_files_.insert(handler_file).second)
        for (const playbook::Item& hi : (*role_block)->handlers) dynamic_handlers_.push_back(hi);

      // Hosts not including the role this way wait while it runs.
      std::vector<HostState*> parked;
      for (HostState* h : batch_) {
        if (h->active() && std::find(group.begin(), group.end(), h) == group.end()) {
          h->ended = true;
          parked.push_back(h);
        }
      }
      auto outer = std::make_shared<playbook::Block>();
      outer->where = task.where;
      if (const Value* apply = task.args.find("apply"); apply && apply->is_map())
        for (const auto& [k, v] : apply->as_map()) outer->keywords.set(k, v);
      outer->block.push_back(playbook::Item{nullptr, *role_block});
      included_.push_back(outer);
      TaskContext inner = ctx;
      inner.include_params = inc.params;
      Status s = RunBlock(*outer, inner);
      for (HostState* h : parked) h->ended = false;
      if (!s) return s;
      if (inc.is_public) {
        // public: the role's defaults and vars stay visible to later tasks.
        for (HostState* h : group) {
          h->scope->Add(vars::Layer::kRoleDefaults, role->defaults);
          h->scope->Add(vars::Layer::kRoleVars, role->vars);
        }
      }
    }
  }
  return Status();
}

}  // namespace drover::executor
