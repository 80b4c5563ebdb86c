#include "executor/undefined_check.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/suggest.h"
#include "executor/preflight.h"
#include "playbook/loader.h"
#include "template/free_variables.h"
#include "template/template.h"
#include "vars/inventory_vars.h"
#include "vars/precedence.h"
#include "vars/vars_file.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

// Variables Ansible defines for every task (magic variables), and names
// gathered facts add without the ansible_ prefix. Names starting with
// "ansible_" are always taken as defined (facts, connection variables).
const std::set<std::string, std::less<>>& MagicNames() {
  static const std::set<std::string, std::less<>> k = {
      "hostvars",
      "groups",
      "group_names",
      "inventory_hostname",
      "inventory_hostname_short",
      "inventory_dir",
      "inventory_file",
      "play_hosts",
      "playbook_dir",
      "role_path",
      "role_name",
      "role_names",
      "omit",
      "environment",
      "vars",
      "module_setup",
      "gather_subset",
      "discovered_interpreter_python",
  };
  return k;
}

bool IsFalseLiteral(const Value& v) {
  if (v.is_bool()) return !v.as_bool();
  if (v.is_string()) {
    const std::string& s = v.as_string();
    return s == "false" || s == "False" || s == "no" || s == "off" || s == "0" || s.empty();
  }
  return v.is_null();
}

bool HasLoop(const playbook::Task& t) {
  if (t.keywords.contains("loop")) return true;
  for (const auto& [k, v] : t.keywords)
    if (k.rfind("with_", 0) == 0) return true;
  return false;
}

// Whether a task's loop certainly has items: `loop:` or `with_list:` as a
// non-empty YAML list, or `with_items:` as a list with a plain (not
// templated, not list) entry; with_items flattens, so templated entries
// may add nothing.
bool CertainlyLoops(const playbook::Task& t) {
  for (const char* key : {"loop", "with_list"})
    if (const Value* v = t.keywords.find(key); v && v->is_list() && !v->as_list().empty())
      return true;
  if (const Value* v = t.keywords.find("with_items"); v && v->is_list())
    for (const Value& e : v->as_list())
      if (!e.is_list() && !(e.is_string() && tmpl::IsPossiblyTemplate(e.as_string()))) return true;
  return false;
}

// The names a loop binds: item (or loop_var) and index_var.
std::vector<std::string> LoopNames(const playbook::Task& t) {
  if (!HasLoop(t)) return {};
  std::vector<std::string> names;
  std::string loop_var = "item";
  if (const Value* lc = t.keywords.find("loop_control"); lc && lc->is_map()) {
    if (const Value* lv = lc->as_map().find("loop_var"); lv && lv->is_string())
      loop_var = lv->as_string();
    if (const Value* iv = lc->as_map().find("index_var"); iv && iv->is_string())
      names.push_back(iv->as_string());
  }
  names.push_back(loop_var);
  return names;
}

// A task list and what encloses it, as the check walks it.
struct Where {
  const playbook::Role* role = nullptr;
  std::vector<std::string> bound;        // loop variables of enclosing includes
  bool conditional = false;              // may not run: nothing in it is certain
  playbook::TagSet tags;                 // inherited tags
  std::vector<const Value*> conditions;  // inherited `when`s, outermost first
};

// Whether the YAML scalar at `at` is quoted (its text then starts one
// column later).
bool StartsWithQuote(const Location& at) {
  if (!at.file || at.line <= 0 || at.col <= 0) return false;
  std::ifstream in(*at.file);
  std::string line;
  for (int i = 0; i < at.line && std::getline(in, line); ++i) {
  }
  size_t c = static_cast<size_t>(at.col - 1);
  return c < line.size() && (line[c] == '"' || line[c] == '\'');
}

class PlayCheck {
 public:
  PlayCheck(const playbook::Play& play, const UndefinedCheckInput& input)
      : play_(play), input_(input) {}

  // Every name this play may define (its set_fact, register, include_vars
  // ... persist on the hosts into the next plays, as Ansible's do), added to
  // `carried`; false when the play defines names the check cannot see.
  bool Carry(std::set<std::string>& carried) const {
    carried.insert(defined_.begin(), defined_.end());
    return !opaque_ && collected_;
  }

