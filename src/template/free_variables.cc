#include "template/free_variables.h"

#include <algorithm>
#include <exception>

#include "template/ast.h"
#include "template/lexer.h"
#include "template/parser.h"
#include "template/runtime.h"

namespace drover::tmpl {

namespace {

using EK = Expr::Kind;
using NK = Node::Kind;

// Filters that certainly fail on an undefined operand with "is undefined":
// they stringify, iterate, measure or do arithmetic on it. Filters not
// listed may accept an undefined value (type_debug, ...) or fail with
// another message, so their operand is not counted as required.
bool ForcesOperand(std::string_view filter) {
  static const std::set<std::string, std::less<>> k = {
      "abs",           "b64decode",     "b64encode",    "basename",
      "batch",         "bool",          "capitalize",   "center",
      "count",         "dirname",       "escape",       "e",
      "expanduser",    "first",         "float",        "format",
      "from_json",     "from_yaml",     "indent",       "int",
      "items",         "join",          "last",         "length",
      "list",          "lower",         "map",          "max",
      "min",           "quote",         "regex_escape", "regex_findall",
      "regex_replace", "regex_search",  "reject",       "rejectattr",
      "replace",       "reverse",       "round",        "select",
      "selectattr",    "sort",          "split",        "string",
      "sum",           "title",         "to_json",      "to_nice_json",
      "to_nice_yaml",  "to_yaml",       "trim",         "truncate",
      "unique",        "upper",         "urlencode",    "wordcount",
      "wordwrap",      "xmlattr",       "flatten",      "hash",
      "checksum",      "password_hash", "splitext",     "realpath",
      "relpath",       "shuffle",       "random",       "product",
      "zip",           "zip_longest",   "comment",      "strftime",
      "to_datetime",   "groupby",       "slice",        "striptags",
      "forceescape",   "urlize",        "pprint",       "tojson",
  };
  return k.contains(filter);
}

// Jinja2's and Ansible's template globals: never free variables.
bool IsGlobal(std::string_view name) {
  static const std::set<std::string, std::less<>> k = {
      "range",  "dict",  "lipsum", "cycler", "joiner", "namespace",
      "lookup", "query", "q",      "now",    "undef",  "self",
  };
  return k.contains(name);
}

class Walker {
 public:
  TemplateNames out;

  void Body(const tmpl::Body& body, bool certain) {
    for (const NodePtr& n : body) {
      NodeOf(*n, certain);
      // After {% extends %} the parent renders; what follows may not run.
      if (n->kind == NK::kExtends) certain = false;
    }
  }

  void ExprOf(const Expr* e, bool certain, bool forced) {
    if (!e) return;
    switch (e->kind) {
      case EK::kConst: return;
      case EK::kName:
        if (IsGlobal(e->name)) return;
        out.read.insert(e->name);
        if (certain && forced) out.required.push_back({e->name, e->line, e->col, false});
        return;
      case EK::kGetAttr:
        // An attribute of an undefined value is undefined (not an error
        // yet): what happens to the result decides.
        ExprOf(Arg(*e, 0), certain, forced);
        return;
      case EK::kGetItem:
        ExprOf(Arg(*e, 0), certain, forced);
        ExprOf(Arg(*e, 1), certain, false);
        return;
      case EK::kSlice:
        ExprOf(Arg(*e, 0), certain, forced);
        for (size_t i = 1; i < e->args.size(); ++i) ExprOf(e->args[i].get(), certain, false);
        return;
      case EK::kCall:
        ExprOf(Arg(*e, 0), certain, true);  // calling an undefined value fails
        Rest(*e, 1, certain);
        return;
      case EK::kFilter: Filter(*e, certain, forced); return;
      case EK::kTest:
        if (e->name == "defined" || e->name == "undefined") {
          Guard(*e);
          return;
        }
        // Other tests (string, none, mapping, ...) take an undefined
        // operand without failing.
        ExprOf(Arg(*e, 0), certain, false);
        Rest(*e, 1, certain);
        return;
      case EK::kNeg:
      case EK::kPos:
      case EK::kNot:
      case EK::kBinary:
        for (const ExprPtr& a : e->args) ExprOf(a.get(), certain, true);
        return;
      case EK::kAnd:
      case EK::kOr:
        ExprOf(Arg(*e, 0), certain, true);
        ExprOf(Arg(*e, 1), false, forced);  // short-circuited
        return;
      case EK::kCompare:
        for (size_t i = 0; i < e->args.size(); ++i) {
          // `x in "text"` fails with a TypeError, not "is undefined": the
          // left operand of `in` is not counted.
          bool left_of_in = i < e->ops.size() &&
                            (e->ops[i] == "in" || e->ops[i] == "notin" || e->ops[i] == "not in");
          ExprOf(e->args[i].get(), certain, !left_of_in);
        }
        return;
      case EK::kCondExpr:
        ExprOf(Arg(*e, 0), certain, true);
        ExprOf(Arg(*e, 1), false, forced);
        ExprOf(Arg(*e, 2), false, forced);
        return;
      case EK::kList:
      case EK::kTuple:
      case EK::kDict:
        for (const ExprPtr& a : e->args) ExprOf(a.get(), certain, false);
        return;
    }
  }

