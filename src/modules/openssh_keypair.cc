// openssh_keypair (community.crypto) as its opensshbin backend (what
// Ansible selects when ssh-keygen exists and no passphrase is given): one
// round trip runs `ssh-keygen -l -f` and `ssh-keygen -P '' -y -f` on the
// private key and reads the .pub file; the controller decides as the
// module does (the key's type and size by `regenerate`, the public key and
// its comment); only when something differs a second round trip generates
// a pair with `ssh-keygen -q -N '' -b SIZE -t TYPE -C COMMENT` in a private
// temporary directory and moves both files into place (the private key
// 0600, as ssh-keygen makes it), or rewrites the .pub and the comment.
// mode/owner/group apply to both files.
//
// Partial (refused clearly): passphrase (the cryptography backend),
// private_key_format other than auto, backend=cryptography. The `diff`
// result key (only with --diff in Ansible) is not returned.
#include <variant>

#include "connection/shell.h"
#include "modules/crypto_host.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
constexpr const char* kName = "openssh_keypair";

// Variables P, STATE, CHECK, ACTION (read, generate, restore), TYPE, SIZE,
// HAVE_COMMENT, COMMENT. Fields: exists, pub_exists, l (ssh-keygen -l),
// l_rc, y (ssh-keygen -y), y_rc, y_err, pubfile, stat, pubstat.
constexpr const char* kScript = R"SH(
__b=$(dirname "$P"); [ -d "$__b" ] || fail "The directory $__b does not exist or the file is not a directory"
[ -d "$P" ] && fail "$P is a directory. Please specify a path to a file."
need ssh-keygen
case $ACTION in
  generate)
    (umask "$UMASK0"; ssh-keygen -q -N '' -b "$SIZE" -t "$TYPE" -f "$T/key" -C "$COMMENT" </dev/null >"$T/out" 2>&1) ||
      fail "$(cat "$T/out")"
    if [ -e "$P.pub" ]; then chmod "$(stat -c %a "$P.pub")" "$T/key.pub"; fi
    mv -f "$T/key" "$P" && mv -f "$T/key.pub" "$P.pub" || fail "cannot move the new key pair to $P" ;;
  restore)
    ssh-keygen -P '' -y -f "$P" >"$T/pub" 2>/dev/null || fail "The public key is missing or does not match the private key. Unable to regenerate the public key."
    if [ -e "$P.pub" ]; then m=$(stat -c %a "$P.pub"); else m=644; fi
    put "$T/pub" "$P.pub" && chmod "$m" "$P.pub"
    if [ "$HAVE_COMMENT" = 1 ] && [ -n "$COMMENT" ]; then
      [ -w "$P" ] || chmod 600 "$P"
      ssh-keygen -q -o -c -C "$COMMENT" -f "$P" </dev/null >/dev/null 2>&1
    fi ;;
esac
if [ -e "$P" ]; then
  field exists 1
  run ssh-keygen -l -f "$P"; field l "$OUT"; field l_rc "$RC"
  run ssh-keygen -P '' -y -f "$P"; field y "$OUT"; field y_rc "$RC"; field y_err "$ERR"
fi
[ -e "$P.pub" ] && field pubfile "$(cat "$P.pub")"
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
__drover_stat "$P.pub" >"$T/stat" 2>/dev/null && field pubstat "$(cat "$T/stat")"
if [ "$STATE" = absent ]; then
  if [ -e "$P" ] || [ -e "$P.pub" ]; then
    [ "$CHECK" = 1 ] || rm -f -- "$P" "$P.pub" || fail "cannot remove $P"
    field changed 1
  else field changed 0; fi
fi
exit 0
)SH";

// `ssh-keygen -l`'s "SIZE FINGERPRINT COMMENT... (TYPE)".
struct PrivateKey {
  int64_t size = 0;
  std::string type, fingerprint;
};

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<PrivateKey> ParsePrivate(const HostFields& f) {
  if (FieldValue(f, "exists") != "1" || FieldValue(f, "l_rc") != "0") return std::nullopt;
  std::vector<std::string> w = Words(FieldValue(f, "l").value_or(""));
  if (w.size() < 2) return std::nullopt;
  PrivateKey k;
  k.size = std::atoll(w[0].c_str());
  std::string t = w.back().size() > 2 ? w.back().substr(1, w.back().size() - 2) : "";
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  k.type = t;
  k.fingerprint = w[1];
  return k;
}