  // `carried`: names earlier plays may have defined (checked as defined).
  std::vector<Error> Run(const std::set<std::string>& carried) {
    collected_ = CollectPlayNames();
    if (!collected_) return {};
    for (const std::string& name : carried) AddOpaque(name);
    Where top;
    if (const Value* t = play_.keywords.find("tags")) top.tags = playbook::ParseTags(*t);
    for (const auto* section : {&play_.pre_tasks, &play_.tasks, &play_.post_tasks})
      Collect(*section, top, 0);
    Where handlers = top;
    handlers.conditional = true;
    // The play's handlers include its roles' (each seen in its role's scope).
    for (const playbook::Item& h : play_.handlers) {
      Where w = handlers;
      if (h.task && h.task->role) w.role = h.task->role.get();
      Collect({h}, w, 0);
    }
    if (opaque_) return {};
    for (const Checked& c : checks_) CheckTask(c);
    return std::move(errors_);
  }

 private:
  // A name Missing found, and where (in a definition's value).
  struct Found {
    tmpl::NameUse use;
    Location at;
    std::string holder;  // the variable whose value uses it
  };

  struct Checked {
    const playbook::Task* task;
    Where where;
  };

  // Inventory, extra vars, play vars, vars_files, vars_prompt and role
  // variables. False when the play is not checked at all.
  bool CollectPlayNames() {
    std::string pattern;
    for (const auto& h : play_.hosts) pattern += (pattern.empty() ? "" : ",") + h;
    if (tmpl::IsPossiblyTemplate(pattern)) return false;
    std::vector<Error> warnings;
    Result<std::vector<inventory::Host*>> hosts = input_.matcher->Match(pattern, &warnings);
    if (!hosts || hosts->empty()) return false;
    vars::InventoryVars inventory_vars(*input_.inventory);
    inventory_vars.AddPlaybookDir(play_.dir);
    for (inventory::Host* h : *hosts) {
      vars::VarScope scope;
      if (!inventory_vars.AddHostLayers(*h, &scope)) return false;
      AddDefs(scope.Flatten());
    }
    if (input_.extra_vars) AddDefs(*input_.extra_vars);
    AddDefs(play_.keywords.find("vars"));
    if (const Value* prompts = play_.keywords.find("vars_prompt"); prompts && prompts->is_list())
      for (const Value& p : prompts->as_list())
        if (p.is_map())
          if (const Value* n = p.as_map().find("name"); n && n->is_string())
            AddOpaque(n->as_string());
    if (const Value* files = play_.keywords.find("vars_files"); files && !files->is_null()) {
      List entries = files->is_list() ? files->as_list() : List{*files};
      for (const Value& entry : entries) {
        List choices = entry.is_list() ? entry.as_list() : List{entry};
        bool loaded = false;
        for (const Value& choice : choices) {
          if (!choice.is_string() || tmpl::IsPossiblyTemplate(choice.as_string())) break;
          fs::path p(choice.as_string());
          if (!p.is_absolute()) p = fs::path(play_.dir) / p;
          if (!fs::exists(p)) continue;
          Result<Map> vars = vars::LoadVarsFile(p.string());
          if (!vars) break;
          AddDefs(*vars);
          loaded = true;
          break;
        }
        if (!loaded) return false;
      }
    }
    for (const auto& role : play_.roles) AddRole(*role);
    return true;
  }

  // Names defined by values Ansible templates when they are used (vars,
  // defaults, inventory, files): their templates are checked through the
  // names that use them (Via).
  void AddDefs(const Value* v) {
    if (!v) return;
    if (v->is_string()) opaque_ = true;  // vars: "{{ ... }}": names unknown
    if (v->is_map()) {
      AddDefs(v->as_map());
    } else if (v->is_list()) {
      for (const Value& m : v->as_list()) AddDefs(&m);
    }
  }
  void AddDefs(const Map& m) {
    for (const auto& [k, v] : m) {
      defined_.insert(k);
      defs_[k].push_back(v);
    }
  }
  // Names defined by what this check cannot see the value of (register,
  // set_fact, loop variables, prompts, facts).
  void AddOpaque(const std::string& name) {
    defined_.insert(name);
    opaque_defs_.insert(name);
  }

  void AddRole(const playbook::Role& role) {
    AddDefs(role.defaults);
    AddDefs(role.vars);
    AddDefs(role.params);
  }

