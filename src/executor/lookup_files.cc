// The lookup plugins that read the controller's files or run its commands:
// file, fileglob, first_found, template, lines, pipe, unvault.
#include <glob.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/file_util.h"
#include "core/secrets.h"
#include "executor/lookup_plugins.h"
#include "executor/template_file_vars.h"
#include "template/search_path_loader.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string TermText(const Value& term) {
  return term.is_string() ? term.as_string() : tmpl::PyStr(term);
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// The search path's directories, in Ansible's order.
std::vector<std::string> SearchDirs(const LookupContext& ctx) {
  std::vector<std::string> dirs;
  for (const std::string& d : {ctx.role_path, ctx.task_dir, ctx.playbook_dir})
    if (!d.empty() && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  if (dirs.empty()) dirs.push_back(".");
  return dirs;
}

// A vaulted file's plaintext (else its text as is). The plaintext is
// registered as a secret, so output masks it like any vault value.
std::string Decrypted(std::string text) {
  if (text.rfind("$ANSIBLE_VAULT;", 0) != 0) return text;
  try {
    std::string plain = Value::Vault(std::move(text)).as_string();
    RegisterSecret(plain);
    return plain;
  } catch (const Failure& f) {
    // Ansible's message when no vault secret was given; else the decryptor's.
    const bool no_secret = f.error.message.find("no vault password") != std::string::npos;
    throw LookupFailure{
        LookupFailure::kUnhandled,
        no_secret ? "Attempting to decrypt but no vault secrets found" : f.error.message,
        "ansible.parsing.vault.AnsibleVaultError"};
  }
}

std::string Strip(std::string s, bool left, bool right) {
  const char* ws = " \t\n\r\f\v";
  if (right) {
    size_t end = s.find_last_not_of(ws);
    s.erase(end == std::string::npos ? 0 : end + 1);
  }
  if (left) s.erase(0, std::min(s.size(), s.find_first_not_of(ws)));
  return s;
}

std::string ReadText(const std::string& path, const std::string& term) {
  Result<std::string> text = ReadFile(path);
  if (!text)
    throw LookupFailure{LookupFailure::kUnhandled, "could not locate file in lookup: " + term};
  return std::move(text).value();
}

// find_file_in_search_path without ignore_missing: warns when not found.
std::string FindOrWarn(const LookupCall& c, const std::string& subdir, const std::string& term) {
  std::string path = FindInSearchPath(c.ctx, subdir, term);
  if (path.empty() && c.warn)
    c.warn("Unable to find '" + term + "' in expected paths (use -vvvvv to see paths)");
  return path;
}

List FilePlugin(const LookupCall& c) {
  bool lstrip = OptionBool(c.options, "lstrip", false);
  bool rstrip = OptionBool(c.options, "rstrip", true);
  List out;
  for (const Value& t : c.terms) {
    std::string term = TermText(t);
    std::string path = FindOrWarn(c, "files", term);
    if (path.empty())
      throw LookupFailure{LookupFailure::kUnhandled, "could not locate file in lookup: " + term};
    out.push_back(Value(Strip(Decrypted(ReadText(path, term)), lstrip, rstrip)));
  }
  return out;
}

List Unvault(const LookupCall& c) {
  List out;
  for (const Value& t : c.terms) {
    std::string term = TermText(t);
    std::string path = FindInSearchPath(c.ctx, "files", term);
    if (path.empty())
      throw LookupFailure{LookupFailure::kUnhandled,
                          "Unable to find file matching \"" + term + "\" "};
    out.push_back(Value(Decrypted(ReadText(path, term))));
  }
  return out;
}

List Fileglob(const LookupCall& c) {
  List out;
  for (const Value& t : c.terms) {
    std::string term = TermText(t);
    std::string file = fs::path(term).filename().string();
    std::vector<std::string> dirs;
    if (file != term) {
      std::string dir = fs::path(term).parent_path().string();
      std::string found = FindInSearchPath(c.ctx, "files", dir);
      if (!found.empty()) dirs.push_back(found);
    } else {
      for (const std::string& d : SearchDirs(c.ctx)) {
        dirs.push_back(Join(d, "files"));
        dirs.push_back(d);
      }
    }
    for (const std::string& dir : dirs) {
      glob_t g{};
      std::vector<std::string> found;
      if (::glob(Join(dir, file).c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i)
          if (IsRegularFile(g.gl_pathv[i])) found.emplace_back(g.gl_pathv[i]);
      ::globfree(&g);
      if (found.empty()) continue;
      std::sort(found.begin(), found.end());
      for (std::string& f : found) out.push_back(Value(std::move(f)));
      break;
    }
  }
  return out;
}

// first_found's _split_on: strings split on any of `seps`; lists recursed.
void SplitOn(const Value& v, std::string_view seps, std::vector<std::string>& out) {
  if (v.is_null()) return;
  if (v.is_list()) {
    for (const Value& e : v.as_list()) SplitOn(e, seps, out);
    return;
  }
  std::string s = TermText(v);
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      std::string part = Strip(s.substr(start, i - start), true, true);
      if (!part.empty()) out.push_back(part);
      start = i + 1;
    }
  }
}

