#include "template/parser.h"

#include <algorithm>

#include "template/runtime.h"

namespace drover::tmpl {
namespace {

using TT = Token::Type;
using EK = Expr::Kind;
using NK = Node::Kind;

class Parser {
 public:
  // The deepest AST the parser builds (see Nest).
  static constexpr int kMaxNesting = kMaxTemplateNesting;

  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  // The template's {% block %} nodes, in source order.
  std::vector<const Node*> blocks;

  Body ParseAll() {
    Body body = Subparse({});
    if (cur().type != TT::kEof) Fail("unexpected token");
    return body;
  }

  ExprPtr ParseBare() {
    ExprPtr e = ParseTuple(true);
    if (cur().type != TT::kEof)
      Fail("unexpected '" + cur().text + "'" + " (expected end of expression)");
    return e;
  }

 private:
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  void next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  [[noreturn]] void Fail(const std::string& msg) const {
    throw SyntaxError{msg, cur().line, cur().col};
  }
  bool IsOp(std::string_view op) const { return cur().type == TT::kOp && cur().text == op; }
  bool IsName(std::string_view n) const { return cur().type == TT::kName && cur().text == n; }
  bool SkipOp(std::string_view op) {
    if (!IsOp(op)) return false;
    next();
    return true;
  }
  bool SkipName(std::string_view n) {
    if (!IsName(n)) return false;
    next();
    return true;
  }
  void ExpectOp(std::string_view op) {
    if (!SkipOp(op)) Fail("expected token '" + std::string(op) + "', got '" + Describe() + "'");
  }
  std::string Describe() const {
    switch (cur().type) {
      case TT::kEof: return "end of template";
      case TT::kBlockEnd: return "end of statement block";
      case TT::kVarEnd: return "end of print statement";
      default: return cur().text;
    }
  }
  std::string ExpectName() {
    if (cur().type != TT::kName) Fail("expected name, got '" + Describe() + "'");
    std::string n = cur().text;
    next();
    return n;
  }
  void ExpectBlockEnd() {
    if (cur().type != TT::kBlockEnd)
      Fail("expected token 'end of statement block', got '" + Describe() + "'");
    next();
  }

  // One level of nesting of the AST being built: a nested statement, a
  // nested expression, or one more link of a chain such as a|f|g or a+b+c.
  // Past kMaxNesting the template is refused, instead of overflowing the
  // stack while parsing, rendering or freeing it.
  class Nest {
   public:
    // Restores the depth when the level is left; Deeper() adds one.
    explicit Nest(Parser& p) : p_(p), entry_(p.depth_) {}
    ~Nest() { p_.depth_ = entry_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    void Deeper() {
      if (++p_.depth_ > kMaxNesting)
        p_.Fail("maximum recursion depth exceeded: the template nests more than " +
                std::to_string(kMaxNesting) +
                " levels of statements, brackets, operators or filters");
    }

   private:
    Parser& p_;
    int entry_;
  };

  ExprPtr Make(EK kind, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->col = at.col;
    return e;
  }

  // ---- statements ----

  // Parses nodes until a block tag whose name is in `ends` (left unconsumed,
  // positioned at the name) or EOF.
  Body Subparse(std::initializer_list<std::string_view> ends) {
    Body body;
    while (true) {
      const Token& t = cur();
      if (t.type == TT::kEof) {
        if (ends.size() != 0) {
          std::string expect;
          for (auto e : ends) expect += (expect.empty() ? "'" : " or '") + std::string(e) + "'";
          Fail("Unexpected end of template. Jinja was looking for the following tags: " + expect +
               ".");
        }
        return body;
      }
      if (t.type == TT::kData) {
        auto n = std::make_unique<Node>();
        n->kind = NK::kText;
        n->line = t.line;
        n->text = t.text;
        body.push_back(std::move(n));
        next();
      } else if (t.type == TT::kVarBegin) {
        next();
        auto n = std::make_unique<Node>();
        n->kind = NK::kPrint;
        n->line = t.line;
        n->col = t.col;
        n->expr = ParseTuple(true);
        if (cur().type != TT::kVarEnd)
          Fail("expected token 'end of print statement', got '" + Describe() + "'");
        next();
        body.push_back(std::move(n));
      } else if (t.type == TT::kBlockBegin) {
        next();
        if (cur().type != TT::kName) Fail("tag name expected");
        for (auto e : ends)
          if (cur().text == e) return body;
        body.push_back(ParseStatement());
      } else {
        Fail("unexpected '" + t.text + "'");
      }
    }
  }

