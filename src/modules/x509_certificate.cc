// x509_certificate (community.crypto; `openssl_certificate` in ansible-core's
// routing) with providers selfsigned and ownca, on the host's `openssl`.
// One round trip sends the controller the existing certificate, the CSR,
// the CA certificate (all public) and the public keys of the private keys
// (opened with their passphrases from stdin); the controller decides as
// the module's cryptography backend does (needs_regeneration: the key, the
// CSR's subject and extensions, the subject key identifier, the signature,
// for ownca the issuer and the authority key identifier; timestamps only
// with ignore_timestamps=false). Only when something differs a second
// round trip signs with `openssl ca` (exact not-before/not-after, the
// serial number the controller chose, the CSR's extensions copied, SKI and
// AKI added as the module adds them) and moves the certificate into place.
//
// Partial (refused clearly): providers acme and entrust, backup,
// selfsigned_version/ownca_version other than 3. Serial numbers are 63-bit
// random (the module's are 159-bit); a serial beyond 63 bits is returned as
// its decimal text. The `diff` result key is not returned.
#include <random>

#include "connection/shell.h"
#include "core/secrets.h"
#include "modules/crypto_host.h"
#include "modules/crypto_objects.h"
#include "modules/registry.h"
#include "modules/remote_file.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
constexpr const char* kName = "x509_certificate";

// stdin: the key's passphrase, its content (base64), the CA key's
// passphrase, its content (base64): one line each. Variables P, KP (key
// path or ""), KC=1 (content on stdin), CSR, CA, CAKP, CAKC. Fields: cert,
// csr, ca (base64), key_enc/key_pub, ca_key_enc/ca_key_pub, stat.
constexpr const char* kReadScript = R"SH(
IFS= read -r PW1 || true; IFS= read -r KB64 || true; IFS= read -r PW2 || true; IFS= read -r CAKB64 || true
if [ "$STATE" = absent ]; then
  if [ -e "$P" ]; then [ "$CHECK" = 1 ] || rm -f -- "$P" || fail "cannot remove $P"; field changed 1
  else field changed 0; fi
  exit 0
fi
__b=$(dirname "$P"); [ -d "$__b" ] || fail "The directory $__b does not exist or the file is not a directory"
[ -n "$CSR" ] && { [ -e "$CSR" ] || fail "The certificate signing request file $CSR does not exist"; }
[ -n "$KP" ] && { [ -e "$KP" ] || fail "The private key file $KP does not exist"; }
[ -n "$CA" ] && { [ -e "$CA" ] || fail "The CA certificate file $CA does not exist"; }
[ -n "$CAKP" ] && { [ -e "$CAKP" ] || fail "The CA private key file $CAKP does not exist"; }
need openssl
[ "$KC" = 1 ] && { printf '%s\n' "$KB64" | base64 -d >"$T/key.pem" || fail "cannot decode privatekey_content"; KP=$T/key.pem; }
[ "$CAKC" = 1 ] && { printf '%s\n' "$CAKB64" | base64 -d >"$T/cakey.pem" || fail "cannot decode ownca_privatekey_content"; CAKP=$T/cakey.pem; }
if [ -n "$KP" ]; then PW=$PW1; HAVE_PW=$HAVE_PW1; keyfields key "$KP"; fi
if [ -n "$CAKP" ]; then PW=$PW2; HAVE_PW=$HAVE_PW2; keyfields ca_key "$CAKP"; fi
[ -n "$CSR" ] && field csr "$(b64 "$CSR")"
[ -n "$CA" ] && field ca "$(b64 "$CA")"
if [ -f "$P" ]; then field cert "$(b64 "$P")"; fi
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
[ "$SIGN" = 1 ] || exit 0
# Signing: $T/req.pem (the CSR, or an empty one made from the key).
if [ -n "$CSR" ]; then cp "$CSR" "$T/req.pem"
elif [ -n "$CSRTEXT" ]; then printf '%s\n' "$CSRTEXT" >"$T/req.pem"
else
  printf '[req]\ndistinguished_name=dn\n[dn]\n' >"$T/req.cnf"
  printf '%s\n' "$PW1" | openssl req -new -config "$T/req.cnf" -key "$KP" -passin stdin -subj / -out "$T/req.pem" 2>"$T/err" ||
    fail "openssl req failed: $(cat "$T/err")"
