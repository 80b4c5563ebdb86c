#include "executor/lookups.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>

#include "executor/lookup_plugins.h"
#include "executor/template_scope.h"
#include "playbook/kv.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::executor {

namespace {

std::string_view ShortName(std::string_view name) {
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."})
    if (name.substr(0, prefix.size()) == prefix) return name.substr(prefix.size());
  return name;
}

const std::map<std::string, LookupPlugin, std::less<>>& Plugins() {
  static const std::map<std::string, LookupPlugin, std::less<>> k = [] {
    std::map<std::string, LookupPlugin, std::less<>> m;
    AddDataPlugins(m);
    AddFilePlugins(m);
    AddPasswordPlugin(m);
    AddTablePlugins(m);
    AddInventoryPlugin(m);
    AddConfigPlugin(m);
    AddUrlPlugin(m);
    return m;
  }();
  return k;
}

// The templar's message for a plugin's own error (as warned with
// errors=warn; raised, AnsibleError's orig_exc appends the original message
// once more).
std::string UnhandledMessage(std::string_view name, const LookupFailure& f) {
  return "An unhandled exception occurred while running the lookup plugin '" + std::string(name) +
         "'. Error was a <class '" + f.python_class + "'>, original message: " + f.message;
}

}  // namespace

bool IsLookupPlugin(std::string_view name) {
  return Plugins().contains(ShortName(name));
}

std::vector<std::string> LookupPluginNames() {
  std::vector<std::string> out;
  for (const auto& [name, plugin] : Plugins()) out.push_back(name);
  return out;
}

List RunLookupPlugin(std::string_view name, const List& terms, const Map& options,
                     const tmpl::Scope& scope, const LookupContext& ctx, const LookupWarn& warn) {
  auto it = Plugins().find(ShortName(name));
  if (it == Plugins().end())
    throw LookupFailure{LookupFailure::kOptions,
                        "lookup plugin (" + std::string(name) + ") not found"};
  return it->second(LookupCall{terms, options, scope, ctx, warn});
}

Result<Value> RunLookup(const std::string& name, const List& args, const Map& kwargs, bool wantlist,
                        const tmpl::Scope& scope, const LookupContext& ctx,
                        const std::function<void(const std::string&)>& warn) {
  Map options = kwargs;
  std::string errors = "strict";
  if (const Value* e = options.find("errors")) {
    errors = e->is_string() ? e->as_string() : "strict";
    options.erase("errors");
  }
  options.erase("allow_unsafe");
  // listify_lookup_plugin_terms: one string argument is a one-item list.
  List terms = args;
  List ran;
  try {
    ran = RunLookupPlugin(name, terms, options, scope, ctx, warn);
  } catch (const LookupFailure& f) {
    if (f.kind == LookupFailure::kUndefined || f.kind == LookupFailure::kOptions)
      return MakeError(f.message);
    std::string msg = f.kind == LookupFailure::kLookupError
                          ? "Lookup failed but the error is being ignored: " + f.message
                          : UnhandledMessage(name, f);
    if (errors == "warn") {
      if (warn) warn(msg);
    } else if (errors != "ignore") {
      return MakeError(f.kind == LookupFailure::kLookupError ? f.message : msg + ". " + f.message);
    }
    return wantlist ? Value(List{}) : Value();
  }
  if (wantlist) return Value(std::move(ran));
  if (ran.empty()) return Value(std::move(ran));
  // lookup(): the strings joined with ","; one non-string result as is.
  bool all_strings = std::all_of(ran.begin(), ran.end(),
                                 [](const Value& v) { return v.is_string() || v.is_vault(); });
  if (ran.size() == 1 && (!all_strings || ran[0].is_vault())) return ran[0];
  if (!all_strings) return Value(std::move(ran));
  std::string joined;
  for (size_t i = 0; i < ran.size(); ++i) {
    if (i) joined += ",";
    joined += ran[i].as_string();
  }
  return Value(std::move(joined));
}

tmpl::Lookup MakeLookupHook(LookupContext ctx, std::function<void(const std::string&)> warn) {
  return [ctx = std::move(ctx), warn = std::move(warn)](const std::string& plugin, const List& args,
                                                        const Map& kwargs, bool wantlist,
                                                        const tmpl::Scope& scope) {
    return RunLookup(plugin, args, kwargs, wantlist, scope, ctx, warn);
  };
}

