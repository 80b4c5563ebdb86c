// replace (ansible.builtin.replace): one round trip reads the file
// (edit_file.h), every match of `regexp` (Python re, MULTILINE) in the
// section between `after` and `before` is replaced on the controller
// (text_edit.h), and a second round trip backs up, validates and installs
// the result atomically only when the content or attributes differ.
// `encoding` is accepted; the file is edited as bytes (UTF-8 patterns;
// bytes that are not UTF-8 never match and are kept as they are).
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/registry.h"
#include "modules/text_edit.h"

namespace drover::modules {

namespace {

class Replace : public Module {
 public:
  std::string_view Name() const override { return "replace"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest", "destfile", "name"}, {}},
        {"regexp", ArgType::kStr, {}, true, {}, {}},
        {"replace", ArgType::kStr, Value(""), false, {}, {}},
        {"after", ArgType::kStr, {}, false, {}, {}},
        {"before", ArgType::kStr, {}, false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
        {"encoding", ArgType::kStr, Value("utf-8"), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    ReplaceSpec spec;
    spec.regexp = ArgText(args, "regexp");
    spec.replace = ArgText(args, "replace");
    spec.after = OptionalArgText(args, "after");
    spec.before = OptionalArgText(args, "before");

    std::optional<Map> failure;
    Result<EditTarget> target = ReadEditTarget(ctx, path, &failure);
    if (!target) return target.take_error();
    if (failure) return *failure;
    const RemoteStat& st = target->st;
    if (st.exists && st.IsDir()) {
      Map f = Failed("Path " + path + " is a directory !");
      f.set("rc", 256);
      return f;
    }
    if (!st.exists) {
      Map f = Failed("Path " + path + " does not exist !");
      f.set("rc", 257);
      return f;
    }
    const std::string contents = target->content.value_or("");
    Result<ReplaceResult> edit = ReplaceText(contents, spec);
    if (!edit) return Failed(edit.error().message);
    if (edit->unmatched_section)
      return Map{{"rc", 0}, {"msg", Value(edit->msg)}, {"changed", false}};

    Map r{{"rc", 0}};
    if (ctx.diff_mode && edit->changed) {
      r.set("diff", Value(Map{{"before_header", Value(path)},
                              {"before", Value(contents)},
                              {"after_header", Value(path)},
                              {"after", Value(edit->content)}}));
      r.set("_drover_diff", Value(UnifiedDiff(contents, edit->content, path, path)));
    }
    Result<AttrPlan> attrs = PlanAttrs(args, st, target->is_link, ctx.check_mode);
    if (!attrs) return Failed(attrs.error().message);

    EditWriteResult written;
    if (edit->changed && !ctx.check_mode) {
      EditWrite write;
      write.content = edit->content;
      write.backup = args.find("backup")->as_bool();
      write.validate = ArgText(args, "validate");
      Result<EditWriteResult> done = WriteEdit(ctx, path, *target, write, *attrs);
      if (!done) return done.take_error();
      if (done->failure) return *done->failure;
      if (done->validate_rc)
        return Failed("failed to validate: rc:" + std::to_string(*done->validate_rc) +
                      " error:" + done->validate_stderr);
      if (!done->backup_file.empty()) r.set("backup_file", Value(done->backup_file));
    } else if (attrs->differ && !ctx.check_mode) {
      Result<EditWriteResult> done = WriteEdit(ctx, path, *target, EditWrite{}, *attrs);
      if (!done) return done.take_error();
      if (done->failure) return *done->failure;
    }
    std::string msg = edit->msg;
    bool changed = edit->changed;
    if (attrs->differ) {
      if (changed) msg += " and ";
      changed = true;
      msg += "ownership, perms or SE linux context changed";
    }
    r.set("msg", Value(msg));
    r.set("changed", changed);
    return r;
  }
};

}  // namespace

const Module& ReplaceModule() {
  static const Replace m;
  return m;
}

}  // namespace drover::modules
