// Runtime values and the evaluator's interface to filters, tests and
// methods. Internal to src/template.
//
// Inside the engine, errors are thrown as RenderError (one exception type,
// caught at the public API boundary and turned into an Error); this keeps
// the hundreds of filter paths short.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/value.h"
#include "template/ast.h"
#include "template/template.h"

namespace drover::tmpl {

struct RenderError {
  explicit RenderError(std::string m, int l = 0, int c = 0, std::string tn = {})
      : message(std::move(m)), line(l), col(c), template_name(std::move(tn)) {}
  std::string message;
  int line = 0;  // 0: filled in from the expression being evaluated
  int col = 0;
  std::string template_name;
  std::string undefined_name;  // set when the error is an undefined variable
  bool undefined = false;      // raised by an undefined value (variable or attribute)
};

[[noreturn]] void Fail(std::string message);

class Renderer;
struct CallArgs;
struct TVal;

// Callables and other non-data objects (macros, bound methods, loop, ...).
class Object {
 public:
  virtual ~Object() = default;
  virtual std::string TypeName() const = 0;
  // Attribute access; returns false when there is no such attribute.
  virtual bool GetAttr(std::string_view name, TVal* out);
  virtual bool Callable() const { return false; }
  virtual TVal Call(Renderer& r, CallArgs& args);
  virtual std::string Str() const;
  // Binary operator support (e.g. datetime - datetime); nullopt = unsupported.
  virtual std::optional<TVal> BinaryOp(const std::string& op, const TVal& other, bool reversed);
  // Ordering against another value; nullopt = not comparable.
  virtual std::optional<int> CompareTo(const TVal& other);
};

// A runtime value: data, undefined (with the message Jinja2 would raise),
// or an object.
struct TVal {
  enum class Kind : uint8_t { kValue, kUndefined, kObject };
  Kind kind = Kind::kValue;
  // Jinja2's lenient Undefined (the inline `x if c` without else): prints
  // as "", is false and iterates as empty; other undefineds are strict.
  bool lenient = false;
  // Ansible's NativeJinjaText: output of to_json/to_yaml/string..., kept a
  // string by the templar when it is the whole result.
  bool native_text = false;
  // MarkupSafe's Markup (from escape/e/forceescape/safe): `is escaped`, and
  // `+` (and `~` in an autoescape block) escape the other string operand.
  bool markup = false;
  Value v;
  std::shared_ptr<const std::string> undefined_msg;  // "'x' is undefined"
  std::shared_ptr<Object> obj;

  TVal() = default;
  TVal(Value value) : v(std::move(value)) {}  // NOLINT
  static TVal Undefined(std::string message) {
    TVal t;
    t.kind = Kind::kUndefined;
    t.undefined_msg = std::make_shared<const std::string>(std::move(message));
    return t;
  }
  static TVal Markup(std::string text) {
    TVal t{Value(std::move(text))};
    t.markup = true;
    return t;
  }
  static TVal Obj(std::shared_ptr<Object> o) {
    TVal t;
    t.kind = Kind::kObject;
    t.obj = std::move(o);
    return t;
  }
  bool undefined() const { return kind == Kind::kUndefined; }
  bool is_obj() const { return kind == Kind::kObject; }
  bool is_value() const { return kind == Kind::kValue; }
  // The data value; raises the undefined error / a type error otherwise.
  const Value& val() const;
  [[noreturn]] void RaiseUndefined() const;
};

struct CallArgs {
  std::vector<TVal> pos;
  std::vector<std::pair<std::string, TVal>> kw;

