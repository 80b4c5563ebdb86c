#include "executor/loops.h"

#include "playbook/keywords.h"

namespace drover::executor {

namespace {

Error LoopError(const playbook::Task& task, const std::string& msg) {
  return MakeError(msg, task.where);
}

}  // namespace

LookupContext TaskLookupContext(const playbook::Task& task, const TaskContext& ctx) {
  LookupContext out;
  if (const playbook::Role* role = ctx.Role(task)) out.role_path = role->path;
  out.playbook_dir = ctx.play ? ctx.play->dir : ".";
  if (task.where.file) {
    std::string file = *task.where.file;
    size_t slash = file.rfind('/');
    if (slash != std::string::npos) out.task_dir = file.substr(0, slash);
  }
  return out;
}

std::optional<Value> ExtendedLoopVar(const playbook::Task& task, const List& items, size_t index) {
  const Value* lc = task.keywords.find("loop_control");
  if (!lc || !lc->is_map() || !playbook::KeywordIsTrue(lc->as_map().find("extended")))
    return std::nullopt;
  const int64_t i = static_cast<int64_t>(index), n = static_cast<int64_t>(items.size());
  Map loop{{"index", Value(i + 1)},        {"index0", Value(i)}, {"first", Value(i == 0)},
           {"last", Value(i + 1 == n)},    {"length", Value(n)}, {"revindex", Value(n - i)},
           {"revindex0", Value(n - i - 1)}};
  const Value* all = lc->as_map().find("extended_allitems");
  if (!all || playbook::KeywordIsTrue(all)) loop.set("allitems", Value(items));
  if (index + 1 < items.size()) loop.set("nextitem", items[index + 1]);
  if (index > 0) loop.set("previtem", items[index - 1]);
  return Value(std::move(loop));
}

std::vector<Map> LoopItemLocals(const playbook::Task& task, const List& items,
                                const std::string& loop_var) {
  std::vector<Map> locals;
  for (size_t i = 0; i < items.size(); ++i) {
    Map item{{loop_var, items[i]}};
    if (std::optional<Value> ext = ExtendedLoopVar(task, items, i)) item.set("ansible_loop", *ext);
    locals.push_back(std::move(item));
  }
  return locals;
}

Result<std::optional<List>> LoopItems(const playbook::Task& task, const tmpl::Scope& scope,
                                      const LookupContext& lookup_ctx) {
  const Value* loop = task.keywords.find("loop");
  std::string with;
  for (const auto& [k, v] : task.keywords) {
    if (k.rfind("with_", 0) == 0) {
      if (loop || !with.empty())
        return LoopError(task, "a task can have only one loop (loop or with_*)");
      with = k.substr(5);
      loop = &v;
    }
  }
  if (!loop) return std::optional<List>();
  Result<Value> value = tmpl::TemplateValue(*loop, scope);
  if (!value) return value.take_error();
  const Value& v = *value;
  if (with.empty() || with == "list") {
    if (!v.is_list()) {
      return LoopError(
          task,
          "Invalid data passed to 'loop', it requires a list, got this instead: " + tmpl::PyStr(v) +
              ". Hint: If you passed a list/dict of just one "
              "element, try adding wantlist=True to your lookup invocation or "
              "use q/query instead of lookup.");
    }
    return std::optional<List>(v.as_list());
  }
  // with_<name>: the lookup plugin `name` with the templated value as terms
  // (a single string or dict is one term), as Ansible runs it (wantlist).
  if (!IsLookupPlugin(with)) return LoopError(task, "lookup plugin (" + with + ") not found");
  List terms = v.is_list() ? v.as_list() : List{v};
  try {
    return std::optional<List>(RunLookupPlugin(with, terms, Map{}, scope, lookup_ctx));
  } catch (const LookupFailure& f) {
    return LoopError(task, f.message);
  }
}

bool IsSupportedWithLoop(std::string_view name) {
  // The with_* branches of LoopItems' dispatch above.
  return name == "list" || IsLookupPlugin(name);
}

}  // namespace drover::executor
