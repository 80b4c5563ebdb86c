// The template AST: built once by the parser, rendered many times.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"
#include "template/template.h"

namespace drover::tmpl {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind : uint8_t {
    kConst,     // constant
    kName,      // name
    kGetAttr,   // args[0].name
    kGetItem,   // args[0][args[1]]
    kSlice,     // args[0][args[1]:args[2]:args[3]] (null entries allowed)
    kCall,      // args[0](args[1..], kwargs, dyn_args, dyn_kwargs)
    kFilter,    // args[0] | name(args[1..], kwargs); args[0] null in filter blocks
    kTest,      // args[0] is name(args[1..], kwargs); negated when `negate`
    kNeg,       // -args[0]
    kPos,       // +args[0]
    kNot,       // not args[0]
    kBinary,    // args[0] op args[1]: + - * / // % ** ~
    kAnd,       // args[0] and args[1]
    kOr,        // args[0] or args[1]
    kCompare,   // args[0] ops[0] args[1] ops[1] args[2] ...
    kCondExpr,  // args[1] if args[0] else args[2] (args[2] may be null)
    kList,      // [args...]
    kTuple,     // (args...)
    kDict,      // {args[0]: args[1], args[2]: args[3] ...}
  };
  Kind kind;
  bool negate = false;
  bool native_text = false;  // filter is one of Ansible's STRING_TYPE_FILTERS
  int line = 0;
  int col = 0;
  std::string name;  // name, attribute, filter/test name, operator
  Value constant;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  ExprPtr dyn_args;
  ExprPtr dyn_kwargs;
  std::vector<std::string> ops;  // kCompare operators
  // Resolved at parse time for filters/tests (index into the registry).
  const void* fn = nullptr;
};

// An assignment target: `x`, `a, b`, `ns.attr`.
struct Target {
  std::vector<std::string> names;  // one name, or several for unpacking
  std::string attr;                // non-empty: names[0].attr = value
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // may be null
};

struct Node {
  enum class Kind : uint8_t {
    kText,         // text
    kPrint,        // {{ expr }}
    kIf,           // conds[i] -> bodies[i]; bodies.back() is else when size > conds
    kFor,          // for target in expr [if filter] body [else else_body]
    kSet,          // set target = expr
    kSetBlock,     // set name [| filters] body endset
    kMacro,        // macro name(params) body
    kCallBlock,    // call(params) expr body
    kFilterBlock,  // filter expr body
    kWith,         // with assigns body
    kInclude,      // include expr
    kImport,       // import expr as name
    kFromImport,   // from expr import names
    kBlock,        // block text [scoped] [required] body endblock
    kExtends,      // extends expr
    kAutoescape,   // autoescape expr body endautoescape (a scope of its own)
  };
  Kind kind;
  int line = 0;
  int col = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr filter;  // for-loop `if`, set-block filter chain
  Target target;
  std::vector<ExprPtr> conds;
  std::vector<Body> bodies;
  Body body;
  Body else_body;
  bool recursive = false;
  std::vector<MacroParam> params;
  std::vector<std::pair<Target, ExprPtr>> assigns;           // with
  std::vector<std::pair<std::string, std::string>> imports;  // from-import (name, alias)
  bool ignore_missing = false;
  bool with_context = true;
  bool scoped = false;    // block: sees the enclosing locals
  bool required = false;  // block: must be overridden by a child template
};

class ParsedTemplate {
 public:
  std::string name;
  std::shared_ptr<const std::string> name_ptr;
  Options options;
  Body body;
  // Every {% block %} of the template (nested ones too), in source order;
  // the nodes live in `body`.
  std::vector<const Node*> blocks;
  size_t source_trailing_newlines = 0;  // for preserve_trailing_newlines
};

}  // namespace drover::tmpl
