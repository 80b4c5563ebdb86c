#include "executor/loops.h"

#include <glob.h>

#include <algorithm>

#include "playbook/kv.h"

namespace drover::executor {

namespace {

Error LoopError(const playbook::Task& task, const std::string& msg) {
  return MakeError(msg, task.where);
}

List Flatten1(const Value& v) {
  List out;
  if (!v.is_list()) {
    out.push_back(v);
    return out;
  }
  for (const Value& item : v.as_list()) {
    if (item.is_list()) {
      for (const Value& inner : item.as_list()) out.push_back(inner);
    } else {
      out.push_back(item);
    }
  }
  return out;
}

Result<List> Sequence(const playbook::Task& task, const Value& spec) {
  if (!spec.is_string()) return LoopError(task, "with_sequence needs 'start=N end=N' text");
  std::string text = spec.as_string();
  // Shortcut form "1-10/2" or "5".
  Result<Map> kv = playbook::ParseKeyValues(text, false);
  if (!kv) return LoopError(task, kv.error().message);
  int64_t start = 1, end = 0, stride = 1, count = -1;
  std::string format = "%d";
  auto num = [](const Value& v) { return std::stoll(v.as_string(), nullptr, 0); };
  try {
    if (const Value* v = kv->find("start")) start = num(*v);
    if (const Value* v = kv->find("end")) end = num(*v);
    if (const Value* v = kv->find("stride")) stride = num(*v);
    if (const Value* v = kv->find("count")) count = num(*v);
    if (const Value* v = kv->find("format")) format = v->as_string();
    if (const Value* raw = kv->find("_raw_params")) {
      std::string s = raw->as_string();
      size_t dash = s.find('-'), slash = s.find('/');
      if (dash != std::string::npos) {
        start = std::stoll(s.substr(0, dash));
        end = std::stoll(s.substr(dash + 1, slash == std::string::npos ? slash : slash - dash - 1));
      } else {
        end = std::stoll(s.substr(0, slash));
      }
      if (slash != std::string::npos) stride = std::stoll(s.substr(slash + 1));
    }
  } catch (const std::exception&) {
    return LoopError(task, "can't parse arg in with_sequence: " + text);
  }
  if (count >= 0) {
    if (kv->contains("end"))
      return LoopError(task, "can't specify both count and end in with_sequence");
    end = start + count * stride - 1;
    if (count == 0) return List{};
  }
  if (stride == 0) return LoopError(task, "with_sequence: stride must not be 0");
  List out;
  for (int64_t i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    char buf[256];
    std::snprintf(buf, sizeof buf, format.c_str(), static_cast<int>(i));
    out.push_back(Value(std::string(buf)));
  }
  return out;
}

Result<List> Subelements(const playbook::Task& task, const Value& spec) {
  if (!spec.is_list() || spec.as_list().size() < 2 || !spec.as_list()[1].is_string()) {
    return LoopError(task, "subelements lookup expects a list of two or three items");
  }
  const Value& base = spec.as_list()[0];
  const std::string& key = spec.as_list()[1].as_string();
  bool skip_missing = false;
  if (spec.as_list().size() > 2 && spec.as_list()[2].is_map()) {
    if (const Value* s = spec.as_list()[2].as_map().find("skip_missing"))
      skip_missing = s->truthy();
  }
  List parents = base.is_map() ? List{} : (base.is_list() ? base.as_list() : List{});
  if (base.is_map())
    for (const auto& [k, v] : base.as_map()) parents.push_back(v);
  List out;
  for (const Value& parent : parents) {
    if (!parent.is_map()) return LoopError(task, "subelements lookup expects a list of dicts");
    const Value* subs = parent.as_map().find(key);
    if (!subs) {
      if (skip_missing) continue;
      return LoopError(task, "could not find '" + key + "' key in iterated item");
    }
    if (!subs->is_list()) return LoopError(task, "the key '" + key + "' should point to a list");
    for (const Value& sub : subs->as_list()) out.push_back(Value(List{parent, sub}));
  }
  return out;
}

Result<List> Fileglob(const Value& spec, const std::string& search_dir) {
  List patterns = spec.is_list() ? spec.as_list() : List{spec};
  List out;
  for (const Value& p : patterns) {
    if (!p.is_string()) continue;
    std::string pattern = p.as_string();
    if (!pattern.empty() && pattern[0] != '/') pattern = search_dir + "/" + pattern;
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
      std::sort(found.begin(), found.end());
      for (auto& f : found) out.push_back(Value(f));
    }
    ::globfree(&g);
  }
  return out;
}

}  // namespace

Result<std::optional<List>> LoopItems(const playbook::Task& task, const tmpl::Scope& scope,
                                      const std::string& search_dir) {
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
  if (with == "items") return std::optional<List>(Flatten1(v));
  if (with == "indexed_items") {
    List out;
    int64_t i = 0;
    for (const Value& item : Flatten1(v)) out.push_back(Value(List{Value(i++), item}));
    return std::optional<List>(std::move(out));
  }
  if (with == "dict") {
    if (!v.is_map()) return LoopError(task, "with_dict expects a dict");
    List out;
    for (const auto& [k, val] : v.as_map()) out.push_back(Value(Map{{"key", k}, {"value", val}}));
    return std::optional<List>(std::move(out));
  }
  if (with == "together") {
    if (!v.is_list())
      return LoopError(task, "with_together requires at least one element in each list");
    size_t longest = 0;
    for (const Value& l : v.as_list())
      longest = std::max(longest, l.is_list() ? l.as_list().size() : 1);
    List out;
    for (size_t i = 0; i < longest; ++i) {
      List row;
      for (const Value& l : v.as_list()) {
        if (l.is_list())
          row.push_back(i < l.as_list().size() ? l.as_list()[i] : Value());
        else
          row.push_back(i == 0 ? l : Value());
      }
      out.push_back(Value(std::move(row)));
    }
    return std::optional<List>(std::move(out));
  }
  if (with == "nested" || with == "cartesian") {
    if (!v.is_list()) return LoopError(task, "with_nested requires a list of lists");
    List out{Value(List{})};
    for (const Value& l : v.as_list()) {
      List next;
      List choices = l.is_list() ? l.as_list() : List{l};
      for (const Value& prefix : out) {
        for (const Value& c : choices) {
          List row = prefix.as_list();
          row.push_back(c);
          next.push_back(Value(std::move(row)));
        }
      }
      out = std::move(next);
    }
    return std::optional<List>(std::move(out));
  }
  if (with == "sequence") {
    Result<List> seq = Sequence(task, v);
    if (!seq) return seq.take_error();
    return std::optional<List>(std::move(seq).value());
  }
  if (with == "subelements") {
    Result<List> subs = Subelements(task, v);
    if (!subs) return subs.take_error();
    return std::optional<List>(std::move(subs).value());
  }
  if (with == "fileglob") {
    Result<List> files = Fileglob(v, search_dir);
    if (!files) return files.take_error();
    return std::optional<List>(std::move(files).value());
  }
  return LoopError(
      task, "the lookup 'with_" + with + "' is not supported by drover; use loop: with a filter");
}

bool IsSupportedWithLoop(std::string_view name) {
  // The with_* branches of LoopItems' dispatch above.
  for (std::string_view w : {"list", "items", "indexed_items", "dict", "together", "nested",
                             "cartesian", "sequence", "subelements", "fileglob"})
    if (w == name) return true;
  return false;
}

}  // namespace drover::executor
