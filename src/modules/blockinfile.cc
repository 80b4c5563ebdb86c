// blockinfile (ansible.builtin.blockinfile): one round trip reads the file
// (edit_file.h), the block is placed on the controller (text_edit.h), and a
// second round trip backs up, validates and installs the result atomically
// (following symlinks, as Ansible writes the real path) only when the
// content or the file's attributes differ.
#include "connection/shell.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/registry.h"
#include "modules/text_edit.h"

namespace drover::modules {

namespace {

class BlockInFile : public Module {
 public:
  std::string_view Name() const override { return "blockinfile"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest", "destfile", "name"}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"marker", ArgType::kStr, Value("# {mark} ANSIBLE MANAGED BLOCK"), false, {}, {}},
        {"block", ArgType::kStr, Value(""), false, {"content"}, {}},
        {"insertafter", ArgType::kStr, {}, false, {}, {}},
        {"insertbefore", ArgType::kStr, {}, false, {}, {}},
        {"create", ArgType::kBool, Value(false), false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
        {"marker_begin", ArgType::kStr, Value("BEGIN"), false, {}, {}},
        {"marker_end", ArgType::kStr, Value("END"), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    BlockSpec spec;
    spec.block = ArgText(args, "block");
    spec.marker = ArgText(args, "marker");
    spec.marker_begin = ArgText(args, "marker_begin");
    spec.marker_end = ArgText(args, "marker_end");
    spec.present = ArgText(args, "state") == "present";
    spec.insertafter = OptionalArgText(args, "insertafter");
    spec.insertbefore = OptionalArgText(args, "insertbefore");
    if (spec.insertafter && spec.insertbefore)
      return Failed("parameters are mutually exclusive: insertbefore|insertafter");
    const bool create = args.find("create")->as_bool();

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
    if (!st.exists && !create) {
      Map f = Failed("Path " + path + " does not exist !");
      f.set("rc", 257);
      return f;
    }
    if (!spec.present && !st.exists)
      return Map{{"changed", false}, {"msg", Value("File " + path + " not present")}};

    const std::optional<std::string> original =
        st.exists ? target->content.value_or("") : std::optional<std::string>();
    Result<TextEditResult> edit = EditBlock(original, spec);
    if (!edit) return Failed(edit.error().message);

    const std::string header = path + " (content)";
    Map diff{{"before", Value("")},
             {"after", Value("")},
             {"before_header", Value(header)},
             {"after_header", Value(header)}};
    if (ctx.diff_mode && original && !original->empty()) diff.set("before", Value(*original));
    if (ctx.diff_mode) diff.set("after", Value(edit->content));
    std::string drover_diff;
    if (ctx.diff_mode && edit->changed)
      drover_diff = UnifiedDiff(original.value_or(""), edit->content, header, header);
    if (ctx.check_mode && !st.exists) {
      Map r{{"changed", edit->changed}, {"msg", Value(edit->msg)}, {"diff", Value(diff)}};
      if (!drover_diff.empty()) r.set("_drover_diff", Value(drover_diff));
      return r;
    }

    Result<AttrPlan> attrs =
        PlanAttrs(args, st.exists ? st : target->new_file, target->is_link, ctx.check_mode);
    if (!attrs) return Failed(attrs.error().message);
    std::string msg = edit->msg;
    bool changed = edit->changed;
    if (attrs->differ) {
      if (changed) msg += " and ";
      changed = true;
      msg += "ownership, perms or SE linux context changed";
    }
    Map attr_diff = attrs->diff;
    attr_diff.set("before_header", Value(path + " (file attributes)"));
    attr_diff.set("after_header", Value(path + " (file attributes)"));

    Map r{{"changed", changed},
          {"msg", Value(msg)},
          {"diff", Value(List{Value(diff), Value(attr_diff)})}};
    if (!drover_diff.empty()) r.set("_drover_diff", Value(drover_diff));
    if (!changed || ctx.check_mode) return r;

    EditWrite write;
    if (edit->changed) write.content = edit->content;
    write.backup = args.find("backup")->as_bool();
    write.make_parent = !st.exists && !target->parent_exists;
    write.validate = ArgText(args, "validate");
    Result<EditWriteResult> done = WriteEdit(ctx, path, *target, write, *attrs);
    if (!done) return done.take_error();
    if (done->failure) return *done->failure;
    if (done->validate_rc)
      return Failed("failed to validate: rc:" + std::to_string(*done->validate_rc) +
                    " error:" + done->validate_stderr);
    if (!done->backup_file.empty()) r.set("backup_file", Value(done->backup_file));
    return r;
  }
};

}  // namespace

const Module& BlockinfileModule() {
  static const BlockInFile m;
  return m;
}

}  // namespace drover::modules
