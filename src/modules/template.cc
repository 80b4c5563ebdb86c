// template (ansible.builtin.template): the source (role templates/, then
// the playbook's) is rendered on the controller through RunContext::render
// with the task's variables, then installed exactly as copy installs
// content. newline_sequence and validate are applied; output_encoding
// other than utf-8 is accepted and ignored.
#include <filesystem>

#include "core/file_util.h"
#include "modules/file_common.h"
#include "modules/install.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

std::string ReplaceNewlines(const std::string& text, const std::string& seq) {
  if (seq == "\n") return text;
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += seq;
    else
      out += c;
  }
  return out;
}

class Template : public Module {
 public:
  std::string_view Name() const override { return "template"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"src", ArgType::kPath, {}, true, {}, {}},
        {"dest", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"force", ArgType::kBool, Value(true), false, {}, {}},
        {"newline_sequence", ArgType::kStr, Value("\n"), false, {}, {"\n", "\r", "\r\n"}},
        {"output_encoding", ArgType::kStr, Value("utf-8"), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  std::optional<PathProbe> PlanProbe(const Map& args, const RunContext& ctx) const override {
    if (ctx.diff_mode || !ctx.render) return std::nullopt;
    Result<std::string> local = FindLocalFile(ctx, "templates", ArgText(args, "src"));
    if (!local) return std::nullopt;
    return InstallProbe(ArgText(args, "dest"), std::filesystem::path(*local).filename().string());
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string src = ArgText(args, "src");
    if (!ctx.render) return Failed("template: no template renderer for this task");
    Result<std::string> local = FindLocalFile(ctx, "templates", src);
    if (!local) return Failed(local.error().message);
    Result<std::string> text = ReadLocalSource(*local);
    if (!text) return Failed(text.error().message);
    Result<std::string> rendered = ctx.render(*text, *local);
    if (!rendered) return Failed(rendered.error().full());
    std::string content = ReplaceNewlines(*rendered, ArgText(args, "newline_sequence"));
    return InstallContent(ctx, content, args, ArgText(args, "dest"),
                          std::filesystem::path(*local).filename().string(), *local);
  }
};

}  // namespace

const Module& TemplateModule() {
  static const Template m;
  return m;
}

}  // namespace drover::modules
