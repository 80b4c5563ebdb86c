// ini_file (community.general.ini_file): one round trip reads the file
// (edit_file.h), the edit is made on the controller as Ansible's do_ini
// makes it (ini_text.h), and a second round trip backs up and installs the
// new text atomically only when it or the file's attributes differ. As in
// Ansible, check mode does not compare attributes, and the result's diff
// has the whole text before and after.
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/ini_text.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

class IniFile : public Module {
 public:
  std::string_view Name() const override { return "ini_file"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest"}, {}},
        {"section", ArgType::kStr, {}, false, {}, {}},
        {"option", ArgType::kStr, {}, false, {}, {}},
        {"value", ArgType::kStr, {}, false, {}, {}},
        {"values", ArgType::kList, {}, false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"exclusive", ArgType::kBool, Value(true), false, {}, {}},
        {"no_extra_spaces", ArgType::kBool, Value(false), false, {}, {}},
        {"allow_no_value", ArgType::kBool, Value(false), false, {}, {}},
        {"create", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    IniRequest req;
    req.section = ArgText(args, "section");
    req.option = OptionalArgText(args, "option");
    req.present = ArgText(args, "state") == "present";
    req.exclusive = args.find("exclusive")->as_bool();
    req.no_extra_spaces = args.find("no_extra_spaces")->as_bool();
    req.allow_no_value = args.find("allow_no_value")->as_bool();
    const std::optional<std::string> value = OptionalArgText(args, "value");
    const Value* values = args.find("values");
    if (value && values && !values->is_null())
      return Failed("parameters are mutually exclusive: value|values");
    if (value) {
      req.values.push_back(*value);
    } else if (values && values->is_list()) {
      for (const Value& v : values->as_list())
        if (!v.is_null()) req.values.push_back(ArgText(Map{{"v", v}}, "v"));
    }
    if (req.present && !req.allow_no_value && req.values.empty())
      return Failed(
          "Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");

    std::optional<Map> failure;
    Result<EditTarget> target = ReadEditTarget(ctx, path, &failure);
    if (!target) return target.take_error();
    if (failure) return *failure;
    const RemoteStat& st = target->st;
    if (!st.exists && !args.find("create")->as_bool()) {
      Map f = Failed("Destination " + path + " does not exist!");
      f.set("rc", 257);
      return f;
    }
    if (st.exists && !st.IsReg())
      return Failed("Unable to read " + path + ": it is not a regular file");
    IniEdit edit = EditIni(st.exists ? target->content : std::nullopt, req);

    const std::string header = path + " (content)";
    Map diff{{"before", Value(ctx.diff_mode ? edit.before : "")},
             {"after", Value(ctx.diff_mode ? edit.after : "")},
             {"before_header", Value(header)},
             {"after_header", Value(header)}};
    Map r{{"changed", edit.changed},
          {"diff", Value(diff)},
          {"msg", Value(edit.msg)},
          {"path", Value(path)}};
    if (ctx.diff_mode && edit.changed)
      r.set("_drover_diff", Value(UnifiedDiff(edit.before, edit.after, header, header)));
    if (ctx.check_mode) return r;
    auto with_path_info = [&](Map res) -> Result<Map> {
      if (Status st = AddPathInfo(ctx, path, &res); !st) return st.take_error();
      return res;
    };

    // Attributes are compared only for a file that exists (or will).
    const bool will_exist = st.exists || edit.changed;
    Result<AttrPlan> attrs = PlanAttrs(args, st.exists ? st : target->new_file, target->is_link);
    if (!attrs) return Failed(attrs.error().message);
    const bool fix_attrs = will_exist && attrs->differ;
    if (!edit.changed && !fix_attrs) return with_path_info(r);
    r.set("changed", true);
    EditWrite write;
    if (edit.changed) write.content = edit.after;
    write.backup = args.find("backup")->as_bool();
    write.make_parent = !st.exists && !target->parent_exists;
    Result<EditWriteResult> done = WriteEdit(ctx, path, *target, write, *attrs);
    if (!done) return done.take_error();
    if (done->failure) return *done->failure;
    if (!done->backup_file.empty()) r.set("backup_file", Value(done->backup_file));
    return with_path_info(r);
  }
};

}  // namespace

const Module& IniFileModule() {
  static const IniFile m;
  return m;
}

}  // namespace drover::modules
