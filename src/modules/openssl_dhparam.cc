// openssl_dhparam (community.crypto) with the host's `openssl dhparam`: one
// round trip reads the size of the existing parameters' prime (`openssl
// dhparam -noout -text`) and the file's stat; when the size differs (or
// force), the same round trip generates new parameters into a temporary
// file and moves them into place, then mode, owner and group are set as
// the module's set_fs_attributes_if_different sets them.
//
// Partial (refused clearly): backup.
#include <regex>

#include "connection/shell.h"
#include "modules/crypto_host.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
constexpr const char* kName = "openssl_dhparam";

// Variables P, STATE, CHECK, SIZE, FORCE, CONTENT. Fields: bits (the
// existing prime's), made (1 when generated), content, stat, changed.
constexpr const char* kScript = R"SH(
__b=$(dirname "$P"); [ -d "$__b" ] || fail "The directory '$__b' does not exist or the file is not a directory"
if [ "$STATE" = absent ]; then
  if [ -e "$P" ]; then [ "$CHECK" = 1 ] || rm -f -- "$P" || fail "cannot remove $P"; field changed 1
  else field changed 0; fi
  exit 0
fi
need openssl
bits=
if [ -f "$P" ]; then
  bits=$(openssl dhparam -in "$P" -noout -text 2>/dev/null | sed -n 's/.*Parameters: *(\([0-9]*\) bit).*/\1/p' | head -n 1)
fi
field bits "$bits"
if [ "$CHECK" = 0 ] && { [ "$FORCE" = 1 ] || [ "$bits" != "$SIZE" ]; }; then
  openssl dhparam -out "$T/dh.pem" "$SIZE" >/dev/null 2>"$T/err" || fail "$(cat "$T/err")"
  put "$T/dh.pem" "$P"
  field made 1
fi
[ "$CONTENT" = 1 ] && [ -f "$P" ] && field content "$(cat "$P"; printf x)"
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
exit 0
)SH";

class OpensslDhparam : public Module {
 public:
  std::string_view Name() const override { return "community.crypto.openssl_dhparam"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"size", ArgType::kInt, Value(int64_t{4096}), false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"select_crypto_backend",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "cryptography", "openssl"}},
        {"return_content", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (args.find("backup")->as_bool()) return crypto::NotImplemented(kName, "backup=true");
    const std::string path = ArgText(args, "path"), state = ArgText(args, "state");
    const int64_t size = args.find("size")->as_int();
    const bool force = args.find("force")->as_bool();
    const bool want_content = args.find("return_content")->as_bool();
    std::string vars = "P=" + ShellQuote(path) + "; STATE=" + state +
                       "; CHECK=" + (ctx.check_mode ? "1" : "0") +
                       "; SIZE=" + std::to_string(size) + "; FORCE=" + (force ? "1" : "0") +
                       "; CONTENT=" + (want_content ? "1" : "0") + "\n";
    Result<connection::ExecResult> r = ctx.Exec(crypto::Prelude(false) + vars + kScript);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    Map result{{"size", Value(size)}, {"filename", Value(path)}};
    if (state == "absent") {
      auto changed = FieldValue(f, "changed");
      if (!changed)
        return Failed(std::string(kName) + ": the host failed: " + RStrip(r->stderr_data));
      result.set("changed", *changed == "1");
      if (want_content) result.set("dhparams", Value());
      return result;
    }
    const bool params_valid = FieldValue(f, "bits") == std::to_string(size);
    bool changed = force || !params_valid;
    std::optional<RemoteStat> st = ParseStatOutput(FieldValue(f, "stat").value_or(""));
    if (auto done = crypto::ApplyAttrs(ctx, args, st, std::nullopt, &changed))
      return std::move(*done);
    result.set("changed", changed);
    if (want_content) {
      std::optional<std::string> content = FieldValue(f, "content");
      if (content && !content->empty()) content->pop_back();  // the 'x' guard
      result.set("dhparams", content && !content->empty() ? Value(*content) : Value());
    }
    return result;
  }
};

}  // namespace

const Module& OpensslDhparamModule() {
  static const OpensslDhparam m;
  return m;
}

}  // namespace drover::modules