void FirstFoundTerms(const List& terms, const Map& kwargs, std::vector<std::string>& search,
                     bool& skip) {
  for (const Value& term : terms) {
    const Map* opts = &kwargs;
    if (term.is_map()) {
      opts = &term.as_map();
    } else if (term.is_list()) {
      FirstFoundTerms(term.as_list(), kwargs, search, skip);
      continue;
    } else if (!term.is_string()) {
      throw LookupFailure{LookupFailure::kLookupError,
                          "Invalid term supplied, can handle string, mapping or list of strings "
                          "but got: <class '" +
                              std::string(term.is_bool() ? "bool" : "int") + "'> for " +
                              tmpl::PyStr(term)};
    }
    std::vector<std::string> files, paths;
    if (const Value* f = opts->find("files")) SplitOn(*f, ",;", files);
    if (const Value* p = opts->find("paths")) SplitOn(*p, ",:;", paths);
    skip = OptionBool(*opts, "skip", false);
    if (!paths.empty()) {
      for (const std::string& p : paths)
        for (const std::string& f : files) search.push_back(Join(p, f));
    } else if (!files.empty()) {
      search = files;
    } else {
      search.push_back(term.as_string());
    }
  }
}

List FirstFound(const LookupCall& c) {
  std::vector<std::string> search;
  bool skip = false;
  FirstFoundTerms(c.terms, c.options, search, skip);
  for (const std::string& fn : search) {
    Result<Value> name = tmpl::TemplateString(fn, c.scope);
    if (!name) continue;  // an undefined variable skips the candidate
    std::string path = FindInSearchPath(c.ctx, "files", TermText(*name));
    if (!path.empty()) return List{Value(path)};
  }
  if (skip) return {};
  throw LookupFailure{LookupFailure::kLookupError, "No file was found when using first_found."};
}