  // Walks a task list: records what each task defines and which tasks are
  // to be checked.
  void Collect(const std::vector<playbook::Item>& items, const Where& where, int depth) {
    if (depth > 20) {
      opaque_ = true;  // recursive includes: give up on the play
      return;
    }
    for (const playbook::Item& item : items) {
      if (opaque_) return;
      if (item.block) {
        CollectBlock(*item.block, where, depth);
        continue;
      }
      CollectTask(*item.task, where, depth);
    }
  }

  void CollectBlock(const playbook::Block& b, const Where& where, int depth) {
    Where inner = where;
    if (b.role) {
      inner.role = b.role.get();
      AddRole(*b.role);
    }
    AddDefs(b.keywords.find("vars"));
    if (const Value* t = b.keywords.find("tags")) {
      playbook::TagSet tags = playbook::ParseTags(*t);
      inner.tags.insert(tags.begin(), tags.end());
    }
    if (const Value* w = b.keywords.find("when")) inner.conditions.push_back(w);
    // A failure inside a block with a rescue is rescued: Ansible runs on.
    if (!b.rescue.empty()) inner.conditional = true;
    if (const Value* ie = b.keywords.find("ignore_errors"); ie && !IsFalseLiteral(*ie))
      inner.conditional = true;
    Collect(b.block, inner, depth);
    Where rescue = inner;
    rescue.conditional = true;
    Collect(b.rescue, rescue, depth);
    Collect(b.always, inner, depth);
  }

  void CollectTask(const playbook::Task& t, const Where& where, int depth) {
    AddDefs(t.keywords.find("vars"));
    if (const Value* r = t.keywords.find("register"); r && r->is_string())
      AddOpaque(r->as_string());
    const std::string& a = t.action;
    if (a == "set_fact") {
      if (t.args.contains("_raw_params")) opaque_ = true;
      for (const auto& [k, v] : t.args) {
        if (tmpl::IsPossiblyTemplate(k)) opaque_ = true;
        if (k != "cacheable") AddOpaque(k);
      }
    } else if (a == "include_vars") {
      CollectIncludeVars(t, where);
    } else if (a == "include_tasks") {
      CollectInclude(t, where, depth);
    } else if (a == "include_role" || a == "getent" ||
               (a != "package_facts" && a != "service_facts" && a.ends_with("_facts"))) {
      opaque_ = true;  // defines names this check cannot see
    } else if (a == "package_facts") {
      AddOpaque("packages");
    } else if (a == "service_facts") {
      AddOpaque("services");
    } else if (a == "deploy_helper") {
      AddOpaque("deploy_helper");
    }
    // Tasks after a `meta: end_*` may never run.
    if (!after_end_) checks_.push_back({&t, where});
    if (a == "meta") {
      const Value* m = t.args.find("_raw_params");
      if (m && m->is_string() && m->as_string().rfind("end_", 0) == 0) after_end_ = true;
    }
  }

  void CollectIncludeVars(const playbook::Task& t, const Where& where) {
    if (const Value* n = t.args.find("name"); n && n->is_string()) {
      if (tmpl::IsPossiblyTemplate(n->as_string())) opaque_ = true;
      AddOpaque(n->as_string());
      return;
    }
    const Value* f = t.args.find("_raw_params");
    if (!f) f = t.args.find("file");
    if (!f || !f->is_string() || tmpl::IsPossiblyTemplate(f->as_string())) {
      opaque_ = true;  // dir:, templated names
      return;
    }
    std::vector<fs::path> bases;
    if (where.role) bases.push_back(fs::path(where.role->path) / "vars");
    if (t.where.file) {
      fs::path dir = fs::path(*t.where.file).parent_path();
      bases.push_back(dir / "vars");
      bases.push_back(dir);
    }
    bases.push_back(fs::path(play_.dir) / "vars");
    bases.push_back(fs::path(play_.dir));
    fs::path name(f->as_string());
    for (const fs::path& base : bases) {
      fs::path p = name.is_absolute() ? name : base / name;
      if (!fs::is_regular_file(p)) continue;
      Result<Map> vars = vars::LoadVarsFile(p.string());
      if (!vars) break;
      AddDefs(*vars);
      return;
    }
    opaque_ = true;
  }