  // Argument `index` positionally, or `name` by keyword; nullptr if absent.
  const TVal* Get(size_t index, std::string_view name) const;
  // Fails on unexpected keyword arguments / too many positional ones.
  void Check(std::string_view fn, size_t max_pos,
             std::initializer_list<std::string_view> names) const;
};

using FilterFn = TVal (*)(Renderer& r, const TVal& input, CallArgs& args);
using TestFn = bool (*)(Renderer& r, const TVal& input, CallArgs& args);

// Registries, populated by the filters_*.cc / tests.cc files.
using FilterTable = std::unordered_map<std::string, FilterFn>;
using TestTable = std::unordered_map<std::string, TestFn>;
void RegisterJinjaFilters(FilterTable& t);
void RegisterAnsibleFilters(FilterTable& t);
void RegisterTests(TestTable& t);
const FilterTable& Filters();
const TestTable& Tests();
// Looks up a filter/test by name, accepting ansible.builtin.* etc.
FilterFn FindFilter(std::string_view name);
TestFn FindTest(std::string_view name);
// The closest known name for a "did you mean" hint ("" if none is close).
std::string Suggest(std::string_view name, const std::vector<std::string>& known);

// Python methods on str/list/dict (`s.split()`, `d.items()`); nullptr if
// the type has no such method.
std::shared_ptr<Object> BoundMethod(const Value& self, std::string_view name);

// A tuple (a list marked to print as Python's tuple repr).
inline Value Tuple(List l) {
  Value v(std::move(l));
  v.set_tuple();
  return v;
}

// MarkupSafe's escape: & < > " ' as entities (filters_jinja.cc).
std::string HtmlEscape(const std::string& s);

// Python semantics helpers (pyvalue.cc).
std::string PyStrOf(const TVal& t);
int PyCompare(const Value& a, const Value& b);  // <0, 0, >0; fails on mixed types
bool PyLess(const Value& a, const Value& b);
Value PyPercentFormat(const std::string& fmt, const Value& args);
std::string PyFormatMethod(const std::string& fmt, const CallArgs& args);
std::string PyFormatNumber(const Value& v, std::string_view spec);
bool IsPyInt(const Value& v);  // int or bool
// Python binary arithmetic (+ - * / // % **) on values.
Value Arith(const std::string& op, const Value& a, const Value& b);
// Python `item in container`.
bool PyContains(const Value& container, const Value& item);
int64_t PyInt(const Value& v);
// Iterates like Python's iter(): lists, map keys, string characters.
List PyIter(const Value& v);
size_t Utf8Length(std::string_view s);
std::vector<std::string> Utf8Chars(std::string_view s);
std::string PyUpper(std::string_view s);
std::string PyLower(std::string_view s);
bool PyIsSpace(char c);
std::string PyStrip(std::string_view s, const std::string* chars, bool left, bool right);
// Python's str.replace(old, new, count); count < 0 replaces all.
std::string PyReplace(const std::string& s, const std::string& old, const std::string& neu,
                      int64_t count);

// The evaluator. One Renderer renders one template (and the macros,
// includes and lazy variables it uses).
class Renderer {
 public:
  struct Shared;  // state shared by nested renders of one API call
  Renderer(const ParsedTemplate& t, const Scope& scope, const Hooks& hooks,
           std::shared_ptr<Shared> shared);

  // Renders the body into out.
  void RenderBody(const Body& body, std::string& out);
  void Run(std::string& out);
  // Runs `run` (a render of this renderer's template); an error that names
  // no template is attributed to this one, at its current position.
  void Attributing(const std::function<void()>& run);

  TVal Eval(const Expr& e);
  TVal CallValue(const TVal& callee, CallArgs& args);
  TVal Lookup(std::string_view name);
  TVal GetAttr(const TVal& obj, std::string_view name);
  TVal GetItem(const TVal& obj, const TVal& key);
  bool Truthy(const TVal& t);
  TVal ApplyFilter(std::string_view name, const TVal& input, CallArgs& args);
  bool ApplyTest(std::string_view name, const TVal& input, CallArgs& args);

  // Template-wide state.
  const Hooks& hooks() const { return hooks_; }
  const ParsedTemplate& tmpl() const { return t_; }
  std::shared_ptr<Shared> shared() const { return shared_; }
  const Scope& scope() const { return scope_; }
  bool autoescape() const { return autoescape_; }

  // Variable frames (innermost last).
  using Frame = std::vector<std::pair<std::string, TVal>>;
  void Push() { frames_.emplace_back(); }
  void Pop() { frames_.pop_back(); }
  void Set(const std::string& name, TVal v);
  // Output chunks written by Print/text nodes, and whether the last printed
  // value was native text (see TVal::native_text).
  int output_nodes() const { return output_nodes_; }
  bool last_native_text() const { return last_native_text_; }

  // Template inheritance: the block stacks of one render (the most derived
  // template's block first), shared by a child and its parents.
  struct BlockTable {
    std::map<std::string, std::vector<const Node*>, std::less<>> stacks;
  };
  // Renders the block `name` at `index` of its stack. Unscoped blocks see
  // only the template's top-level names (its context), as in Jinja2.
  void RenderBlockAt(const std::string& name, size_t index, bool scoped, std::string& out);
  BlockTable& blocks();

  // Exported names of the template's top frame (for import).
  const Frame& TopFrame() const { return frames_.front(); }