  void NodeOf(const Node& n, bool certain) {
    switch (n.kind) {
      case NK::kText: return;
      case NK::kPrint: ExprOf(n.expr.get(), certain, true); return;
      case NK::kIf:
        for (size_t i = 0; i < n.conds.size(); ++i)
          ExprOf(n.conds[i].get(), certain && i == 0, true);
        for (const tmpl::Body& b : n.bodies) Body(b, false);
        return;
      case NK::kFor:
        Bind(n.target);
        out.bound.insert("loop");
        ExprOf(n.expr.get(), certain, true);
        ExprOf(n.filter.get(), false, true);
        Body(n.body, false);
        Body(n.else_body, false);
        return;
      case NK::kSet:
        Bind(n.target);
        if (!n.target.attr.empty()) ExprOfName(n.target.names, certain);
        ExprOf(n.expr.get(), certain, false);
        return;
      case NK::kSetBlock:
        Bind(n.target);
        ExprOf(n.filter.get(), certain, false);
        Body(n.body, certain);
        return;
      case NK::kMacro:
        out.bound.insert(n.text);
        for (const char* implicit : {"caller", "varargs", "kwargs"}) out.bound.insert(implicit);
        for (const MacroParam& p : n.params) {
          out.bound.insert(p.name);
          ExprOf(p.default_value.get(), false, false);
        }
        Body(n.body, false);
        return;
      case NK::kCallBlock:
        for (const MacroParam& p : n.params) {
          out.bound.insert(p.name);
          ExprOf(p.default_value.get(), false, false);
        }
        ExprOf(n.expr.get(), certain, false);
        Body(n.body, false);
        return;
      case NK::kFilterBlock:
        ExprOf(n.expr.get(), certain, false);
        ExprOf(n.filter.get(), certain, false);
        Body(n.body, certain);
        return;
      case NK::kWith:
        for (const auto& [target, value] : n.assigns) {
          Bind(target);
          ExprOf(value.get(), certain, false);
        }
        Body(n.body, certain);
        return;
      case NK::kBlock:
        // A child template may replace the block: its body is conditional.
        out.bound.insert("super");
        Body(n.body, false);
        return;
      case NK::kAutoescape:
        ExprOf(n.expr.get(), certain, true);  // its truth is taken
        Body(n.body, certain);
        return;
      case NK::kExtends:
      case NK::kInclude:
      case NK::kImport:
      case NK::kFromImport:
        ExprOf(n.expr.get(), certain, false);
        if (!n.text.empty()) out.bound.insert(n.text);
        for (const auto& [name, alias] : n.imports) out.bound.insert(alias);
        return;
    }
  }

