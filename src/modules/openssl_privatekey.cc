// openssl_privatekey (community.crypto) with the host's `openssl`: one
// round trip reads the key's PEM header, whether it is encrypted, its
// public key (decrypted with the passphrase from stdin) and its stat; the
// controller decides as the module's cryptography backend does
// (needs_regeneration: passphrase, type and size or curve, format; then
// format_mismatch=convert) and, only when something differs, a second
// round trip generates (`openssl genpkey`), serializes (`openssl pkey`,
// -traditional for pkcs1, -aes256 with cipher auto) and moves the key into
// place, then sets mode (0600 by default), owner and group.
//
// Partial (refused clearly): format raw, backup. The `diff` result key
// (the module's privatekey_info before/after) is not returned.
#include "connection/shell.h"
#include "core/secrets.h"
#include "modules/crypto_host.h"
#include "modules/crypto_objects.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
constexpr const char* kName = "openssl_privatekey";

// Reads the existing key. Fields: exists, head (first line), encrypted,
// pub (PEM public key, when readable), content (base64, when asked), stat.
constexpr const char* kReadScript = R"SH(
if [ "$STATE" = absent ]; then
  if [ -e "$P" ]; then [ "$CHECK" = 1 ] || rm -f -- "$P" || fail "cannot remove $P"; field changed 1
  else field changed 0; fi
  exit 0
fi
__b=$(dirname "$P"); [ -d "$__b" ] || fail "The directory $__b does not exist or the file is not a directory"
if [ -f "$P" ]; then
  need openssl
  field exists 1
  field head "$(head -n 1 "$P" | tr -d '\r')"
  if grep -q -e '^Proc-Type: 4,ENCRYPTED' -e '^-----BEGIN ENCRYPTED PRIVATE KEY-----' "$P"; then field encrypted 1; else field encrypted 0; fi
  pubkey "$P" >"$T/pub" && field pub "$(cat "$T/pub")"
  [ "$CONTENT" = 1 ] && field content "$(b64 "$P")"
fi
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
exit 0
)SH";

// Generates (or, with CONVERT=1, re-serializes) the key into $P. Variables
// ALGO (genpkey's -algorithm), OPTS (its -pkeyopt words), TRAD (1 for
// pkcs1), ENC (1: encrypt with PW). Fields: pub, content (when asked).
constexpr const char* kWriteScript = R"SH(
need openssl
if [ "$CONVERT" = 1 ]; then
  if [ "$HAVE_PW" = 1 ]; then pw | openssl pkey -in "$P" -passin stdin -out "$T/key" 2>"$T/err"
  else openssl pkey -in "$P" -passin pass: -out "$T/key" </dev/null 2>"$T/err"; fi || fail "cannot read $P: $(cat "$T/err")"
elif [ "$ALGO" = DSA ]; then
  # shellcheck disable=SC2086
  openssl genpkey -genparam -algorithm DSA $OPTS -out "$T/param" 2>"$T/err" &&
    openssl genpkey -paramfile "$T/param" -out "$T/key" 2>>"$T/err" || fail "openssl genpkey failed: $(cat "$T/err")"
else
  # shellcheck disable=SC2086
  openssl genpkey -algorithm "$ALGO" $OPTS -out "$T/key" 2>"$T/err" || fail "openssl genpkey failed: $(cat "$T/err")"
fi
set --
[ "$TRAD" = 1 ] && set -- -traditional
if [ "$ENC" = 1 ]; then pw | openssl pkey -in "$T/key" "$@" -aes256 -passout stdin -out "$T/out" 2>"$T/err"
else openssl pkey -in "$T/key" "$@" -out "$T/out" 2>"$T/err"; fi || fail "Cryptography backend cannot serialize the private key in the required format \"$FORMAT\""
put "$T/out" "$P"
pubkey "$P" >"$T/pub" && field pub "$(cat "$T/pub")"
[ "$CONTENT" = 1 ] && field content "$(b64 "$P")"
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
exit 0
)SH";

// What the host said about the existing key.
struct Existing {
  bool exists = false;
  std::string head;
  bool encrypted = false;
  std::optional<crypto::PublicKey> key;
  std::optional<std::string> content;
  std::optional<RemoteStat> stat;
};

Existing ReadExisting(const HostFields& f) {
  Existing e;
  e.exists = FieldValue(f, "exists") == "1";
  e.head = FieldValue(f, "head").value_or("");
  e.encrypted = FieldValue(f, "encrypted") == "1";
  if (auto pub = FieldValue(f, "pub")) e.key = crypto::ParsePublicKeyPem(*pub);
  if (auto c = FieldValue(f, "content")) e.content = crypto::Base64Decode(*c);
  e.stat = ParseStatOutput(FieldValue(f, "stat").value_or(""));
  return e;
}

// community.crypto's identify_private_key_format, from the first line.
std::string KeyFormat(const std::string& head) {
  const std::string start = "-----BEGIN ", end = "-----";
  if (head.size() > start.size() + end.size() && head.starts_with(start) && head.ends_with(end)) {
    std::string name = head.substr(start.size(), head.size() - start.size() - end.size());
    if (name == "PRIVATE KEY" || name == "ENCRYPTED PRIVATE KEY") return "pkcs8";
    if (name.size() > 12 && name.ends_with(" PRIVATE KEY")) return "pkcs1";
    return "unknown-pem";
  }
  return "raw";
}