// The module's PublicKey: type string, data, comment (nullopt: unknown).
struct PublicKey {
  std::string type, data;
  std::optional<std::string> comment;
};

std::optional<PublicKey> ParsePublic(std::string text, bool strip_spaces) {
  while (!text.empty() && (text.back() == '\n' || (strip_spaces && text.back() == ' ')))
    text.pop_back();
  size_t start = 0;
  if (strip_spaces)
    while (start < text.size() && (text[start] == ' ' || text[start] == '\n')) ++start;
  text = text.substr(start);
  size_t a = text.find(' ');
  if (a == std::string::npos) return std::nullopt;
  size_t b = text.find(' ', a + 1);
  PublicKey k{text.substr(0, a),
              text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1),
              b == std::string::npos ? std::string() : text.substr(b + 1)};
  return k;
}

bool SamePublic(const PublicKey& a, const PublicKey& b) {
  return a.type == b.type && a.data == b.data &&
         (!a.comment || !b.comment || *a.comment == *b.comment);
}

bool AnyIn(const std::string& s, std::initializer_list<const char*> needles) {
  for (const char* n : needles)
    if (s.find(n) != std::string::npos) return true;
  return false;
}

// The module's _get_size: the size for the type, or a failure message.
std::variant<int64_t, std::string> KeySize(const std::string& type, std::optional<int64_t> size) {
  if (type == "rsa" || type == "rsa1") {
    int64_t r = size.value_or(4096);
    if (r < 1024)
      return std::string(
          "For RSA keys, the minimum size is 1024 bits and the default is 4096 bits. Attempting to "
          "use bit lengths under 1024 will cause the module to fail.");
    return r;
  }
  if (type == "dsa") {
    int64_t r = size.value_or(1024);
    if (r != 1024)
      return std::string("DSA keys must be exactly 1024 bits as specified by FIPS 186-2.");
    return r;
  }
  if (type == "ecdsa") {
    int64_t r = size.value_or(256);
    if (r != 256 && r != 384 && r != 521)
      return std::string(
          "For ECDSA keys, size determines the key length by selecting from one of three elliptic "
          "curve sizes: 256, 384 or 521 bits. Attempting to use bit lengths other than these three "
          "values for ECDSA keys will cause this module to fail.");
    return r;
  }
  return int64_t{256};
}

