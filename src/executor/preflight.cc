#include "executor/preflight.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "connection/become.h"
#include "executor/task_runner.h"
#include "modules/module.h"
#include "playbook/loader.h"
#include "playbook/tags.h"
#include "template/template.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

bool IsStaticText(const Value* v) {
  return v && v->is_string() && !tmpl::IsPossiblyTemplate(v->as_string());
}

bool HasTemplate(const Value& v) {
  if (v.is_string()) return tmpl::IsPossiblyTemplate(v.as_string());
  if (v.is_list()) {
    for (const Value& e : v.as_list())
      if (HasTemplate(e)) return true;
  }
  if (v.is_map()) {
    for (const auto& [k, e] : v.as_map())
      if (tmpl::IsPossiblyTemplate(k) || HasTemplate(e)) return true;
  }
  return false;
}

// Walks every reachable task once (see ReachableTasks in preflight.h).
class Walker {
 public:
  Walker(const playbook::Play& play, const playbook::TagFilter* filter, const TaskVisitor& visit,
         std::vector<Error>& errors)
      : play_(play), filter_(filter), visit_(visit), errors_(errors) {}

  // `tags` are the inherited tags, or null for handlers (which run when
  // notified, whatever the tags).
  void Items(const std::vector<playbook::Item>& items, bool defaults_above,
             const playbook::TagSet* tags) {
    for (const playbook::Item& item : items) {
      if (item.block) {
        if (visit_.block) visit_.block(*item.block);
        const bool defaults = defaults_above || item.block->keywords.contains("module_defaults");
        std::optional<playbook::TagSet> inner = WithTags(tags, item.block->keywords);
        for (const auto* list : {&item.block->block, &item.block->rescue, &item.block->always})
          Items(*list, defaults, inner ? &*inner : nullptr);
        continue;
      }
      std::optional<playbook::TagSet> own = WithTags(tags, item.task->keywords);
      if (filter_ && own && !filter_->ShouldRun(*own)) continue;  // left out by --tags
      Task(*item.task, defaults_above || item.task->keywords.contains("module_defaults"),
           own.has_value());
    }
  }

 private:
  static std::optional<playbook::TagSet> WithTags(const playbook::TagSet* tags,
                                                  const Map& keywords) {
    if (!tags) return std::nullopt;
    playbook::TagSet out = *tags;
    if (const Value* v = keywords.find("tags")) {
      playbook::TagSet own = playbook::ParseTags(*v);
      out.insert(own.begin(), own.end());
    }
    return out;
  }

  void Task(const playbook::Task& t, bool module_defaults, bool tagged_walk) {
    visit_.task(t, module_defaults);
    // Included tasks do not inherit the include's tags (Ansible's dynamic
    // includes); a handler's includes are handlers too.
    static const playbook::TagSet kNone;
    const playbook::TagSet* inner = tagged_walk ? &kNone : nullptr;
    // module_defaults above the include apply to what it brings in.
    if (t.action == "include_tasks") IncludeTasks(t, inner, module_defaults);
    if (t.action == "include_role") IncludeRole(t, inner, module_defaults);
  }

  void IncludeTasks(const playbook::Task& t, const playbook::TagSet* tags, bool module_defaults) {
    const Value* f = t.args.find("_raw_params");
    if (!f) f = t.args.find("file");
    if (!IsStaticText(f)) return;  // decided at run time
    std::string path = IncludedTaskFile(f->as_string(), t.role.get(), t.where, play_.dir);
    if (!fs::is_regular_file(path)) return;
    if (!seen_.insert("tasks\n" + path + "\n" + (t.role ? t.role->path : "")).second) return;
    Warnings warnings;
    Result<std::vector<playbook::Item>> items = playbook::LoadTaskFile(path, t.role, &warnings);
    if (!items) {
      errors_.push_back(items.take_error());
      return;
    }
    loaded_.push_back(std::make_shared<std::vector<playbook::Item>>(std::move(items).value()));
    Items(*loaded_.back(), module_defaults, tags);
  }