 private:
  static const Expr* Arg(const Expr& e, size_t i) {
    return i < e.args.size() ? e.args[i].get() : nullptr;
  }

  // Arguments from index `from` on, keyword and dynamic arguments: read,
  // never required (a callee or filter may ignore them).
  void Rest(const Expr& e, size_t from, bool certain) {
    for (size_t i = from; i < e.args.size(); ++i) ExprOf(e.args[i].get(), certain, false);
    for (const auto& [k, v] : e.kwargs) ExprOf(v.get(), certain, false);
    ExprOf(e.dyn_args.get(), certain, false);
    ExprOf(e.dyn_kwargs.get(), certain, false);
  }

  void Filter(const Expr& e, bool certain, bool forced) {
    if (e.name == "default" || e.name == "d") {
      Guard(e);
      return;
    }
    if (e.name == "mandatory") {
      const Expr* root = Arg(e, 0);
      while (root && (root->kind == EK::kGetAttr || root->kind == EK::kGetItem))
        root = Arg(*root, 0);
      if (root && root->kind == EK::kName) {
        out.read.insert(root->name);
        if (certain) out.required.push_back({root->name, root->line, root->col, true});
        Rest(e, 1, certain);
        return;
      }
    }
    (void)forced;
    ExprOf(Arg(e, 0), certain, ForcesOperand(e.name));
    Rest(e, 1, certain);
  }

  // Every name in the operand and arguments of `e` (a default filter or a
  // defined test) is guarded (and read, not required).
  void Guard(const Expr& e) {
    Walker inner;
    inner.Rest(e, 0, false);
    for (const std::string& n : inner.out.read) {
      out.guarded.insert(n);
      out.read.insert(n);
    }
    out.bound.insert(inner.out.bound.begin(), inner.out.bound.end());
  }

  void Bind(const Target& t) {
    if (!t.attr.empty()) return;  // ns.attr = ...: binds nothing new
    for (const std::string& n : t.names) out.bound.insert(n);
  }

  void ExprOfName(const std::vector<std::string>& names, bool certain) {
    for (const std::string& n : names) {
      out.read.insert(n);
      if (certain) out.required.push_back({n, 0, 0, false});
    }
  }
};

Error ToAnalysisError(const std::string& message, int line, int col) {
  Error e = MakeError("template error: " + message);
  e.where.line = line;
  e.where.col = col;
  return e;
}

}  // namespace

std::vector<NameUse> TemplateNames::Unguarded() const {
  std::vector<NameUse> result;
  for (const NameUse& u : required)
    if (!guarded.contains(u.name) && !bound.contains(u.name)) result.push_back(u);
  return result;
}

Result<TemplateNames> AnalyzeTemplate(std::string_view text, const Options& options) {
  Walker w;
  try {
    w.Body(ParseTemplate(text, options), true);
  } catch (const SyntaxError& e) {
    return ToAnalysisError(e.message, e.line, e.col);
  } catch (const RenderError& e) {
    return ToAnalysisError(e.message, e.line, e.col);
  } catch (const std::exception& e) {
    return ToAnalysisError(e.what(), 0, 0);
  }
  return std::move(w.out);
}

Result<TemplateNames> AnalyzeConditional(std::string_view expr) {
  if (IsPossiblyTemplate(expr)) return AnalyzeTemplate(expr);
  Walker w;
  try {
    ExprPtr e = ParseBareExpression(expr, Options());
    w.ExprOf(e.get(), true, true);  // its truth is taken
  } catch (const SyntaxError& e) {
    return ToAnalysisError(e.message, e.line, e.col);
  } catch (const RenderError& e) {
    return ToAnalysisError(e.message, e.line, e.col);
  } catch (const std::exception& e) {
    return ToAnalysisError(e.what(), 0, 0);
  }
  return std::move(w.out);
}

}  // namespace drover::tmpl