  void CollectInclude(const playbook::Task& t, const Where& where, int depth) {
    const Value* f = t.args.find("_raw_params");
    if (!f) f = t.args.find("file");
    if (!f || !f->is_string() || tmpl::IsPossiblyTemplate(f->as_string())) {
      opaque_ = true;
      return;
    }
    const std::string file = IncludedTaskFile(f->as_string(), where.role, t.where, play_.dir);
    Warnings warnings;
    std::shared_ptr<const playbook::Role> role;
    for (const auto& r : play_.roles)
      if (r.get() == where.role) role = r;
    Result<std::vector<playbook::Item>> items = playbook::LoadTaskFile(file, role, &warnings);
    if (!items) {
      opaque_ = true;
      return;
    }
    AddDefs(t.keywords.find("vars"));
    Where inner = where;
    // The include's conditions and loop apply to the include, not to the
    // tasks it brings in: when it may be skipped, they may never run.
    if (t.keywords.contains("when") || !where.conditions.empty()) inner.conditional = true;
    if (const Value* ie = t.keywords.find("ignore_errors"); ie && !IsFalseLiteral(*ie))
      inner.conditional = true;
    if (HasLoop(t) && !CertainlyLoops(t)) inner.conditional = true;
    for (const std::string& n : LoopNames(t)) inner.bound.push_back(n);
    included_.push_back(std::make_shared<std::vector<playbook::Item>>(std::move(items).value()));
    Collect(*included_.back(), inner, depth + 1);
  }

  bool Defined(std::string_view name, const std::vector<std::string>& local) const {
    if (name.rfind("ansible_", 0) == 0) return true;
    if (defined_.contains(name) || MagicNames().contains(name)) return true;
    for (const std::string& l : local)
      if (l == name) return true;
    return false;
  }

  void CheckTask(const Checked& c) {
    const playbook::Task& t = *c.task;
    if (c.where.conditional) return;
    playbook::TagSet tags = c.where.tags;
    if (const Value* tv = t.keywords.find("tags")) {
      playbook::TagSet own = playbook::ParseTags(*tv);
      tags.insert(own.begin(), own.end());
    }
    if (!input_.tags.ShouldRun(tags)) return;
    if (const Value* ie = t.keywords.find("ignore_errors"); ie && !IsFalseLiteral(*ie)) return;
    std::vector<std::string> local = c.where.bound;
    for (const std::string& n : LoopNames(t)) local.push_back(n);

    std::vector<const Value*> conditions = c.where.conditions;
    if (const Value* w = t.keywords.find("when")) conditions.push_back(w);
    if (!conditions.empty()) {
      // Conditions are evaluated per loop item: none when the loop may be
      // empty.
      if (HasLoop(t) && !CertainlyLoops(t)) return;
      // Only the first condition is certainly evaluated; when it may be
      // false, nothing else of the task is.
      const Value* first = conditions.front();
      if (first->is_list()) {
        if (!first->as_list().empty()) Conditional(first->as_list().front(), t, local);
      } else {
        Conditional(*first, t, local);
      }
      return;
    }
    if (const Value* loop = t.keywords.find("loop")) Templated(*loop, t, local);
    for (const auto& [k, v] : t.keywords)
      if (k.rfind("with_", 0) == 0) Templated(v, t, local);
    // A loop that may be empty runs nothing else of the task.
    if (HasLoop(t) && !CertainlyLoops(t)) return;
    if (t.action == "include_tasks") return;  // its file name decides (Collect)
    if (t.action == "debug") {
      if (const Value* msg = t.args.find("msg")) Templated(*msg, t, local);
    } else if (t.action == "assert") {
      if (const Value* that = t.args.find("that")) Conditions(*that, t, local);
    } else if (t.action != "meta") {
      Templated(Value(t.args), t, local);
    }
    if (t.action == "template") TemplateFile(t, c.where, local);
    for (const char* key : {"changed_when", "failed_when", "until"})
      if (const Value* v = t.keywords.find(key)) Conditions(*v, t, local);
  }

