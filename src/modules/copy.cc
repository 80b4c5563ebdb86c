// copy (ansible.builtin.copy) from `content` or a local `src` file found as
// Ansible finds it (role files/, then the playbook's). Idempotent through
// install.h: one round trip when nothing differs. Partial: directory
// trees (src ending in / or a local directory), remote_src and validate
// are not implemented yet and fail clearly.
#include <filesystem>

#include "core/file_util.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/install.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

class Copy : public Module {
 public:
  std::string_view Name() const override { return "copy"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"src", ArgType::kPath, {}, false, {}, {}},
        {"content", ArgType::kRaw, {}, false, {}, {}},
        {"dest", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"force", ArgType::kBool, Value(true), false, {"thirsty"}, {}},
        {"directory_mode", ArgType::kRaw, {}, false, {}, {}},
        {"remote_src", ArgType::kBool, Value(false), false, {}, {}},
        {"local_follow", ArgType::kBool, Value(true), false, {}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
        {"decrypt", ArgType::kBool, Value(true), false, {}, {}},
        {"checksum", ArgType::kStr, {}, false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const Value& content_v = *args.find("content");
    const std::string src = ArgText(args, "src");
    const std::string dest = ArgText(args, "dest");
    if (!content_v.is_null() && !src.empty())
      return Failed("src and content are mutually exclusive");
    if (content_v.is_null() && src.empty()) return Failed("src (or content) is required");
    if (args.find("remote_src")->as_bool())
      return Failed("copy: remote_src is not implemented by drover yet");
    if (!content_v.is_null()) {
      // Ansible writes non-string content as JSON.
      std::string content = content_v.is_string() ? content_v.as_string() : ToJson(content_v);
      return InstallContent(ctx, content, args, dest, "", dest);
    }
    Result<std::string> local = FindLocalFile(ctx, "files", src);
    if (!local) return Failed(local.error().message);
    if (std::filesystem::is_directory(*local))
      return Failed("copy: copying directory trees is not implemented by drover yet");
    Result<std::string> content = ReadFile(*local);
    if (!content) return Failed(content.error().message);
    Result<Map> r = InstallContent(ctx, *content, args, dest,
                                   std::filesystem::path(*local).filename().string(), *local);
    return r;
  }
};

}  // namespace

const Module& CopyModule() {
  static const Copy m;
  return m;
}

}  // namespace drover::modules
