// The public API: parsing, rendering, Ansible's templar and conditionals.
#include "template/template.h"

#include <algorithm>
#include <stdexcept>
#include <variant>

#include "template/lexer.h"
#include "template/parser.h"
#include "template/runtime.h"

namespace drover::tmpl {

const Value* MapScope::Lookup(std::string_view name) const {
  if (!map_.is_map()) return nullptr;
  return map_.as_map().find(name);
}

namespace {

Error ToError(const RenderError& e, const std::string& fallback_name, int line, int col) {
  Location where;
  where.file = std::make_shared<const std::string>(e.template_name.empty() ? fallback_name
                                                                           : e.template_name);
  where.line = e.line ? e.line : line;
  where.col = e.line ? e.col : col;
  Error err = MakeError(e.message, where);
  if (!e.undefined_name.empty()) err.detail = "undefined variable: " + e.undefined_name;
  return err;
}

Error SyntaxToError(const SyntaxError& e, const std::string& name) {
  Location where;
  where.file = std::make_shared<const std::string>(name);
  where.line = e.line;
  where.col = e.col;
  return MakeError("template syntax error: " + e.message, where);
}

bool ParseBoolLiteral(std::string_view s, bool* out) {
  if (s == "True" || s == "true") {
    *out = true;
    return true;
  }
  if (s == "False" || s == "false") {
    *out = false;
    return true;
  }
  return false;
}

// Runs `fn` converting internal exceptions to an Error.
template <typename T, typename Fn>
Result<T> Guard(const std::string& name, Renderer* r, Fn&& fn) {
  try {
    return fn();
  } catch (const RenderError& e) {
    return ToError(e, name, r ? r->line() : 0, r ? r->col() : 0);
  } catch (const SyntaxError& e) {
    return SyntaxToError(e, name);
  } catch (const Failure& f) {
    return f.error;
  } catch (const std::bad_variant_access&) {
    RenderError e("unsupported operand type in template expression");
    return ToError(e, name, r ? r->line() : 0, r ? r->col() : 0);
  } catch (const std::out_of_range& ex) {
    RenderError e(std::string("index out of range: ") + ex.what());
    return ToError(e, name, r ? r->line() : 0, r ? r->col() : 0);
  } catch (const std::invalid_argument& ex) {
    RenderError e(std::string("invalid literal: ") + ex.what());
    return ToError(e, name, r ? r->line() : 0, r ? r->col() : 0);
  }
}

}  // namespace

Result<std::string_view> ApplyHeaderOverrides(std::string_view text, Options* options) {
  constexpr std::string_view kHeader = "#jinja2:";
  if (text.substr(0, kHeader.size()) != kHeader) return text;
  size_t eol = text.find('\n');
  std::string_view line =
      text.substr(kHeader.size(),
                  eol == std::string_view::npos ? std::string_view::npos : eol - kHeader.size());
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  size_t start = 0;
  while (start <= line.size()) {
    size_t comma = line.find(',', start);
    std::string_view pair = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t colon = pair.find(':');
    auto trim = [](std::string_view s) {
      while (!s.empty() && PyIsSpace(s.front())) s.remove_prefix(1);
      while (!s.empty() && PyIsSpace(s.back())) s.remove_suffix(1);
      return s;
    };
    if (colon == std::string_view::npos)
      return MakeError("failed to parse jinja2 override '" + std::string(trim(pair)) +
                       "'. Did you use something different from colon as key-value separator?");
    std::string_view key = trim(pair.substr(0, colon));
    std::string_view val = trim(pair.substr(colon + 1));
    bool b = false;
    bool* target = key == "trim_blocks"             ? &options->trim_blocks
                   : key == "lstrip_blocks"         ? &options->lstrip_blocks
                   : key == "keep_trailing_newline" ? &options->keep_trailing_newline
                                                    : nullptr;
    if (!target)
      return MakeError("unsupported jinja2 override '" + std::string(key) +
                       "' (drover supports trim_blocks, lstrip_blocks, keep_trailing_newline)");
    if (!ParseBoolLiteral(val, &b))
      return MakeError("jinja2 override " + std::string(key) + ": expected True or False, got '" +
                       std::string(val) + "'");
    *target = b;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return rest;
}

Result<Template> Template::Parse(std::string_view text, std::string name, const Options& options) {
  auto pt = std::make_shared<ParsedTemplate>();
  pt->name = name;
  pt->name_ptr = std::make_shared<const std::string>(name);
  pt->options = options;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '\n'; --i) ++pt->source_trailing_newlines;
  std::string escaped;
  if (options.escape_backslashes && text.find('\\') != std::string_view::npos &&
      text.find("{{") != std::string_view::npos) {
    escaped = EscapeBackslashesInVariables(text, options);
    text = escaped;
  }
  try {
    pt->body = ParseTemplate(text, options, &pt->blocks);
  } catch (const SyntaxError& e) {
    return SyntaxToError(e, name);
  } catch (const RenderError& e) {
    return ToError(e, name, 0, 0);
  } catch (const std::exception& e) {
    return MakeError(std::string("template syntax error: ") + e.what());
  }
  Template t;
  t.parsed_ = std::move(pt);
  return t;
}

const std::string& Template::name() const {
  return parsed_->name;
}

Result<std::string> Template::Render(const Scope& scope, const Hooks& hooks) const {
  auto shared = std::make_shared<Renderer::Shared>();
  Renderer r(*parsed_, scope, hooks, shared);
  return Guard<std::string>(parsed_->name, &r, [&]() {
    std::string out;
    r.Run(out);
    if (parsed_->options.preserve_trailing_newlines) {
      size_t have = 0;
      for (size_t i = out.size(); i > 0 && out[i - 1] == '\n'; --i) ++have;
      if (parsed_->source_trailing_newlines > have)
        out.append(parsed_->source_trailing_newlines - have, '\n');
    }
    return out;
  });
}

Result<std::string> RenderString(std::string_view text, const std::string& name, const Scope& scope,
                                 const Options& options, const Hooks& hooks) {
  Options opts = options;
  Result<std::string_view> body = ApplyHeaderOverrides(text, &opts);
  if (!body) return body.take_error();
  Result<Template> t = Template::Parse(*body, name, opts);
  if (!t) return t.take_error();
  return t->Render(scope, hooks);
}

bool IsPossiblyTemplate(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos ||
         text.find("{#") != std::string_view::npos;
}

bool NeedsTemplating(const Value& v) {
  switch (v.type()) {
    case Value::Type::kString:
      if (v.is_unsafe() || v.is_vault()) return false;
      return IsPossiblyTemplate(v.as_string());
    case Value::Type::kList:
      for (const Value& e : v.as_list())
        if (NeedsTemplating(e)) return true;
      return false;
    case Value::Type::kMap:
      for (const auto& [k, e] : v.as_map())
        if (NeedsTemplating(e)) return true;
      return false;
    default: return false;
  }
}

namespace {

// The name in "{{ name }}" (Ansible's SINGLE_VAR: ^{{\\s*(\\w*)\\s*}}$), or "".
std::string_view SingleVarName(std::string_view t) {
  if (t.size() < 5 || t.substr(0, 2) != "{{" || t.substr(t.size() - 2) != "}}") return {};
  std::string_view in = t.substr(2, t.size() - 4);
  size_t b = 0, e = in.size();
  while (b < e && PyIsSpace(in[b])) ++b;
  while (e > b && PyIsSpace(in[e - 1])) --e;
  std::string_view name = in.substr(b, e - b);
  for (char c : name)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_')) return {};
  return name;
}

size_t TrailingNewlines(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\n') ++n;
  return n;
}

// Ansible's do_template for one string, then ansible_eval_concat's
// conversion of list/dict/bool-looking results.
Value TemplateStringImpl(const Value& sv, const Scope& scope, const Hooks& hooks,
                         const std::shared_ptr<Renderer::Shared>& shared) {
  const std::string& text = sv.as_string();
  if (sv.is_unsafe() || !IsPossiblyTemplate(text)) return sv;
  // Ansible's SINGLE_VAR shortcut: "{{ name }}" naming a bool/number/None
  // variable yields it unchanged (no str() round trip).
  if (std::string_view name = SingleVarName(text); !name.empty()) {
    if (const Value* v = scope.Lookup(name)) {
      if (v->is_bool() || v->is_int() || v->is_float() || v->is_null()) return *v;
    }
  }
  Options opts = Options::Templar();
  std::string_view body = text;
  if (body.substr(0, 8) == "#jinja2:") {
    Result<std::string_view> b = ApplyHeaderOverrides(body, &opts);
    if (!b) throw RenderError(b.error().message);
    body = *b;
  }
  auto pt = std::make_shared<ParsedTemplate>();
  pt->name = "<template>";
  pt->options = opts;
  std::string escaped;
  if (opts.escape_backslashes && body.find('\\') != std::string_view::npos &&
      body.find("{{") != std::string_view::npos) {
    escaped = EscapeBackslashesInVariables(body, opts);
    body = escaped;
  }
  try {
    pt->body = ParseTemplate(body, opts, &pt->blocks);
  } catch (const SyntaxError& e) {
    throw RenderError("template error while templating string: " + e.message + ". String: " + text,
                      e.line, e.col);
  }
  if (++shared->depth > 100) {
    --shared->depth;
    throw RenderError("recursive loop detected in template string: " + text);
  }
  struct Dec {
    int& d;
    ~Dec() { --d; }
  } dec{shared->depth};
  Renderer r(*pt, scope, hooks, shared);
  std::string out;
  r.Run(out);
  size_t want = TrailingNewlines(text);
  size_t have = TrailingNewlines(out);
  if (want > have) out.append(want - have, '\n');
  // A single output node from to_json/string/... stays text.
  if (r.output_nodes() == 1 && r.last_native_text()) return Value(std::move(out));
  if ((!out.empty() && (out[0] == '{' || out[0] == '[')) || out == "True" || out == "False") {
    if (std::optional<Value> v = LiteralEval(out)) return *v;
  }
  return Value(std::move(out));
}

}  // namespace

Value TemplateValueImpl(const Value& v, const Scope& scope, const Hooks& hooks,
                        const std::shared_ptr<Renderer::Shared>& shared) {
  switch (v.type()) {
    case Value::Type::kString:
      if (v.is_vault()) return v;
      return TemplateStringImpl(v, scope, hooks, shared);
    case Value::Type::kList: {
      if (!NeedsTemplating(v)) return v;
      List out;
      out.reserve(v.as_list().size());
      for (const Value& e : v.as_list()) out.push_back(TemplateValueImpl(e, scope, hooks, shared));
      return Value(std::move(out));
    }
    case Value::Type::kMap: {
      if (!NeedsTemplating(v)) return v;
      Map out;
      // Keys are not templated (as Ansible's templar).
      for (const auto& [k, e] : v.as_map()) out.set(k, TemplateValueImpl(e, scope, hooks, shared));
      return Value(std::move(out));
    }
    default: return v;
  }
}

Result<Value> TemplateValue(const Value& value, const Scope& scope, const Hooks& hooks) {
  auto shared = std::make_shared<Renderer::Shared>();
  return Guard<Value>("<template>", nullptr,
                      [&]() { return TemplateValueImpl(value, scope, hooks, shared); });
}

Result<Value> TemplateString(std::string_view text, const Scope& scope, const Hooks& hooks) {
  return TemplateValue(Value(text), scope, hooks);
}

Result<bool> EvaluateConditional(std::string_view expr, const Scope& scope, const Hooks& hooks) {
  auto shared = std::make_shared<Renderer::Shared>();
  std::string text(expr);
  // A conditional that is itself a template is templated first (Ansible
  // warns about this but does it).
  if (IsPossiblyTemplate(text)) {
    Result<Value> first = Guard<Value>("<conditional>", nullptr, [&]() {
      return TemplateValueImpl(Value(text), scope, hooks, shared);
    });
    if (!first) return first.take_error();
    if (!first->is_string()) return first->truthy();
    text = first->as_string();
    if (text.empty()) return false;
  }
  // Ansible: {% if expr %} True {% else %} False {% endif %}
  Options opts;
  auto pt = std::make_shared<ParsedTemplate>();
  pt->name = "<conditional>";
  pt->options = opts;
  Renderer r(*pt, scope, hooks, shared);
  Result<bool> res = Guard<bool>("<conditional>", &r, [&]() {
    ExprPtr e = ParseBareExpression(text, opts);
    return r.Truthy(r.Eval(*e));
  });
  if (!res) {
    Error err = res.take_error();
    err.message = "error while evaluating conditional (" + std::string(expr) + "): " + err.message;
    return err;
  }
  return res;
}

std::vector<std::string> FilterNames() {
  std::vector<std::string> names;
  for (auto& [k, v] : Filters()) names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> TestNames() {
  std::vector<std::string> names;
  for (auto& [k, v] : Tests()) names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

const FilterTable& Filters() {
  static const FilterTable t = [] {
    FilterTable f;
    RegisterJinjaFilters(f);
    RegisterAnsibleFilters(f);
    return f;
  }();
  return t;
}

const TestTable& Tests() {
  static const TestTable t = [] {
    TestTable f;
    RegisterTests(f);
    return f;
  }();
  return t;
}

namespace {
// "ansible.builtin.x" / "ansible.legacy.x" name Ansible's own plugins; Jinja2's
// builtins are not reachable that way (as in Ansible).
std::string_view StripCollection(std::string_view name, bool* qualified) {
  *qualified = false;
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."}) {
    if (name.substr(0, prefix.size()) == prefix) {
      *qualified = true;
      return name.substr(prefix.size());
    }
  }
  return name;
}
const FilterTable& AnsibleFilters() {
  static const FilterTable t = [] {
    FilterTable f;
    RegisterAnsibleFilters(f);
    return f;
  }();
  return t;
}
bool IsAnsibleTest(std::string_view n) {
  static const char* const k[] = {
      "match",     "search",     "regex",       "version",        "version_compare",
      "subset",    "issubset",   "superset",    "issuperset",     "contains",
      "any",       "all",        "failed",      "failure",        "success",
      "succeeded", "successful", "changed",     "change",         "skipped",
      "skip",      "reachable",  "unreachable", "finished",       "started",
      "truthy",    "falsy",      "nan",         "isnan",          "file",
      "is_file",   "directory",  "is_dir",      "exists",         "link",
      "is_link",   "abs",        "is_abs",      "vault_encrypted"};
  for (auto* x : k)
    if (n == x) return true;
  return false;
}
}  // namespace

FilterFn FindFilter(std::string_view name) {
  bool qualified;
  std::string_view n = StripCollection(name, &qualified);
  const FilterTable& t = qualified ? AnsibleFilters() : Filters();
  auto it = t.find(std::string(n));
  return it == t.end() ? nullptr : it->second;
}

TestFn FindTest(std::string_view name) {
  bool qualified;
  std::string_view n = StripCollection(name, &qualified);
  if (qualified && !IsAnsibleTest(n)) return nullptr;
  const TestTable& t = Tests();
  auto it = t.find(std::string(n));
  return it == t.end() ? nullptr : it->second;
}

std::string Suggest(std::string_view name, const std::vector<std::string>& known) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  bool qualified;
  std::string_view n = StripCollection(name, &qualified);
  std::string best;
  size_t best_d = std::max<size_t>(2, n.size() / 3) + 1;
  for (const std::string& k : known) {
    size_t d = distance(n, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

}  // namespace drover::tmpl