  void IncludeRole(const playbook::Task& t, const playbook::TagSet* tags, bool module_defaults) {
    playbook::RoleInclude request;
    const Value* name = t.args.find("name");
    if (!IsStaticText(name)) return;
    request.name = *name;
    for (auto [key, field] : {std::pair{"tasks_from", &request.tasks_from},
                              {"vars_from", &request.vars_from},
                              {"defaults_from", &request.defaults_from},
                              {"handlers_from", &request.handlers_from}}) {
      const Value* v = t.args.find(key);
      if (!v) continue;
      if (!IsStaticText(v)) return;
      *field = v->as_string();
    }
    std::string key = "role\n" + name->as_string() + "\n" + request.tasks_from + "\n" +
                      request.handlers_from + "\n" + (t.role ? t.role->path : "");
    if (!seen_.insert(key).second) return;
    Warnings warnings;
    Result<std::shared_ptr<const playbook::Block>> block =
        playbook::LoadIncludedRole(request, play_, t.role, &warnings, false);
    if (!block) {
      errors_.push_back(block.take_error());
      return;
    }
    roles_.push_back(*block);
    Items({playbook::Item{nullptr, *block}}, module_defaults, tags);
    Items((*block)->handlers, module_defaults, nullptr);
  }

  const playbook::Play& play_;
  const playbook::TagFilter* filter_;
  const TaskVisitor& visit_;
  std::vector<Error>& errors_;
  std::set<std::string> seen_;
  std::vector<std::shared_ptr<std::vector<playbook::Item>>> loaded_;
  std::vector<std::shared_ptr<const playbook::Block>> roles_;
};

// The strict argument check on what is known before templating: names
// always; types and choices of untemplated values; required arguments
// unless module_defaults or a templated `args:` may supply them.
Status CheckArgs(const playbook::Task& t, const modules::Module& m, bool module_defaults) {
  std::vector<modules::ArgSpec> spec = m.Spec();
  for (const auto& [k, v] : t.args)
    if (tmpl::IsPossiblyTemplate(k)) return Status();
  for (modules::ArgSpec& s : spec) {
    if (module_defaults) s.required = false;
    auto templated = [&](const std::string& name) {
      const Value* v = t.args.find(name);
      return v && HasTemplate(*v);
    };
    bool any_templated = templated(s.name);
    for (const std::string& a : s.aliases) any_templated = any_templated || templated(a);
    if (any_templated) {
      s.type = modules::ArgType::kRaw;
      s.choices.clear();
    }
  }
  Result<Map> parsed = modules::ParseArgs(t.action, t.args, spec, t.where);
  if (!parsed) return parsed.take_error();
  return Status();
}

// A become_method keyword written as a literal (not a template) that the
// installed Ansible has must be one drover runs. One Ansible does not know
// fails each host at run time with Ansible's message, as Ansible does.
Status CheckBecomeMethod(const Map& keywords, const Location& where) {
  const Value* v = keywords.find("become_method");
  if (v == nullptr || !v->is_string()) return Status();
  const std::string& method = v->as_string();
  if (tmpl::IsPossiblyTemplate(method) || connection::CanonicalBecomeMethod(method) ||
      !connection::AnsibleHasBecomePlugin(method))
    return Status();
  return MakeError("become_method '" + method +
                       "' is not supported by drover; use sudo or su (also as "
                       "ansible.builtin.sudo, ansible.builtin.su)",
                   where);
}

// `async` with `poll: 0` (fire and forget, collected by async_status) is
// refused: drover runs every task to its end before the next, so the play
// would wait where Ansible's goes on. With a poll (15 by default) Ansible
// waits too, and the task runs as a synchronous one (README).
Status CheckAsync(const Map& keywords, const Location& where) {
  const Value* async = keywords.find("async");
  if (async == nullptr || async->is_null()) return Status();
  if (async->is_int() && async->as_int() == 0) return Status();
  if (async->is_string() && async->as_string() == "0") return Status();
  const Value* poll = keywords.find("poll");
  if (poll == nullptr || poll->is_null()) return Status();
  const bool zero = (poll->is_int() && poll->as_int() == 0) ||
                    (poll->is_string() &&
                     (poll->as_string() == "0" || tmpl::IsPossiblyTemplate(poll->as_string())));
  if (!zero) return Status();
  return MakeError(
      "async with poll: 0 (a task left running in the background) is not implemented by "
      "drover: it would wait for the task to end; no host was contacted",
      where);
}