fi
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nnew_certs_dir=%s\nserial=%s\npolicy=p\ncopy_extensions=copy\nunique_subject=no\nemail_in_dn=yes\n[p]\n' \
  "$T/index.txt" "$T" "$T/serial" >"$T/ca.cnf"
: >"$T/index.txt"; printf '%s\n' "$SERIAL" >"$T/serial"
printf '%s' "$EXT" >"$T/ext.cnf"
if [ "$PROVIDER" = selfsigned ]; then set -- -selfsign -keyfile "$KP"; SIGNPW=$PW1
else set -- -cert "$CA" -keyfile "$CAKP"; SIGNPW=$PW2; fi
[ -n "$MD" ] && set -- "$@" -md "$MD"
printf '%s\n' "$SIGNPW" | openssl ca -batch -notext -preserveDN -config "$T/ca.cnf" -passin stdin "$@" \
  -in "$T/req.pem" -startdate "$START" -enddate "$END" -extfile "$T/ext.cnf" -out "$T/cert.pem" >"$T/out" 2>"$T/err" ||
  fail "openssl ca failed: $(cat "$T/err")"
openssl x509 -in "$T/cert.pem" -out "$T/final.pem" 2>"$T/err" || fail "openssl x509 failed: $(cat "$T/err")"
put "$T/final.pem" "$P"
field cert "$(b64 "$P")"
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
exit 0
)SH";

// The arguments the decision needs.
struct Wanted {
  std::string provider, path, key_path, csr_path, ca_path, ca_key_path, create_ski;
  std::optional<std::string> csr_content, ca_content;
  bool create_aki = false, ignore_timestamps = true, force = false;
  std::time_t not_before = 0, not_after = 0;
  std::string digest;
};

// What the host sent.
struct Seen {
  std::optional<crypto::Certificate> cert, ca;
  std::optional<crypto::Request> csr;
  std::optional<crypto::PublicKey> key, ca_key;
  std::optional<RemoteStat> stat;
  bool cert_exists = false;
};

std::optional<std::string> Decoded(const HostFields& f, const std::string& name) {
  auto v = FieldValue(f, name);
  if (!v) return std::nullopt;
  return crypto::Base64Decode(*v);
}

bool SameKey(const std::optional<crypto::PublicKey>& a, const std::optional<crypto::PublicKey>& b) {
  return a && b && a->der == b->der;
}

constexpr const char* kSkiOid = "2.5.29.14";
constexpr const char* kAkiOid = "2.5.29.35";

// The module's _check_csr.
bool CsrMatches(const Wanted& w, const crypto::Request& csr, const crypto::Certificate& cert) {
  if (!csr.signature_valid || !SameKey(csr.key, cert.key)) return false;
  if (csr.subject_der != cert.subject_der) return false;
  auto keep = [&](const std::vector<crypto::Extension>& in) {
    std::vector<crypto::Extension> out;
    for (const auto& e : in) {
      if (w.create_ski != "never_create" && e.oid == kSkiOid) continue;
      if (w.create_aki && e.oid == kAkiOid) continue;
      out.push_back(e);
    }
    return out;
  };
  std::vector<crypto::Extension> cert_exts = keep(cert.extensions), csr_exts = keep(csr.extensions);
  if (cert_exts.size() != csr_exts.size()) return false;
  for (const auto& e : cert_exts) {
    const crypto::Extension* c = crypto::FindExtension(csr.extensions, e.oid);
    if (!c || !(*c == e)) return false;
  }
  return true;
}

