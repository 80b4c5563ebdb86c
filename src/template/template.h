// drover's Jinja2 engine: the templating Ansible does, in C++.
//
// Pure: no I/O except through the Loader callback (include/import) and the
// Lookup callback (lookup()/query()), both supplied by the caller.
//
// Semantics follow Jinja2 3.x as Ansible 2.14 configures it:
//  - undefined variables are errors (StrictUndefined), except under
//    `default`/`d`, `is defined`/`is undefined` and `mandatory`; an attribute
//    of an undefined value is itself undefined (Ansible's AnsibleUndefined).
//  - `{{ none }}` prints "" (Ansible's finalize); containers print as
//    Python's repr ("[1, 'a']", "{'k': True}").
//  - variables whose values are themselves templates render lazily when
//    used (recursively, with loop detection).
// Typical use: parse once with Template::Parse, render many times.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::tmpl {

// Bounds that turn runaway nesting into a RenderError instead of a stack
// overflow or unbounded memory (Jinja2 raises RecursionError near 100).
// Nesting levels of one template's AST: statements, brackets, operators,
// filter chains.
inline constexpr int kMaxTemplateNesting = 500;
// Templates open at once through include/import (the chain is named).
inline constexpr int kMaxIncludeDepth = 50;

// Environment options (Jinja2's names).
struct Options {
  bool trim_blocks = true;  // Ansible's default for both templar and template:
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  // Ansible's do_template(preserve_trailing_newlines=True): after rendering,
  // pad the output with newlines up to the number the source ended with.
  // (Differs from keep_trailing_newline, e.g. for a trailing "{% endif %}\n".)
  bool preserve_trailing_newlines = false;
  // Ansible's templar doubles backslashes inside string literals of
  // expressions (so "\\n" in YAML stays a backslash-n); the template module
  // does not.
  bool escape_backslashes = false;

  // Options for the template module: trim_blocks, trailing newlines kept
  // as Ansible keeps them.
  static Options TemplateModule() {
    Options o;
    o.preserve_trailing_newlines = true;
    return o;
  }
  // Options for Ansible's templar (task arguments, variables, when:).
  static Options Templar() {
    Options o;
    o.escape_backslashes = true;
    o.preserve_trailing_newlines = true;
    return o;
  }
};

// Applies a leading `#jinja2: trim_blocks: False, lstrip_blocks: True` line
// to `options` and returns the text after that line (or `text` unchanged
// when there is no header). An unknown key or bad value is an error.
Result<std::string_view> ApplyHeaderOverrides(std::string_view text, Options* options);

// Variables visible to a template. Lookup returns nullptr for an unknown
// name; the pointer must stay valid for the duration of the render call.
// Implementations can layer scopes (host vars over group vars ...) without
// copying.
class Scope {
 public:
  virtual ~Scope() = default;
  virtual const Value* Lookup(std::string_view name) const = 0;
};

// A Scope over one map Value (e.g. extra vars).
class MapScope : public Scope {
 public:
  explicit MapScope(Value map) : map_(std::move(map)) {}
  const Value* Lookup(std::string_view name) const override;

 private:
  Value map_;
};

// Two scopes, `top` first (e.g. task vars over play vars).
class LayeredScope : public Scope {
 public:
  LayeredScope(const Scope& top, const Scope& bottom) : top_(top), bottom_(bottom) {}
  const Value* Lookup(std::string_view name) const override {
    if (const Value* v = top_.Lookup(name)) return v;
    return bottom_.Lookup(name);
  }

 private:
  const Scope& top_;
  const Scope& bottom_;
};

// Returns the text of the template `name` (as written in include/import),
// relative to the including template `from` (its name), or an error.
// The returned name identifies the loaded template in error messages.
struct LoadedTemplate {
  std::string name;
  std::string text;
};
using Loader =
    std::function<Result<LoadedTemplate>(const std::string& name, const std::string& from)>;

// lookup('name', args..., key=value...) / query(...). `wantlist` is true for
// query()/q() and lookup(..., wantlist=True); `scope` is the rendering
// template's variables.
using Lookup = std::function<Result<Value>(const std::string& plugin, const List& args,
                                           const Map& kwargs, bool wantlist, const Scope& scope)>;

struct Hooks {
  Loader loader;  // empty: include/import fail with a clear error
  Lookup lookup;  // empty: lookup()/query() fail with a clear error
};

// While alive, `lookup` serves lookup()/query() for renders on this thread
// whose Hooks have no lookup of their own (the executor installs one per
// task). Nests: the previous one is restored on destruction.
class ThreadLookup {
 public:
  explicit ThreadLookup(Lookup lookup);
  ~ThreadLookup();
  ThreadLookup(const ThreadLookup&) = delete;
  ThreadLookup& operator=(const ThreadLookup&) = delete;

 private:
  Lookup previous_;
};

class ParsedTemplate;  // the AST; opaque

// A parsed template. Cheap to copy (shares the AST); thread-compatible.
class Template {
 public:
  // Parses `text`. `name` is used in error locations ("name:line:col").
  // Syntax errors, unknown filters and unknown tests fail here (as Jinja2
  // fails at compile time), with "did you mean" hints.
  static Result<Template> Parse(std::string_view text, std::string name,
                                const Options& options = Options::TemplateModule());

  // Renders to text. Errors carry name:line:col and name the undefined
  // variable ("'x' is undefined").
  Result<std::string> Render(const Scope& scope, const Hooks& hooks = {}) const;

  const std::string& name() const;

 private:
  std::shared_ptr<const ParsedTemplate> parsed_;
};

// Parses and renders in one call (for one-off renders).
Result<std::string> RenderString(std::string_view text, const std::string& name, const Scope& scope,
                                 const Options& options, const Hooks& hooks = {});

// Ansible's templar: recursively templates the strings of `value` (lists and
// maps are copied; keys are templated too), leaving unsafe strings untouched.
// A string's result is text unless that text looks like a Python list, dict
// or bool ("[...", "{...", "True", "False"), which is turned back into that
// value as ansible-core 2.14 does (ansible_eval_concat's literal_eval); so
// "{{ [1, 2] }}" is a list, "{{ 1 + 1 }}" is the string "2".
// Vault values decrypt on use; a decryption failure is returned as the Error.
Result<Value> TemplateValue(const Value& value, const Scope& scope, const Hooks& hooks = {});

// Same, for one string (returns the converted value).
Result<Value> TemplateString(std::string_view text, const Scope& scope, const Hooks& hooks = {});

// True when `text` contains a Jinja2 start delimiter ({{, {% or {#).
bool IsPossiblyTemplate(std::string_view text);

// Ansible's conditional (when:, failed_when:, changed_when:, assert that:):
// a bare expression, evaluated as `{% if expr %}True{% else %}False{% endif %}`.
// An expression that is itself a template ("{{ x }}") is templated first, as
// Ansible does. Undefined variables are errors except under `is defined`,
// `is undefined` and `default`.
Result<bool> EvaluateConditional(std::string_view expr, const Scope& scope,
                                 const Hooks& hooks = {});

// Python's str() and repr() of a value, as Jinja2 prints them.
std::string PyStr(const Value& value);
std::string PyRepr(const Value& value);

// Python's ast.literal_eval for the literals Ansible produces (str, int,
// float, bool/true/false, None/null, list, tuple, dict). Returns nullopt
// when `text` is not such a literal.
std::optional<Value> LiteralEval(std::string_view text);

// Names of the filters and tests this engine knows (for docs and tests).
std::vector<std::string> FilterNames();
std::vector<std::string> TestNames();

}  // namespace drover::tmpl