class OpensshKeypair : public Module {
 public:
  std::string_view Name() const override { return "community.crypto.openssh_keypair"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"size", ArgType::kInt, {}, false, {}, {}},
        {"type",
         ArgType::kStr,
         Value("rsa"),
         false,
         {},
         {"rsa", "dsa", "rsa1", "ecdsa", "ed25519"}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"comment", ArgType::kStr, {}, false, {}, {}},
        {"regenerate",
         ArgType::kStr,
         Value("partial_idempotence"),
         false,
         {},
         {"never", "fail", "partial_idempotence", "full_idempotence", "always"}},
        {"passphrase", ArgType::kStr, {}, false, {}, {}},
        {"private_key_format",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "pkcs1", "pkcs8", "ssh"}},
        {"backend",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "cryptography", "opensshbin"}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (OptionalArgText(args, "passphrase")) return crypto::NotImplemented(kName, "passphrase");
    if (ArgText(args, "backend") == "cryptography")
      return crypto::NotImplemented(kName, "backend=cryptography");
    if (ArgText(args, "private_key_format") != "auto")
      return Failed(
          "'auto' is the only valid option for 'private_key_format' when 'backend' is not "
          "'cryptography'");
    const std::string path = ArgText(args, "path"), state = ArgText(args, "state"),
                      type = ArgText(args, "type");
    const Value* size_arg = args.find("size");
    auto size_or = KeySize(
        type, size_arg && !size_arg->is_null() ? std::optional(size_arg->as_int()) : std::nullopt);
    if (auto* msg = std::get_if<std::string>(&size_or)) return Failed(*msg);
    const int64_t size = std::get<int64_t>(size_or);
    std::string regenerate = args.find("force")->as_bool() ? "always" : ArgText(args, "regenerate");
    const std::optional<std::string> comment = OptionalArgText(args, "comment");

    auto run = [&](const std::string& action) -> Result<HostFields> {
      std::string vars = "P=" + ShellQuote(path) + "; STATE=" + state +
                         "; CHECK=" + (ctx.check_mode ? "1" : "0") + "; ACTION=" + action +
                         "; TYPE=" + ShellQuote(type) + "; SIZE=" + std::to_string(size) +
                         "; HAVE_COMMENT=" + (comment ? "1" : "0") +
                         "; COMMENT=" + ShellQuote(comment.value_or("")) + "\n";
      Result<connection::ExecResult> r = ctx.Exec(crypto::Prelude(false) + vars + kScript);
      if (!r) return r.take_error();
      HostFields f = ParseHostFields(r->stdout_data);
      if (!FieldValue(f, "fail") && !FieldValue(f, "changed") && !FieldValue(f, "stat"))
        f.emplace_back("fail", std::string(kName) + ": the host failed: " + RStrip(r->stderr_data));
      return f;
    };
    Result<HostFields> first = run("read");
    if (!first) return first.take_error();
    if (auto fail = FieldValue(*first, "fail")) return Failed(*fail);
    if (state == "absent") {
      Map out = Describe(path, type, size, *first);
      out.set("changed", FieldValue(*first, "changed") == "1");
      return out;
    }

    const bool exists = FieldValue(*first, "exists") == "1";
    std::optional<PrivateKey> original = ParsePrivate(*first);
    const std::string y_err = FieldValue(*first, "y_err").value_or("");
    const bool readable =
        FieldValue(*first, "y_rc") != "255" &&
        !AnyIn(y_err, {"is not a public key file", "incorrect passphrase", "load failed"});
    if (exists &&
        (regenerate == "never" || regenerate == "fail" || regenerate == "partial_idempotence") &&
        (!original || !readable))
      return Failed(
          "Unable to read the key. The key is protected with a passphrase or broken. Will not "
          "proceed. To force "
          "regeneration, call the module with `generate` set to `full_idempotence` or `always`, or "
          "with "
          "`force=true`.");
    const bool valid = original && original->size == size && original->type == type;
    bool generate = false;
    if (!original)
      generate = true;
    else if (regenerate == "fail" && !valid)
      return Failed(
          "Key has wrong type and/or size. Will not proceed. To force regeneration, call the "
          "module with "
          "`generate` set to `partial_idempotence`, `full_idempotence` or `always`, or with "
          "`force=true`.");
    else if (regenerate == "partial_idempotence" || regenerate == "full_idempotence")
      generate = !valid;
    else if (regenerate == "always")
      generate = true;

    std::string action;
    if (generate)
      action = "generate";
    else if (!PublicKeyValid(*first, comment))
      action = "restore";
    bool changed = !action.empty();
    HostFields now = *first;
    if (changed && !ctx.check_mode) {
      Result<HostFields> second = run(action);
      if (!second) return second.take_error();
      if (auto fail = FieldValue(*second, "fail")) return Failed(*fail);
      now = *second;
    }
    for (const char* which : {"stat", "pubstat"}) {
      std::optional<RemoteStat> st = ParseStatOutput(FieldValue(now, which).value_or(""));
      Map file_args = args;
      file_args.set("path", Value(path + (std::string(which) == "pubstat" ? ".pub" : "")));
      if (auto done = crypto::ApplyAttrs(ctx, file_args, st, std::nullopt, &changed))
        return std::move(*done);
    }
    Map out = Describe(path, type, size, now);
    out.set("changed", changed);
    return out;
  }

 private:
  // The module's _public_key_valid.
  static bool PublicKeyValid(const HostFields& f, const std::optional<std::string>& comment) {
    auto file = FieldValue(f, "pubfile");
    if (!file) return false;
    std::optional<PublicKey> original = ParsePublic(*file, true);
    std::optional<PublicKey> wanted = ParsePublic(FieldValue(f, "y").value_or(""), false);
    if (!original || !wanted) return false;
    wanted->comment = comment;
    return SamePublic(*original, *wanted);
  }

  // The module's result keys.
  static Map Describe(const std::string& path, const std::string& type, int64_t size,
                      const HostFields& f) {
    std::optional<PrivateKey> priv = ParsePrivate(f);
    std::optional<PublicKey> pub;
    if (auto file = FieldValue(f, "pubfile")) pub = ParsePublic(*file, true);
    return Map{{"size", Value(size)},
               {"type", Value(type)},
               {"filename", Value(path)},
               {"fingerprint", Value(priv ? priv->fingerprint : "")},
               {"public_key", Value(pub ? pub->type + " " + pub->data : "")},
               {"comment", Value(pub ? pub->comment.value_or("") : "")}};
  }
};

}  // namespace

const Module& OpensshKeypairModule() {
  static const OpensshKeypair m;
  return m;
}

}  // namespace drover::modules