// The module's _check_subject_key_identifier.
bool SkiMatches(const Wanted& w, const std::optional<crypto::Request>& csr,
                const crypto::Certificate& cert) {
  if (cert.ski.empty()) return false;
  if (w.create_ski == "create_if_not_provided" && csr) {
    if (const crypto::Extension* e = crypto::FindExtension(csr->extensions, kSkiOid)) {
      // The CSR's SKI value is an OCTET STRING: 04 LEN BYTES.
      return e->value.size() > 2 && e->value.substr(2) == cert.ski;
    }
  }
  return cert.key && cert.ski == crypto::KeyIdentifier(cert.key->der);
}

// AuthorityKeyIdentifier{keyIdentifier} in DER, as the module expects it.
std::string AkiDer(const std::string& keyid) {
  std::string inner = std::string("\x80", 1) + static_cast<char>(keyid.size()) + keyid;
  return std::string("\x30", 1) + static_cast<char>(inner.size()) + inner;
}

// An empty CSR's properties (selfsigned without csr_path/csr_content).
crypto::Request EmptyRequest(const std::optional<crypto::PublicKey>& key) {
  crypto::Request r;
  r.subject_der = std::string("\x30\x00", 2);
  r.key = key;
  r.signature_valid = true;
  return r;
}

// The module's needs_regeneration for both providers.
bool NeedsRegeneration(const Wanted& w, const Seen& s) {
  if (w.force || !s.cert_exists || !s.cert) return true;
  const crypto::Certificate& cert = *s.cert;
  if (s.key && !SameKey(cert.key, s.key)) return true;
  std::optional<crypto::Request> csr = s.csr;
  if (!csr && w.provider == "selfsigned") csr = EmptyRequest(s.key);
  if (csr && !CsrMatches(w, *csr, cert)) return true;
  if (w.create_ski != "never_create" && !SkiMatches(w, csr, cert)) return true;
  if (!w.ignore_timestamps &&
      (cert.not_before_time != w.not_before || cert.not_after_time != w.not_after))
    return true;
  if (w.provider == "selfsigned") return !s.key || !crypto::SignedBy(cert, s.key->der);
  if (!s.ca || !s.ca->key || !crypto::SignedBy(cert, s.ca->key->der)) return true;
  if (s.ca->subject_der != cert.issuer_der) return true;
  if (w.create_aki) {
    std::string keyid = !s.ca->ski.empty() ? s.ca->ski : crypto::KeyIdentifier(s.ca->key->der);
    const crypto::Extension* aki = crypto::FindExtension(cert.extensions, kAkiOid);
    if (!aki || aki->value != AkiDer(keyid)) return true;
  }
  return false;
}

// The -extfile text: SKI and AKI as the module adds them.
std::string ExtensionsFile(const Wanted& w, const Seen& s) {
  std::string ext;
  bool csr_has_ski = s.csr && crypto::FindExtension(s.csr->extensions, kSkiOid);
  if (w.create_ski == "always_create" || (w.create_ski == "create_if_not_provided" && !csr_has_ski))
    ext += "subjectKeyIdentifier=hash\n";
  if (w.provider == "ownca" && w.create_aki) ext += "authorityKeyIdentifier=keyid\n";
  return ext;
}

int64_t RandomSerial() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  v &= 0x7fffffffffffffffULL;
  return static_cast<int64_t>(v < 1000 ? v + 1000 : v);
}

std::string HexSerial(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(v));
  return buf;
}

std::string SelectDigest(const std::string& d) {
  if (d == "sha256" || d == "sha384" || d == "sha512" || d == "sha1" || d == "md5") return d;
  return "";
}

