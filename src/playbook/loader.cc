#include "playbook/loader.h"

#include <filesystem>
#include <set>

#include "core/json.h"
#include "core/parser_error.h"
#include "core/suggest.h"
#include "playbook/deprecated_include.h"
#include "playbook/keywords.h"
#include "playbook/task_parser.h"
#include "template/template.h"
#include "vars/extra_vars.h"
#include "vars/hash_behaviour.h"
#include "vars/vars_file.h"

namespace drover::playbook {

namespace fs = std::filesystem;

namespace {

// A playbook, task file or role file of the wrong shape: ansible-playbook's
// AnsibleParserError (exit code 4).
Error ErrorAt(const Value& v, std::string message) {
  return AsParserError(MakeError(std::move(message), v.where()));
}

// A file or role that is not there: ansible-playbook's AnsibleError (exit
// code 1).
Error NotFoundAt(const Value& v, std::string message) {
  return MakeError(std::move(message), v.where());
}

// A YAML file of the playbook: a syntax error is a parser error (exit code
// 4), a missing or unreadable file a plain error (1), as Ansible's.
Result<Value> ParseFile(const std::string& path, Warnings* warnings) {
  Result<Value> doc = LoadYamlFile(path, warnings);
  std::error_code ignored;
  if (!doc && fs::is_regular_file(path, ignored)) return AsParserError(doc.take_error());
  return doc;
}

// Recursion guard and shared state for one playbook load.
class Loader {
 public:
  Loader(const LoadOptions& options, Warnings* warnings) : options_(options), warnings_(warnings) {}

  Status LoadPlaybookFile(const std::string& path, const Map* import_keywords,
                          std::vector<Play>& plays, int depth) {
    if (depth > 32) return MakeError("import_playbook nested too deeply at " + path);
    Result<Value> doc = ParseFile(path, warnings_);
    if (!doc) return doc.take_error();
    if (doc->is_null()) return Status();
    if (!doc->is_list()) {
      return ErrorAt(*doc, "a playbook must be a list of plays");
    }
    // playbook_dir is absolute, as Ansible's.
    const std::string dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
    for (const Value& entry : doc->as_list()) {
      if (!entry.is_map()) return ErrorAt(entry, "a play must be a mapping");
      const Map& m = entry.as_map();
      if (const Value* target = m.find("import_playbook")) {
        Status s = ImportPlaybook(entry, *target, dir, import_keywords, plays, depth);
        if (!s) return s;
        continue;
      }
      Result<Play> play = LoadPlay(entry, path, dir, import_keywords);
      if (!play) return play.take_error();
      plays.push_back(std::move(play).value());
    }
    return Status();
  }

  // include_role: the role's block, loaded as a `roles:` entry would be,
  // without the once-per-play rule (a dynamic include runs each time).
  Result<std::shared_ptr<const Block>> IncludedRole(const RoleInclude& include, const Play& play,
                                                    std::shared_ptr<const Role> parent,
                                                    bool in_play) {
    Context ctx;
    ctx.dir = play.dir;
    ctx.playbook_dir = play.dir;
    ctx.role = std::move(parent);
    ctx.parents_static = false;
    if (in_play) ctx.role_cache = play.role_cache.get();
    Map options;
    if (!include.tasks_from.empty()) options.set("tasks_from", Value(include.tasks_from));
    if (!include.vars_from.empty()) options.set("vars_from", Value(include.vars_from));
    if (!include.defaults_from.empty()) options.set("defaults_from", Value(include.defaults_from));
    if (!include.handlers_from.empty()) options.set("handlers_from", Value(include.handlers_from));
    options.set("allow_duplicates", Value(include.allow_duplicates));
    Map keywords;
    if (!include.vars.empty()) keywords.set("vars", Value(include.vars));
    Result<std::optional<Item>> item = LoadRoleItem(include.name, include.name.as_string(), Map{},
                                                    keywords, options, ctx, Apply::kInclude);
    if (!item) return item.take_error();
    return std::shared_ptr<const Block>((*item)->block);
  }