  NodePtr NewNode(NK kind, const Token& at) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->line = at.line;
    n->col = at.col;
    return n;
  }

  NodePtr ParseStatement() {
    Nest nest(*this);
    nest.Deeper();
    const Token tag = cur();
    const std::string& name = tag.text;
    if (name == "if") return ParseIf();
    if (name == "for") return ParseFor();
    if (name == "set") return ParseSet();
    if (name == "macro") return ParseMacro();
    if (name == "call") return ParseCallBlock();
    if (name == "filter") return ParseFilterBlock();
    if (name == "with") return ParseWith();
    if (name == "include") return ParseInclude();
    if (name == "import") return ParseImport();
    if (name == "from") return ParseFromImport();
    if (name == "block") return ParseBlock();
    if (name == "extends") return ParseExtends();
    if (name == "autoescape") return ParseAutoescape();
    static const std::vector<std::string> kKnown = {
        "if",      "for",    "set",  "macro", "call",    "filter",     "with",
        "include", "import", "from", "block", "extends", "autoescape", "raw"};
    std::string hint = Suggest(name, kKnown);
    std::string msg = "Encountered unknown tag '" + name + "'.";
    if (name.rfind("end", 0) == 0 || name == "else" || name == "elif")
      msg = "Encountered unknown tag '" + name + "'. Jinja was looking for no such tag here.";
    if (!hint.empty()) msg += " Did you mean '" + hint + "'?";
    Fail(msg);
  }

  void ExpectEnd(std::string_view end) {
    // positioned at the end tag name
    if (!IsName(end)) Fail("expected '" + std::string(end) + "'");
    next();
    ExpectBlockEnd();
  }

  NodePtr ParseIf() {
    auto n = NewNode(NK::kIf, cur());
    next();
    while (true) {
      n->conds.push_back(ParseTuple(true));
      ExpectBlockEnd();
      n->bodies.push_back(Subparse({"elif", "else", "endif"}));
      if (SkipName("elif")) continue;
      if (SkipName("else")) {
        ExpectBlockEnd();
        n->bodies.push_back(Subparse({"endif"}));
      }
      ExpectEnd("endif");
      return n;
    }
  }

  // A name that can be assigned to: Jinja2 parses true/false/none (and
  // their capitalised forms) as constants.
  std::string ExpectTargetName() {
    static const std::vector<std::string_view> kConsts = {"true", "false", "none",
                                                          "True", "False", "None"};
    if (cur().type == TT::kName &&
        std::find(kConsts.begin(), kConsts.end(), cur().text) != kConsts.end())
      Fail("can't assign to 'const'");
    return ExpectName();
  }

  // A name, `ns.attr` (when allow_attr) or names to unpack; a trailing comma
  // only before `)`, as Jinja2's parse_tuple.
  Target ParseAssignTarget(bool allow_attr) {
    Target t;
    bool paren = SkipOp("(");
    if (allow_attr && !paren && cur().type == TT::kName && peek().type == TT::kOp &&
        peek().text == ".") {
      t.names.push_back(ExpectName());
      next();
      t.attr = ExpectName();
      return t;
    }
    t.names.push_back(ExpectTargetName());
    while (SkipOp(",")) {
      if (paren && IsOp(")")) break;
      if (cur().type != TT::kName) Fail("unexpected '" + Describe() + "'");
      t.names.push_back(ExpectTargetName());
    }
    if (paren) ExpectOp(")");
    return t;
  }