bool IsModernType(const std::string& type) {
  return type == "X25519" || type == "X448" || type == "Ed25519" || type == "Ed448";
}

// The module's _get_wanted_format.
std::string WantedFormat(const std::string& format, const std::string& type) {
  if (format != "auto" && format != "auto_ignore") return format;
  return IsModernType(type) ? "pkcs8" : "pkcs1";
}

struct Wanted {
  std::string type, curve, format, format_mismatch, regenerate;
  int64_t size = 0;
  bool has_passphrase = false;
};

bool SizeAndTypeMatch(const Wanted& w, const crypto::PublicKey& k) {
  if (k.type == "RSA" || k.type == "DSA") return w.type == k.type && w.size == k.bits;
  if (k.type == "ECC") return w.type == "ECC" && w.curve == k.curve;
  return !k.type.empty() && w.type == k.type;
}

bool FormatMatches(const Wanted& w, const Existing& e) {
  return w.format == "auto_ignore" || KeyFormat(e.head) == WantedFormat(w.format, w.type);
}

enum class Action { kNone, kRegenerate, kConvert };

// The module's needs_regeneration/needs_conversion; a failure message in
// *fail when regenerate forbids acting.
Action Decide(const Wanted& w, const Existing& e, std::string* fail) {
  if (w.regenerate == "always" || !e.exists) return Action::kRegenerate;
  const bool passphrase_ok = e.key && e.encrypted == w.has_passphrase;
  if (!passphrase_ok) {
    if (w.regenerate == "full_idempotence") return Action::kRegenerate;
    *fail =
        "Unable to read the key. The key is protected with a another passphrase / no passphrase or "
        "broken. Will not proceed. To force regeneration, call the module with `generate` set to "
        "`full_idempotence` or `always`, or with `force=true`.";
    return Action::kNone;
  }
  const std::string regen_hint =
      " Will not proceed. To force regeneration, call the module with `generate` set to "
      "`partial_idempotence`, `full_idempotence` or `always`, or with `force=true`.";
  const bool partial_or_full =
      w.regenerate == "partial_idempotence" || w.regenerate == "full_idempotence";
  if (w.regenerate != "never" && !SizeAndTypeMatch(w, *e.key)) {
    if (partial_or_full) return Action::kRegenerate;
    *fail = "Key has wrong type and/or size." + regen_hint;
    return Action::kNone;
  }
  if (w.format_mismatch == "regenerate" && w.regenerate != "never" && !FormatMatches(w, e)) {
    if (partial_or_full) return Action::kRegenerate;
    *fail = "Key has wrong format." + regen_hint +
            " To convert the key, set `format_mismatch` to `convert`.";
    return Action::kNone;
  }
  if (w.format_mismatch == "convert" && !FormatMatches(w, e)) return Action::kConvert;
  return Action::kNone;
}

// genpkey's -algorithm and -pkeyopt words for the wanted key.
void GenpkeyWords(const Wanted& w, std::string* algo, std::string* opts) {
  if (w.type == "RSA") {
    *algo = "RSA";
    *opts = "-pkeyopt rsa_keygen_bits:" + std::to_string(w.size);
  } else if (w.type == "DSA") {
    *algo = "DSA";
    *opts = "-pkeyopt dsa_paramgen_bits:" + std::to_string(w.size);
  } else if (w.type == "ECC") {
    std::string curve = w.curve == "secp256r1"   ? "prime256v1"
                        : w.curve == "secp192r1" ? "prime192v1"
                                                 : w.curve;
    *algo = "EC";
    *opts = "-pkeyopt ec_paramgen_curve:" + curve + " -pkeyopt ec_param_enc:named_curve";
  } else {
    *algo = w.type;
  }
}

// The module's dump(): the wanted type and size, the key's fingerprints.
Map Dump(const Wanted& w, const std::string& path, bool changed,
         const std::optional<crypto::PublicKey>& key, const std::optional<std::string>& content,
         bool want_content) {
  Map result{{"changed", changed},
             {"filename", Value(path)},
             {"type", Value(w.type)},
             {"size", Value(w.size)}};
  result.set("fingerprint", key ? Value(crypto::Fingerprints(key->der)) : Value());
  if (w.type == "ECC") result.set("curve", Value(w.curve));
  if (want_content) {
    if (content && !content->empty()) RegisterSecret(*content);
    result.set("privatekey", content ? Value(*content) : Value());
  }
  return result;
}