class X509Certificate : public Module {
 public:
  std::string_view Name() const override { return "community.crypto.x509_certificate"; }
  const std::vector<ArgSpec>& Spec() const override {
    const std::vector<std::string> ski_choices = {"create_if_not_provided", "always_create",
                                                  "never_create"};
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"provider", ArgType::kStr, {}, false, {}, {"acme", "entrust", "ownca", "selfsigned"}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"csr_path", ArgType::kPath, {}, false, {}, {}},
        {"csr_content", ArgType::kStr, {}, false, {}, {}},
        {"ignore_timestamps", ArgType::kBool, Value(true), false, {}, {}},
        {"select_crypto_backend",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "cryptography"}},
        {"privatekey_path", ArgType::kPath, {}, false, {}, {}},
        {"privatekey_content", ArgType::kStr, {}, false, {}, {}},
        {"privatekey_passphrase", ArgType::kStr, {}, false, {}, {}},
        {"acme_accountkey_path", ArgType::kPath, {}, false, {}, {}},
        {"acme_challenge_path", ArgType::kPath, {}, false, {}, {}},
        {"acme_chain", ArgType::kBool, Value(false), false, {}, {}},
        {"acme_directory",
         ArgType::kStr,
         Value("https://acme-v02.api.letsencrypt.org/directory"),
         false,
         {},
         {}},
        {"entrust_cert_type",
         ArgType::kStr,
         Value("STANDARD_SSL"),
         false,
         {},
         {"STANDARD_SSL", "ADVANTAGE_SSL", "UC_SSL", "EV_SSL", "WILDCARD_SSL", "PRIVATE_SSL",
          "PD_SSL", "CDS_ENT_LITE", "CDS_ENT_PRO", "SMIME_ENT"}},
        {"entrust_requester_email", ArgType::kStr, {}, false, {}, {}},
        {"entrust_requester_name", ArgType::kStr, {}, false, {}, {}},
        {"entrust_requester_phone", ArgType::kStr, {}, false, {}, {}},
        {"entrust_api_user", ArgType::kStr, {}, false, {}, {}},
        {"entrust_api_key", ArgType::kStr, {}, false, {}, {}},
        {"entrust_api_client_cert_path", ArgType::kPath, {}, false, {}, {}},
        {"entrust_api_client_cert_key_path", ArgType::kPath, {}, false, {}, {}},
        {"entrust_api_specification_path",
         ArgType::kPath,
         Value("https://cloud.entrust.net/EntrustCloud/documentation/cms-api-2.1.0.yaml"),
         false,
         {},
         {}},
        {"entrust_not_after", ArgType::kStr, Value("+365d"), false, {}, {}},
        {"ownca_path", ArgType::kPath, {}, false, {}, {}},
        {"ownca_content", ArgType::kStr, {}, false, {}, {}},
        {"ownca_privatekey_path", ArgType::kPath, {}, false, {}, {}},
        {"ownca_privatekey_content", ArgType::kStr, {}, false, {}, {}},
        {"ownca_privatekey_passphrase", ArgType::kStr, {}, false, {}, {}},
        {"ownca_digest", ArgType::kStr, Value("sha256"), false, {}, {}},
        {"ownca_version", ArgType::kInt, Value(int64_t{3}), false, {}, {}},
        {"ownca_not_before", ArgType::kStr, Value("+0s"), false, {}, {}},
        {"ownca_not_after", ArgType::kStr, Value("+3650d"), false, {}, {}},
        {"ownca_create_subject_key_identifier",
         ArgType::kStr,
         Value("create_if_not_provided"),
         false,
         {},
         ski_choices},
        {"ownca_create_authority_key_identifier", ArgType::kBool, Value(true), false, {}, {}},
        {"selfsigned_version", ArgType::kInt, Value(int64_t{3}), false, {}, {}},
        {"selfsigned_digest", ArgType::kStr, Value("sha256"), false, {}, {}},
        {"selfsigned_not_before", ArgType::kStr, Value("+0s"), false, {"selfsigned_notBefore"}, {}},
        {"selfsigned_not_after",
         ArgType::kStr,
         Value("+3650d"),
         false,
         {"selfsigned_notAfter"},
         {}},
        {"selfsigned_create_subject_key_identifier",
         ArgType::kStr,
         Value("create_if_not_provided"),
         false,
         {},
         ski_choices},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"return_content", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (std::string why = Exclusive(args); !why.empty()) return Failed(why);
    const std::string state = ArgText(args, "state");
    Wanted w;
    w.provider = ArgText(args, "provider");
    w.path = ArgText(args, "path");
    if (state == "present" && w.provider.empty())
      return Failed("state is present but all of the following are missing: provider");
    if (args.find("backup")->as_bool()) return crypto::NotImplemented(kName, "backup=true");
    if (state == "present" && (w.provider == "acme" || w.provider == "entrust"))
      return crypto::NotImplemented(kName, "provider=" + w.provider);
    const std::string prefix = w.provider == "ownca" ? "ownca_" : "selfsigned_";
    if (state == "present") {
      if (std::optional<Map> refusal = ValidateProvider(args, w.provider, &w)) return *refusal;
    }
    w.key_path = ArgText(args, "privatekey_path");
    w.csr_path = ArgText(args, "csr_path");
    w.csr_content = OptionalArgText(args, "csr_content");
    w.ca_path = ArgText(args, "ownca_path");
    w.ca_content = OptionalArgText(args, "ownca_content");
    w.ca_key_path = ArgText(args, "ownca_privatekey_path");
    w.force = args.find("force")->as_bool();
    w.ignore_timestamps = args.find("ignore_timestamps")->as_bool();
    const std::time_t now = std::time(nullptr);
    if (state == "present") {
      for (const char* which : {"not_before", "not_after"}) {
        const std::string name = prefix + which, spec = ArgText(args, name.c_str());
        std::optional<std::time_t> t = crypto::RelativeTime(spec, now);
        if (!t) return Failed("The time spec \"" + spec + "\" for " + name + " is invalid");
        (std::string(which) == "not_before" ? w.not_before : w.not_after) = *t;
      }
    }
    const std::optional<std::string> key_pw = OptionalArgText(args, "privatekey_passphrase");
    const std::optional<std::string> key_content = OptionalArgText(args, "privatekey_content");
    const std::optional<std::string> ca_pw = OptionalArgText(args, "ownca_privatekey_passphrase");
    const std::optional<std::string> ca_key_content =
        OptionalArgText(args, "ownca_privatekey_content");
    for (const auto* secret : {&key_pw, &key_content, &ca_pw, &ca_key_content})
      if (*secret) RegisterSecret(**secret);
    const std::string stdin_data =
        key_pw.value_or("") + "\n" + Base64Encode(key_content.value_or("")) + "\n" +
        ca_pw.value_or("") + "\n" + Base64Encode(ca_key_content.value_or("")) + "\n";
    const bool ownca = w.provider == "ownca";
    std::string vars =
        "P=" + ShellQuote(w.path) + "; STATE=" + state + "; CHECK=" + (ctx.check_mode ? "1" : "0") +
        "; KP=" + ShellQuote(key_content ? "" : w.key_path) + "; KC=" + (key_content ? "1" : "0") +
        "; CSR=" + ShellQuote(w.csr_path) + "; CA=" + ShellQuote(ownca ? w.ca_path : "") +
        "; CAKP=" + ShellQuote(ownca && !ca_key_content ? w.ca_key_path : "") +
        "; CAKC=" + (ownca && ca_key_content ? "1" : "0") + "; HAVE_PW1=" + (key_pw ? "1" : "0") +
        "; HAVE_PW2=" + (ca_pw ? "1" : "0") + "\n";

    Result<connection::ExecResult> r =
        ctx.Exec(crypto::Prelude(false) + vars + "SIGN=0\n" + kReadScript, stdin_data);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    if (state == "absent") {
      if (!FieldValue(f, "changed"))
        return Failed(std::string(kName) + ": the host failed: " + RStrip(r->stderr_data));
      return Map{{"changed", FieldValue(f, "changed") == "1"},
                 {"filename", Value(w.path)},
                 {"privatekey", OptionalValue(args, "privatekey_path")},
                 {"csr", OptionalValue(args, "csr_path")}};
    }

    Seen s;
    if (Result<bool> ok = ReadSeen(f, w, key_pw.has_value(), ca_pw.has_value(), &s); !ok)
      return Failed(ok.error().message);
    bool changed = NeedsRegeneration(w, s);
    int64_t serial = RandomSerial();
    if (changed && !ctx.check_mode) {
      std::string digest = SelectDigest(ArgText(args, (prefix + "digest").c_str()));
      const std::optional<crypto::PublicKey>& signer = ownca ? s.ca_key : s.key;
      const bool needs_digest =
          signer && (signer->type == "RSA" || signer->type == "DSA" || signer->type == "ECC");
      if (needs_digest && digest.empty())
        return Failed("The digest " + ArgText(args, (prefix + "digest").c_str()) +
                      " is not supported with the cryptography backend");
      std::string sign_vars =
          "SIGN=1; PROVIDER=" + w.provider + "; SERIAL=" + HexSerial(serial) +
          "; MD=" + (needs_digest ? digest : "") + "; START=" + crypto::AsnTime(w.not_before) +
          "; END=" + crypto::AsnTime(w.not_after) + "; EXT=" + ShellQuote(ExtensionsFile(w, s)) +
          "; CSRTEXT=" + ShellQuote(w.csr_content.value_or("")) + "\n";
      Result<connection::ExecResult> g =
          ctx.Exec(crypto::Prelude(false) + vars + sign_vars + kReadScript, stdin_data);
      if (!g) return g.take_error();
      HostFields gf = ParseHostFields(g->stdout_data);
      if (auto fail = FieldValue(gf, "fail")) return Failed(*fail);
      auto bytes = Decoded(gf, "cert");
      s.cert = bytes ? crypto::ParseCertificate(*bytes) : std::nullopt;
      if (!s.cert)
        return Failed(std::string(kName) + ": the new certificate cannot be read on the host");
      s.stat = ParseStatOutput(FieldValue(gf, "stat").value_or(""));
    }
    if (auto done = crypto::ApplyAttrs(ctx, args, s.stat, std::nullopt, &changed))
      return std::move(*done);

    Map result{{"changed", changed},
               {"filename", Value(w.path)},
               {"privatekey", OptionalValue(args, "privatekey_path")},
               {"csr", OptionalValue(args, "csr_path")}};
    if (ownca) {
      result.set("ca_cert", OptionalValue(args, "ownca_path"));
      result.set("ca_privatekey", OptionalValue(args, "ownca_privatekey_path"));
    }
    if (ctx.check_mode) {
      result.set("notBefore", Value(crypto::AsnTime(w.not_before)));
      result.set("notAfter", Value(crypto::AsnTime(w.not_after)));
      result.set("serial_number", Value(serial));
    } else if (s.cert) {
      result.set("notBefore", Value(s.cert->not_before));
      result.set("notAfter", Value(s.cert->not_after));
      result.set("serial_number", s.cert->serial);
    }
    if (args.find("return_content")->as_bool())
      result.set("certificate", s.cert ? Value(s.cert->pem) : Value());
    return result;
  }

 private:
  static Value OptionalValue(const Map& args, const char* key) {
    std::optional<std::string> v = OptionalArgText(args, key);
    return v ? Value(*v) : Value();
  }

  static std::string Exclusive(const Map& args) {
    const char* pairs[][2] = {{"csr_path", "csr_content"},
                              {"privatekey_path", "privatekey_content"},
                              {"ownca_path", "ownca_content"},
                              {"ownca_privatekey_path", "ownca_privatekey_content"}};
    for (auto& p : pairs)
      if (OptionalArgText(args, p[0]) && OptionalArgText(args, p[1]))
        return std::string("parameters are mutually exclusive: ") + p[0] + "|" + p[1];
    return "";
  }

  // The provider's validate_module_args and the version check: a failure
  // result, or nullopt.
  static std::optional<Map> ValidateProvider(const Map& args, const std::string& provider,
                                             Wanted* w) {
    if (provider == "selfsigned") {
      if (!OptionalArgText(args, "privatekey_path") && !OptionalArgText(args, "privatekey_content"))
        return Failed(
            "One of privatekey_path and privatekey_content must be specified for the selfsigned "
            "provider.");
      if (args.find("selfsigned_version")->as_int() == 2)
        return Failed("The cryptography backend does not support v2 certificates");
      if (args.find("selfsigned_version")->as_int() != 3)
        return crypto::NotImplemented(kName, "selfsigned_version other than 3");
      w->create_ski = ArgText(args, "selfsigned_create_subject_key_identifier");
      return std::nullopt;
    }
    if (!OptionalArgText(args, "ownca_path") && !OptionalArgText(args, "ownca_content"))
      return Failed(
          "One of ownca_path and ownca_content must be specified for the ownca provider.");
    if (!OptionalArgText(args, "ownca_privatekey_path") &&
        !OptionalArgText(args, "ownca_privatekey_content"))
      return Failed(
          "One of ownca_privatekey_path and ownca_privatekey_content must be specified for the "
          "ownca provider.");
    if (args.find("ownca_version")->as_int() == 2)
      return Failed("The cryptography backend does not support v2 certificates");
    if (args.find("ownca_version")->as_int() != 3)
      return crypto::NotImplemented(kName, "ownca_version other than 3");
    if (!OptionalArgText(args, "csr_path") && !OptionalArgText(args, "csr_content"))
      return Failed("csr_path or csr_content is required for ownca provider");
    w->create_ski = ArgText(args, "ownca_create_subject_key_identifier");
    w->create_aki = args.find("ownca_create_authority_key_identifier")->as_bool();
    return std::nullopt;
  }

  static Result<bool> ReadSeen(const HostFields& f, const Wanted& w, bool key_pw, bool ca_pw,
                               Seen* s) {
    auto fail = [](std::string m) -> Result<bool> { return MakeError(std::move(m)); };
    if (FieldValue(f, "key_enc")) {
      if (std::string e = crypto::KeyLoadError(f, "key", key_pw); !e.empty()) return fail(e);
      s->key = crypto::ParsePublicKeyPem(*FieldValue(f, "key_pub"));
    }
    if (auto csr = Decoded(f, "csr")) {
      s->csr = crypto::ParseRequest(*csr);
      if (!s->csr) return fail("Error while loading the certificate signing request " + w.csr_path);
    } else if (w.csr_content) {
      s->csr = crypto::ParseRequest(*w.csr_content);
      if (!s->csr)
        return fail("Error while loading the certificate signing request from csr_content");
    }
    if (w.provider == "ownca") {
      std::optional<std::string> ca = w.ca_content ? w.ca_content : Decoded(f, "ca");
      if (ca) s->ca = crypto::ParseCertificate(*ca);
      if (!s->ca) return fail("Error while loading the CA certificate");
      if (std::string e = crypto::KeyLoadError(f, "ca_key", ca_pw); !e.empty()) return fail(e);
      s->ca_key = crypto::ParsePublicKeyPem(*FieldValue(f, "ca_key_pub"));
      if (!SameKey(s->ca->key, s->ca_key))
        return fail("The CA private key does not belong to the CA certificate");
    }
    if (auto cert = Decoded(f, "cert")) {
      s->cert_exists = true;
      s->cert = crypto::ParseCertificate(*cert);
    }
    s->stat = ParseStatOutput(FieldValue(f, "stat").value_or(""));
    return true;
  }
};

}  // namespace

const Module& X509CertificateModule() {
  static const X509Certificate m;
  return m;
}

}  // namespace drover::modules