  NodePtr ParseFor() {
    auto n = NewNode(NK::kFor, cur());
    next();
    n->target = ParseAssignTarget(false);
    if (!SkipName("in")) Fail("expected 'in', got '" + Describe() + "'");
    n->expr = ParseTuple(false);
    if (SkipName("if")) n->filter = ParseTuple(true);
    if (SkipName("recursive")) n->recursive = true;
    ExpectBlockEnd();
    n->body = Subparse({"endfor", "else"});
    if (SkipName("else")) {
      ExpectBlockEnd();
      n->else_body = Subparse({"endfor"});
    }
    ExpectEnd("endfor");
    return n;
  }

  NodePtr ParseSet() {
    const Token at = cur();
    next();
    Target target = ParseAssignTarget(true);
    if (SkipOp("=")) {
      auto n = NewNode(NK::kSet, at);
      n->target = std::move(target);
      n->expr = ParseTuple(true);
      ExpectBlockEnd();
      return n;
    }
    auto n = NewNode(NK::kSetBlock, at);
    n->target = std::move(target);
    if (IsOp("|")) n->filter = ParseFilterChain(nullptr);
    ExpectBlockEnd();
    n->body = Subparse({"endset"});
    ExpectEnd("endset");
    return n;
  }

  void ParseParams(std::vector<MacroParam>& params) {
    ExpectOp("(");
    while (!IsOp(")")) {
      if (!params.empty()) ExpectOp(",");
      if (IsOp(")")) break;
      MacroParam p;
      p.name = ExpectName();
      if (SkipOp("="))
        p.default_value = ParseExpression(true);
      else if (!params.empty() && params.back().default_value)
        Fail("non-default argument follows default argument");
      params.push_back(std::move(p));
    }
    ExpectOp(")");
    // Jinja2's compiler: an explicit `caller` parameter needs a default.
    for (const MacroParam& p : params)
      if (p.name == "caller" && !p.default_value)
        Fail(
            "When defining macros or call blocks the special \"caller\" argument must be "
            "omitted or be given a default.");
  }