  int line() const { return line_; }
  int col() const { return col_; }

  std::vector<Frame>& frames() { return frames_; }

 private:
  void Exec(const Node& n, std::string& out);
  void Assign(const Target& target, const TVal& value);
  void ExecFor(const Node& n, std::string& out);
  void ExecInclude(const Node& n, std::string& out);
  void ExecExtends(const Node& n, std::string& out);
  // Renders the parent template chosen by {% extends %} (after the root).
  void RenderParent(std::string& out);
  // Output at the top level of a template that extends another is dropped.
  bool DropsOutput(const std::string& out) const { return parent_ && &out == root_out_; }
  std::shared_ptr<Object> ImportTemplate(const Node& n);
  TVal EvalBinary(const Expr& e);
  TVal EvalCompare(const Expr& e);
  TVal EvalCall(const Expr& e);
  void EvalArgs(const Expr& e, size_t first, CallArgs& args);
  TVal LookupGlobal(std::string_view name);
  void Print(const TVal& v, std::string& out);

  const ParsedTemplate& t_;
  const Scope& scope_;
  const Hooks& hooks_;
  std::shared_ptr<Shared> shared_;
  std::vector<Frame> frames_;
  int line_ = 0;
  int col_ = 0;
  int output_nodes_ = 0;
  bool last_native_text_ = false;
  // Imported template modules stay alive while their macros may be called.
  std::vector<std::shared_ptr<Object>> modules_;
  // Inheritance: the block stacks, the parent template once {% extends %}
  // ran, the top-level output buffer and how much of it to keep, and the
  // number of frames that make the template's context.
  std::shared_ptr<BlockTable> blocks_;
  std::shared_ptr<const ParsedTemplate> parent_;
  const std::string* root_out_ = nullptr;
  size_t root_keep_ = 0;
  size_t root_depth_ = 1;
  bool autoescape_ = false;  // inside {% autoescape true %}
  // Inside a block called as self.x() or super(): Jinja2 joins the block's
  // output items with "".join, so a printed non-string fails under Ansible
  // (which does not finalize them to str). Counts the items; -1 = off.
  int block_items_ = -1;

 public:
  // Sets block_items_ for as long as it lives.
  class BlockItemsScope {
   public:
    BlockItemsScope(Renderer& r, int value) : r_(r), saved_(r.block_items_) {
      r.block_items_ = value;
    }
    ~BlockItemsScope() { r_.block_items_ = saved_; }
    BlockItemsScope(const BlockItemsScope&) = delete;
    BlockItemsScope& operator=(const BlockItemsScope&) = delete;

   private:
    Renderer& r_;
    int saved_;
  };
};

// Lazy variables: the templated value of a scope variable, cached per API
// call, with recursion detection.
struct Renderer::Shared {
  std::unordered_map<std::string, Value> resolved;
  std::vector<std::string> resolving;
  int depth = 0;
  // Templates being rendered through include/import, outermost first.
  std::vector<std::string> includes;
  const Options* templar_options = nullptr;
};

// Loads and parses a template through the hooks' loader (include, import,
// extends); nullptr when missing and `ignore_missing`.
std::shared_ptr<const ParsedTemplate> LoadTemplate(Renderer& r, const std::string& name,
                                                   bool ignore_missing);

// One template opened by include/import/extends for as long as it renders.
// More than kMaxIncludeDepth at once is an error naming the chain (a
// template that includes itself without end would otherwise exhaust memory).
class IncludeGuard {
 public:
  IncludeGuard(Renderer::Shared& shared, const std::string& including, const std::string& name);
  ~IncludeGuard();
  IncludeGuard(const IncludeGuard&) = delete;
  IncludeGuard& operator=(const IncludeGuard&) = delete;

 private:
  Renderer::Shared& shared_;
};

// Jinja2's urlize filter (urlize.cc).
TVal FilterUrlize(Renderer& r, const TVal& in, CallArgs& a);

// Jinja2's lipsum(n=5, html=True, min=20, max=100) global (lipsum.cc).
TVal GlobalLipsum(Renderer& r, CallArgs& a);

// Jinja2's `self`: the blocks of the template being rendered, as callables.
TVal SelfReference(Renderer& r);

// Templar core used by lazy variables and the public API (template.cc).
Value TemplateValueImpl(const Value& v, const Scope& scope, const Hooks& hooks,
                        const std::shared_ptr<Renderer::Shared>& shared);
bool NeedsTemplating(const Value& v);

}  // namespace drover::tmpl