List TemplatePlugin(const LookupCall& c) {
  for (const char* unsupported : {"variable_start_string", "variable_end_string",
                                  "comment_start_string", "comment_end_string"})
    if (c.options.contains(unsupported))
      throw LookupFailure{LookupFailure::kOptions, "template lookup: " + std::string(unsupported) +
                                                       " is not supported by drover"};
  if (OptionBool(c.options, "jinja2_native", false))
    throw LookupFailure{LookupFailure::kOptions,
                        "template lookup: jinja2_native is not supported by drover"};
  bool convert = OptionBool(c.options, "convert_data", true);
  Map extra;
  if (const Value* tv = c.options.find("template_vars"); tv && tv->is_map()) extra = tv->as_map();
  List out;
  for (const Value& t : c.terms) {
    std::string term = TermText(t);
    std::string path = FindOrWarn(c, "templates", term);
    if (path.empty())
      throw LookupFailure{LookupFailure::kUnhandled,
                          "the template file " + term + " could not be found for the lookup"};
    std::string text = ReadText(path, term);
    // generate_ansible_template_vars(term, path), then template_vars over them.
    Result<Map> own = TemplateFileVars(term, path, "");
    if (!own) throw LookupFailure{LookupFailure::kUnhandled, own.error().message};
    for (const auto& [k, v] : extra) own->set(k, v);
    tmpl::MapScope top{Value(std::move(*own))};
    tmpl::LayeredScope scope(top, c.scope);
    tmpl::Options options = tmpl::Options::TemplateModule();
    Result<tmpl::Template> parsed = tmpl::Template::Parse(text, path, options);
    if (!parsed) throw LookupFailure{LookupFailure::kUnhandled, parsed.error().message};
    // include/import/extends: the template's dir, then ansible_search_path
    // with each dir's templates/ first (Ansible's template lookup).
    std::vector<std::string> search = {fs::path(path).parent_path().string()};
    for (const std::string& d :
         tmpl::TemplateSearchPath({c.ctx.role_path, c.ctx.task_dir, c.ctx.playbook_dir}))
      search.push_back(d);
    tmpl::Hooks hooks;
    hooks.loader = tmpl::SearchPathLoader(std::move(search));
    Result<std::string> rendered = parsed->Render(scope, hooks);
    if (!rendered) throw LookupFailure{LookupFailure::kUndefined, rendered.error().message};
    std::optional<Value> data;
    const std::string& r = *rendered;
    if (convert && !r.empty() && (r[0] == '[' || r[0] == '{' || r == "True" || r == "False"))
      data = tmpl::LiteralEval(r);
    out.push_back(data ? *data : Value(r));
  }
  return out;
}

// Runs `command` with the controller's /bin/sh; returns its stdout and exit code.
std::string RunShell(const std::string& command, int* rc) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    *rc = 127;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

// The output of `term` run by the controller's shell; a non-zero exit is
// the plugin's failure ("lookup_plugin.NAME(TERM) returned RC").
std::string RunTerm(const char* plugin, const std::string& term) {
  int rc = 0;
  std::string text = RunShell(term, &rc);
  if (rc != 0)
    throw LookupFailure{LookupFailure::kUnhandled, std::string("lookup_plugin.") + plugin + "(" +
                                                       term + ") returned " + std::to_string(rc)};
  return text;
}

List Pipe(const LookupCall& c) {
  List out;
  for (const Value& t : c.terms)
    out.push_back(Value(Strip(RunTerm("pipe", TermText(t)), false, true)));
  return out;
}

List Lines(const LookupCall& c) {
  List out;
  for (const Value& t : c.terms) {
    const std::string text = RunTerm("lines", TermText(t));
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      out.push_back(Value(text.substr(start, nl - start)));
      start = nl + 1;
    }
  }
  return out;
}

}  // namespace

std::string FindInSearchPath(const LookupContext& ctx, const std::string& subdir,
                             const std::string& name) {
  if (name.empty()) return "";
  if (name[0] == '/' || name[0] == '~') {
    std::string path = name;
    if (name[0] == '~')
      if (const char* home = std::getenv("HOME")) path = home + name.substr(1);
    return Exists(path) ? path : "";
  }
  const bool under_subdir = name.substr(0, name.find('/')) == subdir;
  for (const std::string& dir : SearchDirs(ctx)) {
    if (!under_subdir)
      if (std::string p = Join(Join(dir, subdir), name); Exists(p)) return p;
    if (std::string p = Join(dir, name); Exists(p)) return p;
  }
  return "";
}

void AddFilePlugins(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["file"] = FilePlugin;
  m["unvault"] = Unvault;
  m["fileglob"] = Fileglob;
  m["first_found"] = FirstFound;
  m["template"] = TemplatePlugin;
  m["pipe"] = Pipe;
  m["lines"] = Lines;
}

}  // namespace drover::executor