  NodePtr ParseMacro() {
    auto n = NewNode(NK::kMacro, cur());
    next();
    n->text = ExpectName();
    ParseParams(n->params);
    ExpectBlockEnd();
    n->body = Subparse({"endmacro"});
    next();
    if (cur().type == TT::kName) next();  // endmacro name
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseCallBlock() {
    auto n = NewNode(NK::kCallBlock, cur());
    next();
    if (IsOp("(")) ParseParams(n->params);
    n->expr = ParseExpression(true);
    if (n->expr->kind != EK::kCall) Fail("expected call");
    ExpectBlockEnd();
    n->body = Subparse({"endcall"});
    ExpectEnd("endcall");
    return n;
  }

  NodePtr ParseFilterBlock() {
    auto n = NewNode(NK::kFilterBlock, cur());
    next();
    n->filter = ParseFilterChain(nullptr, /*first_without_pipe=*/true);
    ExpectBlockEnd();
    n->body = Subparse({"endfilter"});
    ExpectEnd("endfilter");
    return n;
  }

  NodePtr ParseWith() {
    auto n = NewNode(NK::kWith, cur());
    next();
    while (cur().type != TT::kBlockEnd) {
      if (!n->assigns.empty()) ExpectOp(",");
      Target t = ParseAssignTarget(false);
      ExpectOp("=");
      n->assigns.emplace_back(std::move(t), ParseExpression(true));
    }
    ExpectBlockEnd();
    n->body = Subparse({"endwith"});
    ExpectEnd("endwith");
    return n;
  }

  void ParseContextModifier(Node& n, bool default_with) {
    n.with_context = default_with;
    if ((IsName("with") || IsName("without")) && peek().type == TT::kName &&
        peek().text == "context") {
      n.with_context = cur().text == "with";
      next();
      next();
    }
  }

  NodePtr ParseInclude() {
    auto n = NewNode(NK::kInclude, cur());
    next();
    n->expr = ParseExpression(true);
    if (IsName("ignore") && peek().type == TT::kName && peek().text == "missing") {
      n->ignore_missing = true;
      next();
      next();
    }
    ParseContextModifier(*n, true);
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseImport() {
    auto n = NewNode(NK::kImport, cur());
    next();
    n->expr = ParseExpression(true);
    if (!SkipName("as")) Fail("expected 'as'");
    n->text = ExpectName();
    ParseContextModifier(*n, false);
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseFromImport() {
    auto n = NewNode(NK::kFromImport, cur());
    next();
    n->expr = ParseExpression(true);
    if (!SkipName("import")) Fail("expected 'import'");
    while (true) {
      if ((IsName("with") || IsName("without")) && peek().type == TT::kName &&
          peek().text == "context")
        break;
      std::string name = ExpectName();
      std::string alias = name;
      if (SkipName("as")) alias = ExpectName();
      n->imports.emplace_back(name, alias);
      if (!SkipOp(",")) break;
    }
    ParseContextModifier(*n, false);
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseBlock() {
    auto n = NewNode(NK::kBlock, cur());
    next();
    n->text = ExpectName();
    for (const Node* b : blocks)
      if (b->text == n->text) Fail("block '" + n->text + "' defined twice");
    blocks.push_back(n.get());
    if (IsOp("-"))
      Fail(
          "Block names in Jinja have to be valid Python identifiers and may not contain "
          "hyphens, use an underscore instead.");
    n->scoped = SkipName("scoped");
    n->required = SkipName("required");
    ExpectBlockEnd();
    n->body = Subparse({"endblock"});
    if (n->required)
      for (const NodePtr& c : n->body)
        if (c->kind != NK::kText ||
            !std::all_of(c->text.begin(), c->text.end(), [](char ch) { return PyIsSpace(ch); }))
          Fail("Required blocks can only contain comments or whitespace");
    next();
    if (cur().type == TT::kName) next();
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseExtends() {
    auto n = NewNode(NK::kExtends, cur());
    next();
    n->expr = ParseExpression(true);
    ExpectBlockEnd();
    return n;
  }

  NodePtr ParseAutoescape() {
    auto n = NewNode(NK::kAutoescape, cur());
    next();
    n->expr = ParseExpression(true);
    ExpectBlockEnd();
    n->body = Subparse({"endautoescape"});
    ExpectEnd("endautoescape");
    return n;
  }

  // ---- expressions ----

  ExprPtr ParseTuple(bool with_condexpr) {
    const Token at = cur();
    ExprPtr first = ParseExpression(with_condexpr);
    if (!IsOp(",")) return first;
    auto t = Make(EK::kTuple, at);
    t->args.push_back(std::move(first));
    while (SkipOp(",")) {
      if (cur().type == TT::kVarEnd || cur().type == TT::kBlockEnd || cur().type == TT::kEof ||
          IsOp(")"))
        break;
      t->args.push_back(ParseExpression(with_condexpr));
    }
    return t;
  }

  ExprPtr ParseExpression(bool with_condexpr) {
    Nest nest(*this);
    nest.Deeper();
    if (with_condexpr) return ParseCondExpr();
    return ParseOr();
  }

  ExprPtr ParseCondExpr() {
    const Token at = cur();
    ExprPtr expr1 = ParseOr();
    Nest chain(*this);
    while (IsName("if")) {
      chain.Deeper();
      next();
      ExprPtr cond = ParseOr();
      ExprPtr expr3;
      if (SkipName("else")) expr3 = ParseCondExpr();
      auto c = Make(EK::kCondExpr, at);
      c->args.push_back(std::move(cond));
      c->args.push_back(std::move(expr1));
      c->args.push_back(std::move(expr3));
      expr1 = std::move(c);
    }
    return expr1;
  }

  ExprPtr ParseOr() {
    ExprPtr left = ParseAnd();
    Nest chain(*this);
    while (IsName("or")) {
      chain.Deeper();
      const Token at = cur();
      next();
      auto e = Make(EK::kOr, at);
      e->args.push_back(std::move(left));
      e->args.push_back(ParseAnd());
      left = std::move(e);
    }
    return left;
  }

  ExprPtr ParseAnd() {
    ExprPtr left = ParseNot();
    Nest chain(*this);
    while (IsName("and")) {
      chain.Deeper();
      const Token at = cur();
      next();
      auto e = Make(EK::kAnd, at);
      e->args.push_back(std::move(left));
      e->args.push_back(ParseNot());
      left = std::move(e);
    }
    return left;
  }

  ExprPtr ParseNot() {
    Nest nest(*this);
    if (IsName("not")) {
      nest.Deeper();
      const Token at = cur();
      next();
      auto e = Make(EK::kNot, at);
      e->args.push_back(ParseNot());
      return e;
    }
    return ParseCompare();
  }

  ExprPtr ParseCompare() {
    const Token at = cur();
    ExprPtr expr = ParseMath1();
    ExprPtr cmp;
    while (true) {
      std::string op;
      if (cur().type == TT::kOp &&
          (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == "<=" ||
           cur().text == ">" || cur().text == ">=")) {
        op = cur().text;
        next();
      } else if (IsName("in")) {
        op = "in";
        next();
      } else if (IsName("not") && peek().type == TT::kName && peek().text == "in") {
        op = "notin";
        next();
        next();
      } else {
        break;
      }
      if (!cmp) {
        cmp = Make(EK::kCompare, at);
        cmp->args.push_back(std::move(expr));
      }
      cmp->ops.push_back(op);
      cmp->args.push_back(ParseMath1());
    }
    return cmp ? std::move(cmp) : std::move(expr);
  }

  ExprPtr Binary(const Token& at, std::string op, ExprPtr l, ExprPtr r) {
    auto e = Make(EK::kBinary, at);
    e->name = std::move(op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  ExprPtr ParseMath1() {
    ExprPtr left = ParseConcat();
    Nest chain(*this);
    while (IsOp("+") || IsOp("-")) {
      chain.Deeper();
      const Token at = cur();
      next();
      left = Binary(at, at.text, std::move(left), ParseConcat());
    }
    return left;
  }

  ExprPtr ParseConcat() {
    ExprPtr left = ParseMath2();
    Nest chain(*this);
    while (IsOp("~")) {
      chain.Deeper();
      const Token at = cur();
      next();
      left = Binary(at, "~", std::move(left), ParseMath2());
    }
    return left;
  }

  ExprPtr ParseMath2() {
    ExprPtr left = ParsePow();
    Nest chain(*this);
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      chain.Deeper();
      const Token at = cur();
      next();
      left = Binary(at, at.text, std::move(left), ParsePow());
    }
    return left;
  }

  ExprPtr ParsePow() {
    ExprPtr left = ParseUnary(true);
    Nest chain(*this);
    while (IsOp("**")) {
      chain.Deeper();
      const Token at = cur();
      next();
      left = Binary(at, "**", std::move(left), ParseUnary(true));
    }
    return left;
  }

  ExprPtr ParseUnary(bool with_filter) {
    Nest nest(*this);
    const Token at = cur();
    ExprPtr node;
    if (IsOp("-") || IsOp("+")) {
      nest.Deeper();
      next();
      node = Make(at.text == "-" ? EK::kNeg : EK::kPos, at);
      node->args.push_back(ParseUnary(false));
    } else {
      node = ParsePrimary();
    }
    node = ParsePostfix(std::move(node));
    if (with_filter) node = ParseFilterExpr(std::move(node));
    return node;
  }

  ExprPtr ParsePrimary() {
    const Token at = cur();
    switch (at.type) {
      case TT::kName: {
        next();
        const std::string& n = at.text;
        auto c = Make(EK::kConst, at);
        if (n == "true" || n == "True") {
          c->constant = Value(true);
        } else if (n == "false" || n == "False") {
          c->constant = Value(false);
        } else if (n == "none" || n == "None") {
          c->constant = Value();
        } else {
          c->kind = EK::kName;
          c->name = n;
        }
        return c;
      }
      case TT::kString: {
        std::string s;
        while (cur().type == TT::kString) {
          s += cur().text;
          next();
        }
        auto c = Make(EK::kConst, at);
        c->constant = Value(std::move(s));
        return c;
      }
      case TT::kInt:
      case TT::kFloat: {
        next();
        auto c = Make(EK::kConst, at);
        c->constant = at.number;
        return c;
      }
      case TT::kOp:
        if (at.text == "(") {
          next();
          if (SkipOp(")")) return Make(EK::kTuple, at);
          ExprPtr e = ParseExpression(true);
          if (IsOp(",")) {
            auto t = Make(EK::kTuple, at);
            t->args.push_back(std::move(e));
            while (SkipOp(",")) {
              if (IsOp(")")) break;
              t->args.push_back(ParseExpression(true));
            }
            e = std::move(t);
          }
          ExpectOp(")");
          return e;
        }
        if (at.text == "[") {
          next();
          auto l = Make(EK::kList, at);
          while (!IsOp("]")) {
            if (!l->args.empty()) ExpectOp(",");
            if (IsOp("]")) break;
            l->args.push_back(ParseExpression(true));
          }
          ExpectOp("]");
          return l;
        }
        if (at.text == "{") {
          next();
          auto d = Make(EK::kDict, at);
          while (!IsOp("}")) {
            if (!d->args.empty()) ExpectOp(",");
            if (IsOp("}")) break;
            d->args.push_back(ParseExpression(true));
            ExpectOp(":");
            d->args.push_back(ParseExpression(true));
          }
          ExpectOp("}");
          return d;
        }
        break;
      default: break;
    }
    Fail("unexpected '" + Describe() + "'");
  }

  ExprPtr ParsePostfix(ExprPtr node) {
    Nest chain(*this);
    while (true) {
      chain.Deeper();
      const Token at = cur();
      if (IsOp(".")) {
        next();
        if (cur().type == TT::kName) {
          auto e = Make(EK::kGetAttr, at);
          e->name = cur().text;
          next();
          e->args.push_back(std::move(node));
          node = std::move(e);
        } else if (cur().type == TT::kInt) {
          auto e = Make(EK::kGetItem, at);
          e->args.push_back(std::move(node));
          auto c = Make(EK::kConst, cur());
          c->constant = cur().number;
          next();
          e->args.push_back(std::move(c));
          node = std::move(e);
        } else {
          Fail("expected name or number");
        }
      } else if (IsOp("[")) {
        next();
        node = ParseSubscript(at, std::move(node));
      } else if (IsOp("(")) {
        node = ParseCall(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr ParseSubscript(const Token& at, ExprPtr node) {
    // [expr] or [a:b:c], or a tuple index [a, b]
    std::vector<ExprPtr> parts(3);
    bool is_slice = false;
    if (!IsOp(":")) parts[0] = ParseExpression(true);
    if (SkipOp(":")) {
      is_slice = true;
      if (!IsOp("]") && !IsOp(":")) parts[1] = ParseExpression(true);
      if (SkipOp(":")) {
        if (!IsOp("]")) parts[2] = ParseExpression(true);
      }
    }
    ExpectOp("]");
    if (!is_slice) {
      auto e = Make(EK::kGetItem, at);
      e->args.push_back(std::move(node));
      e->args.push_back(std::move(parts[0]));
      return e;
    }
    auto e = Make(EK::kSlice, at);
    e->args.push_back(std::move(node));
    for (auto& p : parts) e->args.push_back(std::move(p));
    return e;
  }

  void ParseCallArgs(Expr& e) {
    ExpectOp("(");
    bool first = true;
    while (!IsOp(")")) {
      if (!first) ExpectOp(",");
      first = false;
      if (IsOp(")")) break;
      if (SkipOp("**")) {
        e.dyn_kwargs = ParseExpression(true);
      } else if (SkipOp("*")) {
        e.dyn_args = ParseExpression(true);
      } else if (cur().type == TT::kName && peek().type == TT::kOp && peek().text == "=") {
        std::string key = cur().text;
        next();
        next();
        e.kwargs.emplace_back(std::move(key), ParseExpression(true));
      } else {
        if (!e.kwargs.empty()) Fail("positional argument follows keyword argument");
        e.args.push_back(ParseExpression(true));
      }
    }
    ExpectOp(")");
  }

  ExprPtr ParseCall(ExprPtr callee) {
    auto e = Make(EK::kCall, cur());
    e->line = callee->line;
    e->col = callee->col;
    e->args.push_back(std::move(callee));
    ParseCallArgs(*e);
    return e;
  }

  std::string ParseDottedName() {
    std::string name = ExpectName();
    while (IsOp(".") && peek().type == TT::kName) {
      next();
      name += "." + cur().text;
      next();
    }
    return name;
  }

  ExprPtr ParseFilter(ExprPtr node) {
    const Token at = cur();
    std::string name = ParseDottedName();
    FilterFn fn = FindFilter(name);
    if (!fn) {
      std::string msg = "No filter named '" + name + "'.";
      std::string hint = Suggest(name, FilterNames());
      if (!hint.empty()) msg += " Did you mean '" + hint + "'?";
      throw SyntaxError{msg, at.line, at.col};
    }
    auto e = Make(EK::kFilter, at);
    e->name = name;
    e->fn = reinterpret_cast<const void*>(fn);
    std::string_view base = name;
    if (base.rfind("ansible.builtin.", 0) == 0) base.remove_prefix(16);
    if (base.rfind("ansible.legacy.", 0) == 0) base.remove_prefix(15);
    e->native_text = base == "string" || base == "to_json" || base == "to_nice_json" ||
                     base == "to_yaml" || base == "to_nice_yaml";
    e->args.push_back(std::move(node));
    if (IsOp("(")) ParseCallArgs(*e);
    return e;
  }

  ExprPtr ParseFilterChain(ExprPtr node, bool first_without_pipe = false) {
    Nest chain(*this);
    if (first_without_pipe) node = ParseFilter(std::move(node));
    while (SkipOp("|")) {
      chain.Deeper();
      node = ParseFilter(std::move(node));
    }
    return node;
  }

  ExprPtr ParseFilterExpr(ExprPtr node) {
    Nest chain(*this);
    while (true) {
      chain.Deeper();
      if (IsOp("|")) {
        next();
        node = ParseFilter(std::move(node));
      } else if (IsName("is")) {
        node = ParseTest(std::move(node));
      } else if (IsOp("(")) {
        node = ParseCall(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr ParseTest(ExprPtr node) {
    next();  // is
    bool negate = SkipName("not");
    const Token at = cur();
    std::string name = ParseDottedName();
    TestFn fn = FindTest(name);
    if (!fn) {
      std::string msg = "No test named '" + name + "'.";
      std::string hint = Suggest(name, TestNames());
      if (!hint.empty()) msg += " Did you mean '" + hint + "'?";
      throw SyntaxError{msg, at.line, at.col};
    }
    auto e = Make(EK::kTest, at);
    e->name = name;
    e->negate = negate;
    e->fn = reinterpret_cast<const void*>(fn);
    e->args.push_back(std::move(node));
    if (IsOp("(")) {
      ParseCallArgs(*e);
    } else if ((cur().type == TT::kName || cur().type == TT::kString || cur().type == TT::kInt ||
                cur().type == TT::kFloat || IsOp("(") || IsOp("[") || IsOp("{")) &&
               !IsName("else") && !IsName("or") && !IsName("and")) {
      if (IsName("is")) Fail("You cannot chain multiple tests with is");
      ExprPtr arg = ParsePrimary();
      arg = ParsePostfix(std::move(arg));
      e->args.push_back(std::move(arg));
    }
    return e;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Body ParseTemplate(std::string_view text, const Options& options,
                   std::vector<const Node*>* blocks) {
  Parser p(Tokenize(text, options));
  Body body = p.ParseAll();
  if (blocks) *blocks = std::move(p.blocks);
  return body;
}

ExprPtr ParseBareExpression(std::string_view text, const Options& options) {
  // Lex as the inside of a {{ }} tag.
  std::string wrapped = "{{ " + std::string(text) + " }}";
  std::vector<Token> toks = Tokenize(wrapped, options);
  // Drop VarBegin/VarEnd, keep the EOF.
  std::vector<Token> inner;
  for (auto& t : toks)
    if (t.type != Token::Type::kVarBegin && t.type != Token::Type::kVarEnd &&
        t.type != Token::Type::kData)
      inner.push_back(std::move(t));
  for (auto& t : inner)
    if (t.line == 1) t.col -= 3;
  return Parser(std::move(inner)).ParseBare();
}

}  // namespace drover::tmpl