  Result<std::vector<Item>> TaskFile(const std::string& path, std::shared_ptr<const Role> role,
                                     bool handlers) {
    Result<Value> doc = ParseFile(path, warnings_);
    if (!doc) return doc.take_error();
    if (doc->is_null()) return std::vector<Item>{};
    if (!doc->is_list()) return ErrorAt(*doc, "a task file must be a list of tasks");
    Context ctx;
    ctx.dir = fs::path(path).parent_path().string();
    ctx.role = std::move(role);
    ctx.handlers = handlers;
    ctx.parents_static = false;  // loaded by a dynamic include
    return TaskList(*doc, ctx);
  }

 private:
  struct Context {
    std::string dir;  // directory of the file being read (for imports)
    std::shared_ptr<const Role> role;
    bool handlers = false;
    std::string playbook_dir;
    std::vector<std::shared_ptr<const Role>>* play_roles = nullptr;
    Play* play = nullptr;     // for its role names, while the play loads
    bool dependency = false;  // loading meta/main.yml dependencies
    std::vector<Item>* play_handlers = nullptr;
    // The `collections:` search list for short module names: the play's,
    // a block's, or a role's own (meta/main.yml; roles do not inherit it).
    std::vector<std::string> collections;
    RoleCache* role_cache = nullptr;  // the play's
    // No dynamic include (include_tasks, include_role) above: a deprecated
    // `include` here may be static (Ansible's all_parents_static()).
    bool parents_static = true;
  };

  // How a role is applied: Ansible keys its role cache differently for each.
  enum class Apply { kRolesEntry, kImport, kInclude };

  Status ImportPlaybook(const Value& entry, const Value& target, const std::string& dir,
                        const Map* outer, std::vector<Play>& plays, int depth) {
    Map keywords;
    for (const auto& [k, v] : entry.as_map()) {
      if (k == "import_playbook") continue;
      if (k != "name" && k != "vars" && k != "tags" && k != "when") {
        return ErrorAt(v, "unknown key '" + k + "' in import_playbook" +
                              DidYouMean(k, {"name", "vars", "tags", "when"}));
      }
      // The import's own name does not rename the imported plays (2.14).
      if (k != "name") keywords.set(k, v);
    }
    if (!target.is_string()) return ErrorAt(target, "import_playbook needs a file name");
    if (outer) MergeInherited(keywords, *outer);
    Result<std::string> rendered = RenderAtLoad(target, keywords.find("vars"), dir);
    if (!rendered) return rendered.take_error();
    const std::string file = std::move(rendered).value();
    fs::path p = fs::path(file).is_absolute() ? fs::path(file) : fs::path(dir) / file;
    std::error_code exists_error;  // a name too long for the filesystem is "not found"
    if (!fs::exists(p, exists_error))
      return NotFoundAt(target, "the playbook " + p.string() + " could not be found");
    return LoadPlaybookFile(p.lexically_normal().string(), &keywords, plays, depth + 1);
  }

  // Tags accumulate; other keywords from an outer import apply when unset.
  static void MergeInherited(Map& inner, const Map& outer) {
    for (const auto& [k, v] : outer) {
      if (k == "tags") {
        List tags = TagList(v);
        if (const Value* own = inner.find("tags")) {
          for (const Value& t : TagList(*own)) tags.push_back(t);
        }
        inner.set("tags", Value(std::move(tags)));
      } else if (!inner.contains(k)) {
        inner.set(k, v);
      }
    }
  }