void AddPlace(std::vector<std::string>& places, std::string place) {
  if (std::find(places.begin(), places.end(), place) == places.end())
    places.push_back(std::move(place));
}

Error UnimplementedError(const std::map<std::string, std::vector<std::string>>& unimplemented) {
  std::string text =
      "this run uses modules that are not implemented yet in drover; no host was contacted:";
  for (const auto& [name, places] : unimplemented) {
    text += "\n  " + name + " (not implemented yet in drover), used at ";
    for (size_t i = 0; i < places.size(); ++i) text += (i ? ", " : "") + places[i];
  }
  text += "\n`drover playbook --check-support PLAYBOOK` reports what else the project uses.";
  return MakeError(std::move(text));
}

}  // namespace

std::string IncludedTaskFile(const std::string& name, const playbook::Role* role,
                             const Location& where, const std::string& play_dir) {
  fs::path p(name);
  if (!p.is_absolute()) {
    fs::path base = role ? fs::path(role->path) / "tasks"
                         : (where.file ? fs::path(*where.file).parent_path() : fs::path(play_dir));
    fs::path candidate = base / p;
    if (!fs::exists(candidate)) candidate = fs::path(play_dir) / p;
    p = candidate;
  }
  return p.lexically_normal().string();
}

void ReachableTasks(const playbook::Playbook& pb, const playbook::TagFilter* filter,
                    const TaskVisitor& visit, std::vector<Error>& errors) {
  for (const playbook::Play& play : pb.plays) {
    if (visit.play) visit.play(play);
    Walker walker(play, filter, visit, errors);
    const bool defaults = play.keywords.contains("module_defaults");
    playbook::TagSet play_tags;
    if (const Value* v = play.keywords.find("tags")) play_tags = playbook::ParseTags(*v);
    for (const auto* list : {&play.pre_tasks, &play.tasks, &play.post_tasks})
      walker.Items(*list, defaults, &play_tags);
    walker.Items(play.handlers, defaults, nullptr);
  }
}

std::vector<Error> CheckRunnable(const playbook::Playbook& pb, const playbook::TagFilter& filter) {
  std::vector<Error> errors;
  std::map<std::string, std::vector<std::string>> unimplemented;
  TaskVisitor visit;
  auto become = [&](const Map& keywords, const Location& where) {
    if (Status s = CheckBecomeMethod(keywords, where); !s) errors.push_back(s.take_error());
  };
  visit.play = [&](const playbook::Play& p) { become(p.keywords, p.where); };
  visit.block = [&](const playbook::Block& b) { become(b.keywords, b.where); };
  visit.task = [&](const playbook::Task& t, bool module_defaults) {
    become(t.keywords, t.where);
    if (Status s = CheckAsync(t.keywords, t.where); !s) errors.push_back(s.take_error());
    // A templated module name is known per host at run time only.
    if (!t.action_template.empty()) return;
    if (!IsRunnableAction(t.action)) {
      AddPlace(unimplemented[t.action_fqcn.empty() ? t.action_as_written : t.action_fqcn],
               t.where.str());
      return;
    }
    if (const modules::Module* m = modules::FindModule(t.action))
      if (Status s = CheckArgs(t, *m, module_defaults); !s) errors.push_back(s.take_error());
  };
  ReachableTasks(pb, &filter, visit, errors);
  if (!unimplemented.empty()) errors.insert(errors.begin(), UnimplementedError(unimplemented));
  return errors;
}

}  // namespace drover::executor
