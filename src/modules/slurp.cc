// slurp (ansible.builtin.slurp): a host file's bytes, base64-encoded. One
// round trip: the host reports why it cannot read the file, or sends the
// raw bytes (binary-safe, any size); the controller encodes them.
// A file that contains a secret gives content that is itself secret
// (issue 19's rule for derived values): the base64 text is registered, so
// it is masked wherever it is printed.
#include "core/secrets.h"
#include "modules/registry.h"
#include "modules/remote_file.h"

namespace drover::modules {

namespace {

class Slurp : public Module {
 public:
  std::string_view Name() const override { return "slurp"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"src", ArgType::kPath, {}, true, {"path"}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string src = args.find("src")->as_string();
    Result<RemoteRead> read = ReadRemoteFile(ctx, src);
    if (!read) return read.take_error();
    if (!read->error.empty()) return Failed(read->error);
    std::string content = Base64Encode(read->content);
    if (ContainsSecret(read->content)) RegisterSecret(content);
    return Map{{"changed", false},
               {"content", Value(std::move(content))},
               {"source", Value(src)},
               {"encoding", "base64"}};
  }
};

}  // namespace

const Module& SlurpModule() {
  static const Slurp m;
  return m;
}

}  // namespace drover::modules