  static List TagList(const Value& v) {
    List out;
    if (v.is_list()) {
      for (const Value& t : v.as_list()) out.push_back(t);
    } else if (v.is_string()) {
      std::string s = v.as_string();
      size_t start = 0;
      while (start <= s.size()) {
        size_t comma = s.find(',', start);
        std::string t = s.substr(start, comma == std::string::npos ? comma : comma - start);
        size_t b = t.find_first_not_of(' '), e = t.find_last_not_of(' ');
        if (b != std::string::npos)
          out.push_back(Value(t.substr(b, e - b + 1)).set_where(v.where()));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (!v.is_null()) {
      out.push_back(v);
    }
    return out;
  }

  Result<Play> LoadPlay(const Value& entry, const std::string& file, const std::string& dir,
                        const Map* import_keywords) {
    Play play;
    play.where = entry.where();
    play.file = file;
    play.dir = dir;
    play.roles_path = options_.roles_path;
    for (const auto& [k, v] : entry.as_map()) {
      if (!IsKeyword(Scope::kPlay, k)) {
        std::vector<std::string_view> candidates = KeywordsFor(Scope::kPlay);
        candidates.push_back("import_playbook");
        return ErrorAt(v, "unknown key '" + k + "' in play" + DidYouMean(k, candidates));
      }
      play.keywords.set(k, v);
    }
    if (import_keywords) MergeInherited(play.keywords, *import_keywords);
    const Value* hosts = play.keywords.find("hosts");
    if (!hosts || hosts->is_null())
      return ErrorAt(entry, "the play has no 'hosts'; add `hosts: all` or a group name");
    if (hosts->is_list()) {
      for (const Value& h : hosts->as_list()) play.hosts.push_back(ScalarText(h));
    } else {
      play.hosts.push_back(ScalarText(*hosts));
    }
    if (const Value* name = play.keywords.find("name"); name && name->is_string()) {
      play.name = name->as_string();
    } else {
      for (size_t i = 0; i < play.hosts.size(); ++i) play.name += (i ? "," : "") + play.hosts[i];
    }

    Context ctx;
    ctx.dir = dir;
    ctx.playbook_dir = dir;
    ctx.play_roles = &play.roles;
    ctx.play = &play;
    ctx.play_handlers = &play.handlers;
    ctx.collections = CollectionList(play.keywords.find("collections"));
    ctx.role_cache = play.role_cache.get();
    // Ansible compiles a play as pre_tasks, roles, tasks, post_tasks.
    if (Status s = Section(play.keywords, "pre_tasks", ctx, play.pre_tasks); !s)
      return s.take_error();
    if (const Value* roles = play.keywords.find("roles"); roles && !roles->is_null()) {
      if (!roles->is_list()) return ErrorAt(*roles, "'roles' must be a list");
      for (const Value& r : roles->as_list()) {
        Result<std::optional<Item>> item = RoleEntry(r, ctx);
        if (!item) return item.take_error();
        if (*item) play.tasks.push_back(**item);
      }
    }
    if (Status s = Section(play.keywords, "tasks", ctx, play.tasks); !s) return s.take_error();
    if (Status s = Section(play.keywords, "post_tasks", ctx, play.post_tasks); !s)
      return s.take_error();
    if (const Value* h = play.keywords.find("handlers"); h && !h->is_null()) {
      if (!h->is_list()) return ErrorAt(*h, "'handlers' must be a list");
      Context hctx = ctx;
      hctx.handlers = true;
      Result<std::vector<Item>> items = TaskList(*h, hctx);
      if (!items) return items.take_error();
      for (Item& i : *items) play.handlers.push_back(std::move(i));
    }
    return play;
  }

  static std::string ScalarText(const Value& v) {
    if (v.is_string()) return v.as_string();
    if (v.is_int()) return std::to_string(v.as_int());
    return std::string();
  }

  Status Section(const Map& keywords, const char* key, const Context& ctx, std::vector<Item>& out) {
    const Value* list = keywords.find(key);
    if (!list || list->is_null()) return Status();
    if (!list->is_list())
      return ErrorAt(*list, std::string("'") + key + "' must be a list of tasks");
    Result<std::vector<Item>> items = TaskList(*list, ctx);
    if (!items) return items.take_error();
    for (Item& i : *items) out.push_back(std::move(i));
    return Status();
  }

  Result<std::vector<Item>> TaskList(const Value& list, const Context& ctx) {
    std::vector<Item> out;
    for (const Value& entry : list.as_list()) {
      Result<std::optional<Item>> item = TaskOrBlock(entry, ctx);
      if (!item) return item.take_error();
      if (*item) out.push_back(**item);
    }
    return out;
  }

  Result<std::optional<Item>> TaskOrBlock(const Value& entry, const Context& ctx) {
    if (!entry.is_map())
      return ErrorAt(entry, "a task must be a mapping (`- name: ...`), not a " +
                                std::string(entry.type_name()));
    const Map& m = entry.as_map();
    if (m.contains("block")) return BlockEntry(entry, ctx);
    Result<Task> parsed =
        ParseTask(entry, ctx.handlers ? Scope::kHandler : Scope::kTask, ctx.collections);
    if (!parsed) return parsed.take_error();
    Task task = std::move(parsed).value();
    task.role = ctx.role;
    task.is_handler = ctx.handlers;
    if (IsDeprecatedInclude(task)) {
      if (warnings_) warnings_->push_back(MakeError(IncludeLoadDeprecation()));
      const bool is_static = IncludeIsStatic(task, ctx);
      task = ArgsAsVars(std::move(task));
      if (is_static) return ImportTasks(entry, std::move(task), ctx);
    }
    if (task.action == "import_tasks") return ImportTasks(entry, std::move(task), ctx);
    if (task.action == "import_role") return ImportRole(entry, std::move(task), ctx);
    Item item;
    item.task = std::make_shared<const Task>(std::move(task));
    return std::optional<Item>(std::move(item));
  }

  Result<std::optional<Item>> BlockEntry(const Value& entry, const Context& ctx) {
    auto block = std::make_shared<Block>();
    block->where = entry.where();
    block->role = ctx.role;
    Context inner = ctx;
    if (const Value* c = entry.as_map().find("collections")) inner.collections = CollectionList(c);
    for (const auto& [k, v] : entry.as_map()) {
      if (!IsKeyword(Scope::kBlock, k)) {
        return ErrorAt(
            v, "unknown key '" + k + "' in block" + DidYouMean(k, KeywordsFor(Scope::kBlock)));
      }
      if (k == "block" || k == "rescue" || k == "always") {
        if (v.is_null()) continue;
        if (!v.is_list()) return ErrorAt(v, "'" + k + "' must be a list of tasks");
        Result<std::vector<Item>> items = TaskList(v, inner);
        if (!items) return items.take_error();
        (k == "block"    ? block->block
         : k == "rescue" ? block->rescue
                         : block->always) = std::move(items).value();
        continue;
      }
      block->keywords.set(k, v);
    }
    Item item;
    item.block = block;
    return std::optional<Item>(std::move(item));
  }

  // helpers.py's choice for `include`: an import when its file name is not
  // a template, no dynamic include is above it and it has no loop.
  static bool IncludeIsStatic(const Task& task, const Context& ctx) {
    const Value* file = task.args.find("_raw_params");
    if (!file) file = task.args.find("file");
    if (!file || !file->is_string() || tmpl::IsPossiblyTemplate(file->as_string())) return false;
    if (!ctx.parents_static || task.keywords.contains("loop")) return false;
    for (const auto& [k, v] : task.keywords)
      if (k.starts_with("with_")) return false;
    return true;
  }

  // An `include`'s arguments besides the file name are variables of the
  // included tasks, over its `vars` (TaskInclude.get_vars).
  static Task ArgsAsVars(Task task) {
    Map vars;
    if (const Value* v = task.keywords.find("vars"); v && v->is_map()) vars = v->as_map();
    Map args;
    for (const auto& [k, v] : task.args)
      (k != "_raw_params" && k != "file" ? vars : args).set(k, v);
    if (!vars.empty()) task.keywords.set("vars", Value(std::move(vars)));
    task.args = std::move(args);
    return task;
  }

  // import_tasks: the file's tasks, in an implicit block carrying the
  // import's own keywords (tags, when, vars, ...).
  Result<std::optional<Item>> ImportTasks(const Value& entry, Task task, const Context& ctx) {
    const Value* file = task.args.find("_raw_params");
    if (!file) file = task.args.find("file");
    if (!file || !file->is_string()) return ErrorAt(entry, "import_tasks needs a file name");
    if (file->as_string().find("{{") != std::string::npos) {
      return ErrorAt(
          *file, "import_tasks is static and cannot use a templated file name; use include_tasks");
    }
    std::string path = ResolveTaskFile(file->as_string(), ctx);
    if (path.empty())
      return NotFoundAt(*file, "could not find the task file '" + file->as_string() + "'");
    if (++import_depth_ > 64) return ErrorAt(entry, "import_tasks nested too deeply (a loop?)");
    Context inner = ctx;
    inner.dir = fs::path(path).parent_path().string();
    Result<Value> doc = ParseFile(path, warnings_);
    if (!doc) return doc.take_error();
    auto block = std::make_shared<Block>();
    block->where = entry.where();
    block->role = ctx.role;
    block->keywords = task.keywords;
    block->keywords.erase("name");
    if (!doc->is_null()) {
      if (!doc->is_list()) return ErrorAt(*doc, "a task file must be a list of tasks");
      Result<std::vector<Item>> items = TaskList(*doc, inner);
      if (!items) return items.take_error();
      block->block = std::move(items).value();
    }
    --import_depth_;
    Item item;
    item.block = block;
    return std::optional<Item>(std::move(item));
  }

  std::string ResolveTaskFile(const std::string& name, const Context& ctx) const {
    std::vector<fs::path> candidates;
    if (fs::path(name).is_absolute()) {
      candidates.emplace_back(name);
    } else {
      if (ctx.role) candidates.push_back(fs::path(ctx.role->path) / "tasks" / name);
      candidates.push_back(fs::path(ctx.dir) / name);
      if (!ctx.playbook_dir.empty()) candidates.push_back(fs::path(ctx.playbook_dir) / name);
    }
    std::error_code ignored;  // a name too long for the filesystem is "not found"
    for (const fs::path& p : candidates)
      if (fs::is_regular_file(p, ignored)) return p.lexically_normal().string();
    return {};
  }

  Result<std::optional<Item>> ImportRole(const Value& entry, Task task, const Context& ctx) {
    Map role_entry = task.keywords;
    role_entry.erase("name");
    const Value* name = task.args.find("name");
    if (!name || !name->is_string()) return ErrorAt(entry, "import_role needs `name: ROLE`");
    Map options;
    for (const auto& [k, v] : task.args) {
      if (k == "name") continue;
      if (k != "tasks_from" && k != "vars_from" && k != "defaults_from" && k != "handlers_from" &&
          k != "allow_duplicates" && k != "public" && k != "rolespec_validate") {
        return ErrorAt(v, "unknown argument '" + k + "' for import_role" +
                              DidYouMean(k, {"name", "tasks_from", "vars_from", "defaults_from",
                                             "handlers_from"}));
      }
      options.set(k, v);
    }
    return LoadRoleItem(*name, name->as_string(), Map{}, role_entry, options, ctx, Apply::kImport);
  }

  // An entry of `roles:` or of meta/main.yml `dependencies:`.
  Result<std::optional<Item>> RoleEntry(const Value& r, const Context& ctx) {
    if (r.is_string())
      return LoadRoleItem(r, r.as_string(), Map{}, Map{}, Map{}, ctx, Apply::kRolesEntry);
    if (!r.is_map()) return ErrorAt(r, "a role entry must be a name or a mapping with `role:`");
    const Value* name = r.as_map().find("role");
    if (!name) name = r.as_map().find("name");
    if (!name || !name->is_string()) return ErrorAt(r, "a role entry needs `role: NAME`");
    Map params, keywords;
    for (const auto& [k, v] : r.as_map()) {
      if (k == "role" || (k == "name" && !r.as_map().contains("role"))) continue;
      if (IsKeyword(Scope::kRoleEntry, k))
        keywords.set(k, v);
      else
        params.set(k, v);  // anything else is a role parameter, as in Ansible
    }
    return LoadRoleItem(*name, name->as_string(), params, keywords, Map{}, ctx, Apply::kRolesEntry);
  }

  std::string FindRole(const std::string& name, const Context& ctx) const {
    std::vector<fs::path> candidates;
    if (name.find('/') != std::string::npos)
      candidates.emplace_back(fs::path(ctx.playbook_dir) / name);
    candidates.push_back(fs::path(ctx.playbook_dir) / "roles" / name);
    for (const std::string& dir : options_.roles_path) candidates.push_back(fs::path(dir) / name);
    candidates.push_back(fs::path(ctx.playbook_dir) / name);
    if (ctx.role) candidates.push_back(fs::path(ctx.role->path).parent_path() / name);
    std::error_code ignored;  // a name too long for the filesystem is "not found"
    for (const fs::path& p : candidates)
      if (fs::is_directory(p, ignored)) return p.lexically_normal().string();
    return {};
  }

  static std::string MainFile(const fs::path& dir, const std::string& base) {
    for (const char* ext : {".yml", ".yaml", ".json", ""}) {
      fs::path p = dir / (base + ext);
      std::error_code ignored;
      if (fs::is_regular_file(p, ignored)) return p.string();
    }
    return {};
  }

  // A role's vars, defaults or meta, as Ansible's Role._load_role_yaml:
  // main.{yml,yaml,json} (or a bare `main`), else every file of a main/
  // directory in sorted order, combined as combine_vars (later files win,
  // dicts merged with hash_behaviour=merge); a *_from name
  // looks for a directory or bare file first. Vault-encrypted files are
  // decrypted.
  Result<Map> RoleVarsFile(const fs::path& dir, const std::string& base, bool named) {
    std::vector<std::string> files;
    if (!named) {
      if (std::string file = MainFile(dir, base); !file.empty()) files.push_back(file);
    }
    if (files.empty()) files = vars::FindVarsFiles(dir.string(), base);
    std::error_code ignored;  // Ansible looks only when the directory is there
    if (files.empty() && named && fs::is_directory(dir, ignored)) {
      return AsParserError(MakeError(
          "Could not find specified file in role: " + dir.filename().string() + "/" + base));
    }
    Map merged;
    for (const std::string& file : files) {
      Result<Map> vars = vars::LoadVarsFile(file, warnings_);
      if (!vars) return AsParserError(vars.take_error());
      for (const auto& [k, v] : *vars) vars::CombineInto(merged, k, v);
    }
    return merged;
  }

  static std::string OptionText(const Map& options, const char* key, const char* fallback) {
    const Value* v = options.find(key);
    return v && v->is_string() ? v->as_string() : fallback;
  }

  // Ansible's Role.load cache key: the name as written and what it hashes
  // (role parameters, when, tags and vars of a `roles:` entry; the *_from
  // files and vars of an import_role/include_role).
  static std::string CacheKey(const std::string& name, const Map& params, const Map& keywords,
                              const Map& options, Apply how) {
    Map key = params;
    if (how == Apply::kRolesEntry) {
      for (const char* k : {"when", "tags"})
        if (const Value* v = keywords.find(k)) key.set(k, *v);
    }
    Map from_files;
    for (const char* k : {"tasks_from", "vars_from", "defaults_from", "handlers_from"})
      if (const Value* v = options.find(k)) from_files.set(k, *v);
    key.set("from_files", Value(std::move(from_files)));
    if (const Value* v = keywords.find("vars"); v && !v->is_null()) key.set("vars", *v);
    key.set("from_include", Value(how != Apply::kRolesEntry));
    JsonStyle sorted;
    sorted.sort_keys = true;
    return name + "\n" + ToJson(Value(std::move(key)), sorted);
  }

  // A name (role name, import_playbook path) rendered as Ansible renders it
  // at load time: with the -e variables, the play's (or import's) `vars`
  // and playbook_dir. Text without a template is returned as written.
  Result<std::string> RenderAtLoad(const Value& written, const Value* vars,
                                   const std::string& playbook_dir) const {
    const std::string& text = written.as_string();
    if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos) return text;
    tmpl::MapScope scope{
        Value(drover::vars::LoadTimeVars(options_.extra_vars, vars, &playbook_dir))};
    Result<Value> rendered = tmpl::TemplateValue(written, scope);
    if (!rendered) return rendered.take_error();
    if (!rendered->is_string()) return ErrorAt(written, "a name must render to text");
    return rendered->as_string();
  }

  Result<std::optional<Item>> LoadRoleItem(const Value& name_value, const std::string& written,
                                           Map params, Map keywords, const Map& options,
                                           const Context& ctx, Apply how) {
    // roles: entries, dependencies and import_role: the name is rendered
    // with the play's vars, as Ansible's RoleDefinition does (include_role's
    // at run time, per host).
    std::string name = written;
    if (how != Apply::kInclude) {
      Result<std::string> rendered = RenderAtLoad(
          name_value, ctx.play ? ctx.play->keywords.find("vars") : nullptr, ctx.playbook_dir);
      if (!rendered) return rendered.take_error();
      name = std::move(rendered).value();
    }
    std::string path = FindRole(name, ctx);
    if (path.empty()) {
      return NotFoundAt(name_value, "the role '" + name + "' was not found in " + ctx.playbook_dir +
                                        "/roles, the roles_path or " + ctx.playbook_dir);
    }
    const std::string tasks_from = OptionText(options, "tasks_from", "main");
    if (role_stack_.count(path))
      return ErrorAt(name_value, "role dependency loop through '" + name + "'");

    auto role = std::make_shared<Role>();
    role->name = fs::path(path).filename().string();
    role->path = path;
    role->params = params;
    if (how != Apply::kRolesEntry && ctx.role) {
      role->parent_names = ctx.role->parent_names;
      role->parent_names.insert(role->parent_names.begin(), ctx.role->name);
      role->parent_paths = ctx.role->parent_paths;
      role->parent_paths.insert(role->parent_paths.begin(), ctx.role->path);
    }
    if (ctx.play) {
      if (ctx.dependency)
        ctx.play->dependency_role_names.insert(role->name);
      else if (how != Apply::kInclude)
        ctx.play->role_names.push_back(role->name);
    }
    Result<Map> defaults =
        RoleVarsFile(fs::path(path) / "defaults", OptionText(options, "defaults_from", "main"),
                     options.contains("defaults_from"));
    if (!defaults) return defaults.take_error();
    role->defaults = std::move(defaults).value();
    Result<Map> vars =
        RoleVarsFile(fs::path(path) / "vars", OptionText(options, "vars_from", "main"),
                     options.contains("vars_from"));
    if (!vars) return vars.take_error();
    role->vars = std::move(vars).value();

    auto block = std::make_shared<Block>();
    block->where = name_value.where();
    block->keywords = std::move(keywords);
    block->role = role;
    block->role_entry = true;
    if (!role->params.empty()) {
      // Role parameters behave as variables of the role's tasks.
      block->keywords.set("_role_params", Value(role->params));
    }

    role_stack_.insert(path);
    Context inner = ctx;
    inner.role = role;
    inner.dependency = false;
    inner.dir = (fs::path(path) / "tasks").string();
    // meta/main.yml dependencies run first, inside the role's block so the
    // role's keywords (tags, when) apply to them too.
    Result<Map> meta = RoleVarsFile(fs::path(path) / "meta", "main", false);
    if (!meta) return meta.take_error();
    bool created = true;
    role->slot =
        ctx.role_cache
            ? ctx.role_cache->Slot(CacheKey(name, params, block->keywords, options, how), &created)
            : std::make_shared<RoleSlot>();
    {
      std::lock_guard lock(role->slot->mu);
      if (created) role->slot->allow_duplicates = KeywordIsTrue(meta->find("allow_duplicates"));
      // import_role/include_role set it on the shared role, default true.
      if (how != Apply::kRolesEntry)
        role->slot->allow_duplicates = !options.contains("allow_duplicates") ||
                                       KeywordIsTrue(options.find("allow_duplicates"));
    }
    inner.collections = CollectionList(meta->find("collections"));
    if (const Value* deps = meta->find("dependencies"); deps && deps->is_list()) {
      Context dctx = inner;
      dctx.dependency = true;
      for (const Value& d : deps->as_list()) {
        Result<std::optional<Item>> dep = RoleEntry(d, dctx);
        if (!dep) return dep.take_error();
        if (*dep) block->block.push_back(**dep);
      }
    }
    std::string tasks_file = MainFile(fs::path(path) / "tasks", tasks_from);
    std::error_code no_dir;
    if (tasks_file.empty() && options.contains("tasks_from") &&
        fs::is_directory(fs::path(path) / "tasks", no_dir)) {
      return ErrorAt(name_value, "Could not find specified file in role: tasks/" + tasks_from +
                                     " (role '" + name + "')");
    }
    if (!tasks_file.empty()) {
      Result<Value> doc = ParseFile(tasks_file, warnings_);
      if (!doc) return doc.take_error();
      if (!doc->is_null()) {
        if (!doc->is_list()) return ErrorAt(*doc, "a task file must be a list of tasks");
        Context tctx = inner;
        tctx.dir = fs::path(tasks_file).parent_path().string();
        Result<std::vector<Item>> items = TaskList(*doc, tctx);
        if (!items) return items.take_error();
        for (Item& i : *items) block->block.push_back(std::move(i));
      }
    }
    std::string handlers_file =
        MainFile(fs::path(path) / "handlers", OptionText(options, "handlers_from", "main"));
    if (!handlers_file.empty()) {
      Result<Value> doc = ParseFile(handlers_file, warnings_);
      if (!doc) return doc.take_error();
      if (!doc->is_null()) {
        if (!doc->is_list()) return ErrorAt(*doc, "a handlers file must be a list of tasks");
        Context hctx = inner;
        hctx.handlers = true;
        Result<std::vector<Item>> items = TaskList(*doc, hctx);
        if (!items) return items.take_error();
        block->handlers = std::move(items).value();
        if (ctx.play_handlers && created) {
          for (const Item& h : block->handlers) ctx.play_handlers->push_back(h);
        }
      }
    }
    role_stack_.erase(path);
    if (ctx.play_roles && created) ctx.play_roles->push_back(role);
    Item item;
    item.block = block;
    return std::optional<Item>(std::move(item));
  }

  const LoadOptions& options_;
  Warnings* warnings_;
  std::set<std::string> role_stack_;
  int import_depth_ = 0;
};

}  // namespace

Result<Playbook> LoadPlaybook(const std::string& path, const LoadOptions& options,
                              Warnings* warnings) {
  Playbook pb;
  pb.path = path;
  Loader loader(options, warnings);
  Status s = loader.LoadPlaybookFile(path, nullptr, pb.plays, 0);
  if (!s) return s.take_error();
  return pb;
}

Result<std::vector<Item>> LoadTaskFile(const std::string& path, std::shared_ptr<const Role> role,
                                       Warnings* warnings, bool handlers) {
  LoadOptions options;
  Loader loader(options, warnings);
  return loader.TaskFile(path, std::move(role), handlers);
}

Result<std::shared_ptr<const Block>> LoadIncludedRole(const RoleInclude& include, const Play& play,
                                                      std::shared_ptr<const Role> parent,
                                                      Warnings* warnings, bool in_play) {
  if (!include.name.is_string() || include.name.as_string().empty())
    return MakeError("include_role needs `name: ROLE`", include.name.where());
  LoadOptions options;
  options.roles_path = play.roles_path;
  Loader loader(options, warnings);
  return loader.IncludedRole(include, play, std::move(parent), in_play);
}

}  // namespace drover::playbook