  // The template module's source file: found as the module finds it (the
  // role's templates/, the role, the playbook dir's templates/, the
  // playbook dir); not checked when its name is templated or not found.
  void TemplateFile(const playbook::Task& t, const Where& where, std::vector<std::string> local) {
    const Value* src = t.args.find("src");
    if (!src || !src->is_string() || tmpl::IsPossiblyTemplate(src->as_string())) return;
    std::vector<fs::path> candidates;
    fs::path name(src->as_string());
    if (name.is_absolute()) {
      candidates.push_back(name);
    } else {
      std::vector<fs::path> dirs;
      if (where.role) dirs.push_back(where.role->path);
      dirs.push_back(play_.dir);
      for (const fs::path& d : dirs) {
        candidates.push_back(d / "templates" / name);
        candidates.push_back(d / name);
      }
    }
    for (const fs::path& p : candidates) {
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) continue;
      std::ifstream in(p, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      tmpl::Options options = tmpl::Options::TemplateModule();
      Result<std::string_view> body = tmpl::ApplyHeaderOverrides(text, &options);
      if (!body) return;
      Result<tmpl::TemplateNames> names = tmpl::AnalyzeTemplate(*body, options);
      if (!names) return;
      // Variables the template module adds for its source.
      for (const char* n :
           {"ansible_managed", "template_host", "template_path", "template_mtime", "template_uid",
            "template_run_date", "template_destpath", "template_fullpath"})
        local.push_back(n);
      int header_lines = body->data() == text.data() ? 0 : 1;
      Location file;
      file.file = std::make_shared<const std::string>(p.lexically_normal().string());
      ReportAt(*names, file, header_lines, t, local);
      return;
    }
  }

  void Conditions(const Value& v, const playbook::Task& t, const std::vector<std::string>& local) {
    if (v.is_list()) {
      // Each entry is evaluated in order until one is false; the first is
      // certain.
      if (!v.as_list().empty()) Conditional(v.as_list().front(), t, local);
      return;
    }
    Conditional(v, t, local);
  }

  void Conditional(const Value& v, const playbook::Task& t, const std::vector<std::string>& local) {
    if (!v.is_string() || v.is_vault()) return;
    Result<tmpl::TemplateNames> names = tmpl::AnalyzeConditional(v.as_string());
    if (names) Report(*names, v, t, local);
  }

  // Every string in `v` (map keys too), as Ansible's templar templates it.
  void Templated(const Value& v, const playbook::Task& t, const std::vector<std::string>& local) {
    if (v.is_vault() || v.is_unsafe()) return;
    if (v.is_string()) {
      if (!tmpl::IsPossiblyTemplate(v.as_string())) return;
      Result<tmpl::TemplateNames> names = tmpl::AnalyzeTemplate(v.as_string());
      if (names) Report(*names, v, t, local);
    } else if (v.is_list()) {
      for (const Value& e : v.as_list()) Templated(e, t, local);
    } else if (v.is_map()) {
      for (const auto& [k, e] : v.as_map()) {
        if (tmpl::IsPossiblyTemplate(k)) Templated(Value(k), t, local);
        Templated(e, t, local);
      }
    }
  }

  // Uses in a string value: located at the value (the column of the use
  // when the value is one line).
  void Report(const tmpl::TemplateNames& names, const Value& v, const playbook::Task& t,
              const std::vector<std::string>& local) {
    for (const tmpl::NameUse& use : names.Unguarded()) {
      if (Defined(use.name, local)) {
        Via(use.name, t, local);
        continue;
      }
      Location at = v.where().known() ? v.where() : t.where;
      if (v.where().known() && use.line == 1 && use.col > 0)
        at.col += use.col - 1 + (StartsWithQuote(at) ? 1 : 0);
      Add(use, at, t, local);
    }
  }

  // Uses in a whole file: located at their own line and column (after
  // `line_offset` lines the analysis did not see).
  void ReportAt(const tmpl::TemplateNames& names, const Location& file, int line_offset,
                const playbook::Task& t, const std::vector<std::string>& local) {
    for (const tmpl::NameUse& use : names.Unguarded()) {
      if (Defined(use.name, local)) {
        Via(use.name, t, local);
        continue;
      }
      Location at = file;
      at.line = use.line + line_offset;
      at.col = use.col;
      Add(use, at, t, local);
    }
  }

  // A defined name whose value is a template: Ansible templates it when
  // the task reads it, so the names that value certainly needs must be
  // defined too. Reported at the value, only when every definition of the
  // name needs them.
  void Via(const std::string& name, const playbook::Task& t,
           const std::vector<std::string>& local) {
    for (const std::string& l : local)
      if (l == name) return;
    std::set<std::string> visiting;
    for (const auto& [missing, found] : Missing(name, local, visiting, 0))
      Add(found.use, found.at, t, local, found.holder);
  }