class OpensslPrivatekey : public Module {
 public:
  std::string_view Name() const override { return "community.crypto.openssl_privatekey"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"size", ArgType::kInt, Value(int64_t{4096}), false, {}, {}},
        {"type",
         ArgType::kStr,
         Value("RSA"),
         false,
         {},
         {"DSA", "ECC", "Ed25519", "Ed448", "RSA", "X25519", "X448"}},
        {"curve",
         ArgType::kStr,
         {},
         false,
         {},
         {"secp224r1", "secp256k1", "secp256r1", "secp384r1", "secp521r1", "secp192r1",
          "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "sect163k1", "sect163r2",
          "sect233k1", "sect233r1", "sect283k1", "sect283r1", "sect409k1", "sect409r1", "sect571k1",
          "sect571r1"}},
        {"passphrase", ArgType::kStr, {}, false, {}, {}},
        {"cipher", ArgType::kStr, {}, false, {}, {}},
        {"format",
         ArgType::kStr,
         Value("auto_ignore"),
         false,
         {},
         {"pkcs1", "pkcs8", "raw", "auto", "auto_ignore"}},
        {"format_mismatch",
         ArgType::kStr,
         Value("regenerate"),
         false,
         {},
         {"regenerate", "convert"}},
        {"select_crypto_backend",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "cryptography"}},
        {"regenerate",
         ArgType::kStr,
         Value("full_idempotence"),
         false,
         {},
         {"never", "fail", "partial_idempotence", "full_idempotence", "always"}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"return_content", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    const std::optional<std::string> passphrase = OptionalArgText(args, "passphrase");
    const std::optional<std::string> cipher = OptionalArgText(args, "cipher");
    Wanted w{ArgText(args, "type"),       ArgText(args, "curve"),
             ArgText(args, "format"),     ArgText(args, "format_mismatch"),
             ArgText(args, "regenerate"), args.find("size")->as_int(),
             passphrase.has_value()};
    if (cipher.has_value() != passphrase.has_value())
      return Failed("parameters are required together: cipher, passphrase");
    if (w.type == "ECC" && w.curve.empty())
      return Failed("type is ECC but all of the following are missing: curve");
    if (w.format == "raw") return crypto::NotImplemented(kName, "format=raw");
    if (args.find("backup")->as_bool()) return crypto::NotImplemented(kName, "backup=true");
    if (args.find("force")->as_bool()) w.regenerate = "always";
    const bool want_content = args.find("return_content")->as_bool();
    const std::string state = ArgText(args, "state");
    std::optional<std::string> stdin_data = crypto::PassphraseStdin(passphrase);

    std::string vars = "P=" + ShellQuote(path) + "; STATE=" + state +
                       "; CHECK=" + (ctx.check_mode ? "1" : "0") +
                       "; CONTENT=" + (want_content && state == "present" ? "1" : "0") + "\n";
    Result<connection::ExecResult> r =
        ctx.Exec(crypto::Prelude(passphrase.has_value()) + vars + kReadScript, stdin_data);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    if (state == "absent") {
      if (!FieldValue(f, "changed"))
        return Failed(kName + std::string(": the host failed: ") + RStrip(r->stderr_data));
      return Dump(w, path, FieldValue(f, "changed") == "1", std::nullopt, std::nullopt,
                  want_content);
    }
    Existing e = ReadExisting(f);

    std::string refusal;
    Action action = Decide(w, e, &refusal);
    if (!refusal.empty()) return Failed(refusal);
    if (cipher && *cipher != "auto" && action != Action::kNone)
      return Failed("Cryptography backend can only use \"auto\" for cipher option.");

    bool changed = action != Action::kNone;
    std::optional<crypto::PublicKey> key = e.key;
    std::optional<std::string> content = e.content;
    std::optional<RemoteStat> st = e.stat;
    if (changed && !ctx.check_mode) {
      std::string algo, opts;
      GenpkeyWords(w, &algo, &opts);
      const std::string wanted_format = WantedFormat(w.format, w.type);
      std::string wv = vars + "ALGO=" + ShellQuote(algo) + "; OPTS=" + ShellQuote(opts) +
                       "; TRAD=" + (wanted_format == "pkcs1" ? "1" : "0") +
                       "; ENC=" + (passphrase ? "1" : "0") +
                       "; CONVERT=" + (action == Action::kConvert ? "1" : "0") +
                       "; FORMAT=" + ShellQuote(w.format) + "\n";
      Result<connection::ExecResult> g =
          ctx.Exec(crypto::Prelude(passphrase.has_value()) + wv + kWriteScript, stdin_data);
      if (!g) return g.take_error();
      HostFields gf = ParseHostFields(g->stdout_data);
      if (auto fail = FieldValue(gf, "fail")) return Failed(*fail);
      Existing made = ReadExisting(gf);
      if (!made.key) return Failed(kName + std::string(": the new key cannot be read on the host"));
      key = made.key;
      content = made.content;
      st = made.stat;
    }

    // File attributes, as set_fs_attributes_if_different (the key's 0600
    // default); check mode with the file absent reports changed.
    if (!(ctx.check_mode && !e.exists)) {
      if (auto done = crypto::ApplyAttrs(ctx, args, st, 0600, &changed)) return std::move(*done);
    }

    return Dump(w, path, changed, key, content, want_content);
  }
};

}  // namespace

const Module& OpensslPrivatekeyModule() {
  static const OpensslPrivatekey m;
  return m;
}

}  // namespace drover::modules