// ---- option helpers shared by the plugins ----

bool OptionBool(const Map& options, std::string_view key, bool fallback) {
  const Value* v = options.find(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_string()) {
    const std::string& s = v->as_string();
    if (s == "yes" || s == "true" || s == "True" || s == "on" || s == "1") return true;
    if (s == "no" || s == "false" || s == "False" || s == "off" || s == "0") return false;
    throw LookupFailure{LookupFailure::kOptions, "Invalid type for configuration option " +
                                                     std::string(key) + ": The value '" + s +
                                                     "' is not a valid boolean."};
  }
  return v->truthy();
}

// ---- the data plugins (no files) ----

namespace {

List Flatten1(const List& terms) {
  List out;
  for (const Value& item : terms) {
    if (item.is_list()) {
      for (const Value& inner : item.as_list()) out.push_back(inner);
    } else {
      out.push_back(item);
    }
  }
  return out;
}

List Items(const LookupCall& c) {
  return Flatten1(c.terms);
}

List ListPlugin(const LookupCall& c) {
  return c.terms;
}

List IndexedItems(const LookupCall& c) {
  List out;
  int64_t i = 0;
  for (const Value& item : Flatten1(c.terms)) out.push_back(Value(List{Value(i++), item}));
  return out;
}

List Dict(const LookupCall& c) {
  List out;
  for (const Value& term : c.terms) {
    if (!term.is_map())
      throw LookupFailure{LookupFailure::kUnhandled, "with_dict expects a dict",
                          "ansible.errors.AnsibleError"};
    for (const auto& [k, val] : term.as_map())
      out.push_back(Value(Map{{"key", k}, {"value", val}}));
  }
  return out;
}

List Together(const LookupCall& c) {
  const List& lists = c.terms;
  if (lists.empty())
    throw LookupFailure{LookupFailure::kUnhandled,
                        "with_together requires at least one element in each list"};
  size_t longest = 0;
  for (const Value& l : lists) longest = std::max(longest, l.is_list() ? l.as_list().size() : 1);
  List out;
  for (size_t i = 0; i < longest; ++i) {
    List row;
    for (const Value& l : lists) {
      if (l.is_list())
        row.push_back(i < l.as_list().size() ? l.as_list()[i] : Value());
      else
        row.push_back(i == 0 ? l : Value());
    }
    out.push_back(Value(std::move(row)));
  }
  return out;
}

List Nested(const LookupCall& c) {
  const List& lists = c.terms;
  if (lists.empty())
    throw LookupFailure{LookupFailure::kUnhandled,
                        "with_nested requires at least one element in the nested list"};
  List out{Value(List{})};
  for (const Value& l : lists) {
    List next;
    List choices = l.is_list() ? l.as_list() : List{l};
    for (const Value& prefix : out) {
      for (const Value& choice : choices) {
        List row = prefix.as_list();
        row.push_back(choice);
        next.push_back(Value(std::move(row)));
      }
    }
    out = std::move(next);
  }
  return out;
}

int64_t ParseInt(const std::string& s, const std::string& term) {
  try {
    size_t used = 0;
    int64_t n = std::stoll(s, &used, 0);
    if (used == s.size()) return n;
  } catch (const std::exception&) {
  }
  throw LookupFailure{LookupFailure::kUnhandled, "can't parse arg in with_sequence: " + term};
}

void SequenceOne(const std::string& term, List& out) {
  Result<Map> kv = playbook::ParseKeyValues(term, false);
  if (!kv) throw LookupFailure{LookupFailure::kUnhandled, kv.error().message};
  int64_t start = 1, end = 0, stride = 1, count = -1;
  bool has_end = false;
  std::string format = "%d";
  if (const Value* raw = kv->find("_raw_params")) {
    // Shortcut form: [start-]end[/stride][:format]
    std::string s = raw->as_string();
    size_t colon = s.find(':');
    if (colon != std::string::npos) {
      format = s.substr(colon + 1);
      s = s.substr(0, colon);
    }
    size_t slash = s.find('/');
    if (slash != std::string::npos) {
      stride = ParseInt(s.substr(slash + 1), term);
      s = s.substr(0, slash);
    }
    size_t dash = s.find('-', 1);
    if (dash != std::string::npos) {
      start = ParseInt(s.substr(0, dash), term);
      s = s.substr(dash + 1);
    }
    end = ParseInt(s, term);
    has_end = true;
  }
  for (const auto& [k, v] : *kv) {
    if (k == "_raw_params") continue;
    std::string text = v.is_string() ? v.as_string() : tmpl::PyStr(v);
    if (k == "start")
      start = ParseInt(text, term);
    else if (k == "end")
      end = ParseInt(text, term), has_end = true;
    else if (k == "stride")
      stride = ParseInt(text, term);
    else if (k == "count")
      count = ParseInt(text, term);
    else if (k == "format")
      format = text;
    else
      throw LookupFailure{LookupFailure::kUnhandled,
                          "unrecognized arguments to with_sequence: ['" + k + "']"};
  }
  if (count >= 0) {
    if (has_end)
      throw LookupFailure{LookupFailure::kUnhandled,
                          "can't specify both count and end in with_sequence"};
    if (count == 0) return;
    end = start + count * stride - 1;
    if (stride < 0) end = start + count * stride + 1;
  } else if (!has_end) {
    throw LookupFailure{LookupFailure::kUnhandled, "must specify count or end in with_sequence"};
  }
  if (stride > 0 && end < start)
    throw LookupFailure{LookupFailure::kUnhandled, "to count backwards make stride negative"};
  if (stride < 0 && end > start)
    throw LookupFailure{LookupFailure::kUnhandled, "to count forward don't make stride negative"};
  if (stride == 0) return;
  for (int64_t i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    char buf[256];
    std::snprintf(buf, sizeof buf, format.c_str(), static_cast<int>(i));
    out.push_back(Value(std::string(buf)));
  }
}

List Sequence(const LookupCall& c) {
  List out;
  for (const Value& term : c.terms)
    SequenceOne(term.is_string() ? term.as_string() : tmpl::PyStr(term), out);
  return out;
}

// The sub-key path's list inside `item` (removed from it, as Ansible pops
// it), or nullopt when skip_missing skips the item.
std::optional<List> PopSublist(Map& item, const std::vector<std::string>& path, bool skip_missing) {
  Map* sub = &item;
  for (size_t i = 0; i < path.size(); ++i) {
    Value* v = sub->find(path[i]);
    if (!v) {
      if (skip_missing) return std::nullopt;
      throw LookupFailure{LookupFailure::kUnhandled, "could not find '" + path[i] +
                                                         "' key in iterated item '" +
                                                         tmpl::PyStr(Value(*sub)) + "'"};
    }
    if (i + 1 < path.size()) {
      if (!v->is_map()) {
        if (skip_missing) return std::nullopt;
        throw LookupFailure{
            LookupFailure::kUnhandled,
            "the key " + path[i] + " should point to a dictionary, got '" + tmpl::PyStr(*v) + "'"};
      }
      *v = Value(Map(v->as_map()));  // copy: the caller's data stays intact
      sub = &v->as_map();
      continue;
    }
    if (!v->is_list())
      throw LookupFailure{
          LookupFailure::kUnhandled,
          "the key " + path[i] + " should point to a list, got '" + tmpl::PyStr(*v) + "'"};
    List out = v->as_list();
    sub->erase(path[i]);
    return out;
  }
  return List{};
}

List Subelements(const LookupCall& c) {
  const List& t = c.terms;
  auto terms_error = [](const std::string& m) {
    return LookupFailure{LookupFailure::kUnhandled,
                         "subelements lookup expects a list of two or three items, " + m};
  };
  if (t.size() < 2 || t.size() > 3) throw terms_error("");
  if (!(t[0].is_list() || t[0].is_map()) || !t[1].is_string())
    throw terms_error("first a dict or a list, second a string pointing to the subkey");
  std::vector<std::string> path;
  for (size_t start = 0;;) {
    size_t dot = t[1].as_string().find('.', start);
    path.push_back(t[1].as_string().substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  List elements;
  if (t[0].is_map()) {
    if (const Value* s = t[0].as_map().find("skipped"); s && !(s->is_bool() && !s->as_bool()))
      return {};
    for (const auto& [k, v] : t[0].as_map()) elements.push_back(v);
  } else {
    elements = t[0].as_list();
  }
  bool skip_missing = false;
  if (t.size() == 3) {
    if (!t[2].is_map())
      throw terms_error("the optional third item must be a dict with flags ['skip_missing']");
    if (const Value* s = t[2].as_map().find("skip_missing")) skip_missing = s->truthy();
  }
  List out;
  for (const Value& element : elements) {
    if (!element.is_map())
      throw LookupFailure{
          LookupFailure::kUnhandled,
          "subelements lookup expects a dictionary, got '" + tmpl::PyStr(element) + "'"};
    if (const Value* s = element.as_map().find("skipped"); s && !(s->is_bool() && !s->as_bool()))
      continue;
    Map item = element.as_map();
    std::optional<List> subs = PopSublist(item, path, skip_missing);
    if (!subs) continue;
    Value parent(std::move(item));
    for (const Value& sub : *subs) out.push_back(Value(List{parent, sub}));
  }
  return out;
}

List Env(const LookupCall& c) {
  List out;
  const Value* fallback = c.options.find("default");
  for (const Value& term : c.terms) {
    std::string name = term.is_string() ? term.as_string() : tmpl::PyStr(term);
    size_t ws = name.find_first_of(" \t\n");
    if (ws != std::string::npos) name = name.substr(0, ws);
    if (const char* v = std::getenv(name.c_str()))
      out.push_back(Value(std::string(v)));
    else
      out.push_back(fallback ? *fallback : Value(""));
  }
  return out;
}

List Vars(const LookupCall& c) {
  List out;
  const Value* fallback = c.options.find("default");
  if (fallback && fallback->is_null()) fallback = nullptr;
  for (const Value& term : c.terms) {
    if (!term.is_string())
      throw LookupFailure{LookupFailure::kUnhandled, "Invalid setting identifier, \"" +
                                                         tmpl::PyStr(term) +
                                                         "\" is not a string, its a <class '" +
                                                         (term.is_list()  ? "list"
                                                          : term.is_map() ? "dict"
                                                                          : "int") +
                                                         "'>"};
    const Value* v = c.scope.Lookup(term.as_string());
    if (!v) {
      if (fallback) {
        out.push_back(*fallback);
        continue;
      }
      throw LookupFailure{LookupFailure::kUndefined,
                          "No variable found with this name: " + term.as_string()};
    }
    Result<Value> templated = tmpl::TemplateValue(*v, c.scope);
    if (!templated) {
      if (fallback) {
        out.push_back(*fallback);
        continue;
      }
      throw LookupFailure{LookupFailure::kUndefined, templated.error().message};
    }
    out.push_back(*templated);
  }
  return out;
}

// Needs the executor's scope (the names of every variable); other scopes
// (a template lookup's template_vars layer) list no names.
List VarNames(const LookupCall& c) {
  const auto* scope = dynamic_cast<const TemplateScope*>(&c.scope);
  std::vector<std::string> names = scope ? scope->Names() : std::vector<std::string>{};
  List out;
  for (const Value& term : c.terms) {
    if (!term.is_string())
      throw LookupFailure{LookupFailure::kUnhandled, "Invalid setting identifier, \"" +
                                                         tmpl::PyStr(term) +
                                                         "\" is not a string, it is a <class '" +
                                                         (term.is_list()  ? "list"
                                                          : term.is_map() ? "dict"
                                                                          : "int") +
                                                         "'>"};
    std::shared_ptr<const tmpl::Regex> re;
    try {
      re = tmpl::Regex::Compile(term.as_string());
    } catch (const tmpl::RenderError& e) {
      throw LookupFailure{LookupFailure::kUnhandled, "Unable to use \"" + term.as_string() +
                                                         "\" as a search parameter: " + e.message};
    }
    for (const std::string& name : names) {
      tmpl::RegexMatch m;
      if (re->Search(name, 0, &m)) out.push_back(Value(name));
    }
  }
  return out;
}

List RandomChoice(const LookupCall& c) {
  if (c.terms.empty()) return {};
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, c.terms.size() - 1);
  return List{c.terms[pick(rng)]};
}

}  // namespace

void AddDataPlugins(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["items"] = Items;
  m["list"] = ListPlugin;
  m["indexed_items"] = IndexedItems;
  m["dict"] = Dict;
  m["together"] = Together;
  m["nested"] = Nested;
  m["cartesian"] = Nested;
  m["sequence"] = Sequence;
  m["subelements"] = Subelements;
  m["env"] = Env;
  m["vars"] = Vars;
  m["random_choice"] = RandomChoice;
  m["varnames"] = VarNames;
}

}  // namespace drover::executor
