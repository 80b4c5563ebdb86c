// Template inheritance: {% extends %}, {% block %}, self.<block>() and
// super(), as Jinja2's runtime does it. A render keeps one stack of block
// bodies per block name, the most derived template's first; {% extends %}
// appends the parent's blocks, drops the child's further top-level output
// and, once the child's top level ran, renders the parent in the child's
// context.
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

// One block of a stack, callable: `self.name()`, `super()`.
class BlockRef : public Object {
 public:
  BlockRef(Renderer* home, std::string name, size_t index)
      : home_(home), name_(std::move(name)), index_(index) {}
  std::string TypeName() const override { return "BlockReference"; }
  bool Callable() const override { return true; }
  bool GetAttr(std::string_view n, TVal* out) override {
    if (n == "name") {
      *out = Value(name_);
      return true;
    }
    if (n == "super") {
      *out = Reference(home_, name_, index_ + 1);
      return true;
    }
    return false;
  }
  TVal Call(Renderer& /*caller*/, CallArgs& args) override {
    args.Check("BlockReference", 0, {});
    std::string out;
    Renderer::BlockItemsScope items(*home_, 0);
    home_->RenderBlockAt(name_, index_, false, out);
    return Value(std::move(out));
  }
  std::string Str() const override { return "<jinja2.runtime.BlockReference object>"; }

  // The block at `index` of its stack, or Jinja2's undefined when the stack
  // has no such entry.
  static TVal Reference(Renderer* home, const std::string& name, size_t index) {
    auto it = home->blocks().stacks.find(name);
    if (it == home->blocks().stacks.end() || index >= it->second.size())
      return TVal::Undefined("there is no parent block called '" + name + "'.");
    return TVal::Obj(std::make_shared<BlockRef>(home, name, index));
  }

 private:
  Renderer* home_;
  std::string name_;
  size_t index_;
};

// Jinja2's TemplateReference: `self.<block>`.
class TemplateRef : public Object {
 public:
  explicit TemplateRef(Renderer* home) : home_(home) {}
  std::string TypeName() const override { return "TemplateReference"; }
  bool GetAttr(std::string_view n, TVal* out) override {
    auto it = home_->blocks().stacks.find(n);
    if (it == home_->blocks().stacks.end()) return false;
    *out = TVal::Obj(std::make_shared<BlockRef>(home_, std::string(n), 0));
    return true;
  }
  std::string Str() const override { return "<TemplateReference '" + home_->tmpl().name + "'>"; }

 private:
  Renderer* home_;
};

}  // namespace

TVal SelfReference(Renderer& r) {
  return TVal::Obj(std::make_shared<TemplateRef>(&r));
}

Renderer::BlockTable& Renderer::blocks() {
  if (!blocks_) {
    blocks_ = std::make_shared<BlockTable>();
    for (const Node* b : t_.blocks) blocks_->stacks[b->text].push_back(b);
  }
  return *blocks_;
}

void Renderer::RenderBlockAt(const std::string& name, size_t index, bool scoped, std::string& out) {
  const Node& block = *blocks().stacks.at(name).at(index);
  std::vector<Frame> saved;
  if (!scoped) {
    saved = frames_;
    frames_.resize(std::min(root_depth_, frames_.size()));
  }
  size_t depth = frames_.size();
  Push();
  struct Restore {
    Renderer& r;
    size_t depth;
    bool scoped;
    std::vector<Frame>& saved;
    ~Restore() {
      if (scoped)
        r.frames().resize(depth);
      else
        r.frames() = std::move(saved);
    }
  } restore{*this, depth, scoped, saved};
  if (depth > 200) Fail("maximum recursion depth exceeded");
  Set("super", BlockRef::Reference(this, name, index + 1));
  RenderBody(block.body, out);
}

void Renderer::ExecExtends(const Node& n, std::string& out) {
  if (&out != root_out_) Fail("cannot use extend from a non top-level scope");
  if (parent_) Fail("extended multiple times");
  std::string name = PyStrOf(Eval(*n.expr));
  BlockTable& table = blocks();
  parent_ = LoadTemplate(*this, name, false);
  for (const Node* b : parent_->blocks) table.stacks[b->text].push_back(b);
  root_keep_ = out.size();
}

void Renderer::RenderParent(std::string& out) {
  out.resize(root_keep_);
  IncludeGuard guard(*shared_, t_.name, parent_->name);
  Renderer parent(*parent_, scope_, hooks_, shared_);
  parent.blocks_ = blocks_;
  parent.frames_ = frames_;
  parent.Attributing([&]() { parent.Run(out); });
}

}  // namespace drover::tmpl