  // The names certainly undefined when `name` is templated (needed by
  // every definition), each with one place it is used.
  std::map<std::string, Found> Missing(std::string_view name, const std::vector<std::string>& local,
                                       std::set<std::string>& visiting, int depth) {
    auto it = defs_.find(name);
    if (it == defs_.end() || opaque_defs_.contains(name) || MagicNames().contains(name) ||
        name.rfind("ansible_", 0) == 0 || depth > 8 || visiting.contains(std::string(name)))
      return {};
    visiting.insert(std::string(name));
    std::optional<std::map<std::string, Found>> common;
    for (const Value& v : it->second) {
      std::map<std::string, Found> found;
      MissingInValue(v, std::string(name), local, visiting, depth, &found);
      if (!common) {
        common = std::move(found);
      } else {
        for (auto c = common->begin(); c != common->end();)
          c = found.contains(c->first) ? std::next(c) : common->erase(c);
      }
      if (common->empty()) break;
    }
    visiting.erase(std::string(name));
    return common ? *common : std::map<std::string, Found>{};
  }

  void MissingInValue(const Value& v, const std::string& holder,
                      const std::vector<std::string>& local, std::set<std::string>& visiting,
                      int depth, std::map<std::string, Found>* out) {
    if (v.is_vault() || v.is_unsafe()) return;
    if (v.is_list()) {
      for (const Value& e : v.as_list()) MissingInValue(e, holder, local, visiting, depth, out);
      return;
    }
    if (v.is_map()) {
      for (const auto& [k, e] : v.as_map()) {
        MissingInValue(Value(k), holder, local, visiting, depth, out);
        MissingInValue(e, holder, local, visiting, depth, out);
      }
      return;
    }
    if (!v.is_string() || !tmpl::IsPossiblyTemplate(v.as_string())) return;
    Result<tmpl::TemplateNames> names = tmpl::AnalyzeTemplate(v.as_string());
    if (!names) return;
    for (const tmpl::NameUse& use : names->Unguarded()) {
      if (Defined(use.name, local)) {
        for (auto& [n, u] : Missing(use.name, local, visiting, depth + 1)) out->emplace(n, u);
        continue;
      }
      if (out->contains(use.name)) continue;
      Location at = v.where();
      if (at.known() && use.line == 1 && use.col > 0)
        at.col += use.col - 1 + (StartsWithQuote(at) ? 1 : 0);
      out->emplace(use.name, Found{use, at, holder});
    }
  }

  void Add(const tmpl::NameUse& use, const Location& at, const playbook::Task& t,
           const std::vector<std::string>& local, const std::string& via = {}) {
    std::string key = at.str() + "\n" + use.name;
    if (!reported_.insert(key).second) return;
    std::vector<std::string_view> candidates(defined_.begin(), defined_.end());
    for (const std::string& m : MagicNames()) candidates.push_back(m);
    for (const std::string& l : local) candidates.push_back(l);
    std::string suggestion = ClosestMatch(use.name, candidates);
    std::string message =
        "'" + use.name + "' is undefined" + (use.mandatory ? " (required by | mandatory)" : "") +
        (via.empty() ? " in task \"" : " in the value of '" + via + "', used by task \"") +
        t.display_name() + "\"";
    if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
    Error e = MakeError(message, at);
    if (suggestion.empty())
      e.detail =
          "Define it (play or role vars, group_vars/host_vars, -e) or guard it with "
          "'| default(...)' or 'is defined'. Found before contacting any host.";
    errors_.push_back(std::move(e));
  }

  const playbook::Play& play_;
  const UndefinedCheckInput& input_;
  std::set<std::string, std::less<>> defined_;
  std::map<std::string, std::vector<Value>, std::less<>> defs_;
  std::set<std::string, std::less<>> opaque_defs_;
  bool opaque_ = false;
  bool after_end_ = false;
  std::vector<Checked> checks_;
  std::vector<std::shared_ptr<std::vector<playbook::Item>>> included_;
  std::set<std::string> reported_;
  std::vector<Error> errors_;
  bool collected_ = false;
};

}  // namespace

std::vector<Error> CheckUndefinedVariables(const playbook::Playbook& pb,
                                           const UndefinedCheckInput& input) {
  std::vector<Error> errors;
  if (!input.inventory || !input.matcher) return errors;
  // Names defined in a play stay defined in the next ones; after a play the
  // check cannot see through (it may define any name), later plays are not
  // checked: the check never refuses what Ansible runs.
  std::set<std::string> carried;
  for (const playbook::Play& play : pb.plays) {
    PlayCheck check(play, input);
    for (Error& e : check.Run(carried)) errors.push_back(std::move(e));
    if (!check.Carry(carried)) break;
  }
  return errors;
}

}  // namespace drover::executor
