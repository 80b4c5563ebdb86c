// openssl_csr (community.crypto) with the host's `openssl req`: one round
// trip sends the controller the existing CSR (public) and the public key of
// the private key (opened with the passphrase from stdin); the controller
// decides as the module's cryptography backend does (_check_csr: the
// subject as a set of attributes, or in order with subject_ordered; the
// subjectAltName, keyUsage, extendedKeyUsage, basicConstraints, TLS
// feature and subject key identifier extensions with their criticality;
// the signature and the key). Only when something differs a second round
// trip makes the CSR (`openssl req -new -subj ... ` with an extension
// section the controller writes) and moves it into place.
//
// Partial (refused clearly): name_constraints_permitted/excluded,
// crl_distribution_points, subject_key_identifier, authority_key_identifier,
// authority_cert_issuer, authority_cert_serial_number, backup; subject
// alternative names other than DNS, IP, email, URI and RID. The `diff`
// result key is not returned.
#include <algorithm>
#include <set>

#include "connection/shell.h"
#include "core/json.h"
#include "core/secrets.h"
#include "modules/crypto_host.h"
#include "modules/crypto_objects.h"
#include "modules/registry.h"
#include "modules/remote_file.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
constexpr const char* kName = "openssl_csr";

// stdin: the passphrase and the key's content (base64), one line each.
// Variables P, STATE, CHECK, KP, KC, HAVE_PW1, MAKE (1: write the CSR from
// SUBJ, CNF, MD). Fields: key_enc, key_pub, csr (base64), stat, changed.
constexpr const char* kScript = R"SH(
IFS= read -r PW || true; IFS= read -r KB64 || true; HAVE_PW=$HAVE_PW1
__b=$(dirname "$P"); [ -d "$__b" ] || fail "The directory $__b does not exist or the file is not a directory"
if [ "$STATE" = absent ]; then
  if [ -e "$P" ]; then [ "$CHECK" = 1 ] || rm -f -- "$P" || fail "cannot remove $P"; field changed 1
  else field changed 0; fi
  exit 0
fi
need openssl
[ "$KC" = 1 ] && { printf '%s\n' "$KB64" | base64 -d >"$T/key.pem" || fail "cannot decode privatekey_content"; KP=$T/key.pem; }
[ -e "$KP" ] || fail "Error while loading the private key: $KP does not exist"
keyfields key "$KP"
if [ "$MAKE" = 1 ]; then
  printf '%s' "$CNF" >"$T/req.cnf"
  set --
  [ -n "$MD" ] && set -- "-$MD"
  pw | openssl req -new -utf8 -config "$T/req.cnf" -key "$KP" -passin stdin -subj "$SUBJ" "$@" -out "$T/req.pem" 2>"$T/err" ||
    fail "Error while creating CSR: $(cat "$T/err")"
  put "$T/req.pem" "$P"
fi
[ -f "$P" ] && field csr "$(b64 "$P")"
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
exit 0
)SH";

// The module's wanted CSR.
struct Wanted {
  std::vector<std::pair<std::string, std::string>> subject;  // as named by the user
  bool ordered = false;
  std::optional<std::vector<std::string>> san;  // after use_common_name_for_san
  bool san_critical = false;
  std::optional<std::vector<std::string>> key_usage, ext_key_usage, basic_constraints;
  bool ku_critical = false, eku_critical = false, bc_critical = false;
  bool must_staple = false, must_staple_critical = false, create_ski = false;
};

// cryptography's key usage names, in KU bit order, with OpenSSL's config names.
struct Usage {
  const char* long_name;
  const char* short_name;
};
constexpr Usage kUsages[] = {
    {"Digital Signature", "digitalSignature"},
    {"Non Repudiation", "nonRepudiation"},
    {"Key Encipherment", "keyEncipherment"},
    {"Data Encipherment", "dataEncipherment"},
    {"Key Agreement", "keyAgreement"},
    {"Certificate Sign", "keyCertSign"},
    {"CRL Sign", "cRLSign"},
    {"Encipher Only", "encipherOnly"},
    {"Decipher Only", "decipherOnly"},
};

int UsageBit(const std::string& usage) {
  for (int i = 0; i < 9; ++i)
    if (usage == kUsages[i].long_name || usage == kUsages[i].short_name) return i;
  return -1;
}

std::optional<std::vector<std::string>> ListArg(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return std::nullopt;
  std::vector<std::string> out;
  for (const Value& item : v->as_list())
    out.push_back(item.is_string() ? item.as_string() : ToJson(item));
  return out;
}

bool BoolArg(const Map& args, const char* key) {
  return args.find(key)->as_bool();
}

// cryptography_get_basic_constraints; an error message in *error.
std::pair<bool, std::optional<int64_t>> BasicConstraintsOf(
    const std::optional<std::vector<std::string>>& list, std::string* error) {
  bool ca = false;
  std::optional<int64_t> path;
  for (const std::string& c : list.value_or(std::vector<std::string>{})) {
    if (c.starts_with("CA:")) {
      if (c == "CA:TRUE")
        ca = true;
      else if (c == "CA:FALSE")
        ca = false;
      else
        *error = "Unknown basic constraint value \"" + c.substr(3) + "\" for CA";
    } else if (c.starts_with("pathlen:")) {
      try {
        path = std::stoll(c.substr(8));
      } catch (...) {
        *error = "Cannot parse path length constraint \"" + c.substr(8) + "\"";
      }
    } else {
      *error = "Unknown basic constraint \"" + c + "\"";
    }
  }
  return {ca, path};
}

// The module's _check_subject.
bool SubjectMatches(const Wanted& w, const crypto::Request& csr) {
  std::vector<std::pair<std::string, std::string>> want;
  for (const auto& [name, value] : w.subject) want.emplace_back(crypto::OidOf(name), value);
  std::vector<std::pair<std::string, std::string>> have = crypto::NameEntries(csr.subject_der);
  if (w.ordered) return want == have;
  return std::set(want.begin(), want.end()) == std::set(have.begin(), have.end());
}

// The module's _check_extensions.
bool ExtensionsMatch(const Wanted& w, const crypto::Request& csr, const std::string& key_der) {
  const auto& exts = csr.extensions;
  // subjectAltName
  const crypto::Extension* san = crypto::FindExtension(exts, "2.5.29.17");
  std::set<std::string> have_san, want_san;
  if (san) {
    auto names = crypto::GeneralNames(san->value);
    if (!names) return false;
    have_san.insert(names->begin(), names->end());
  }
  for (const std::string& n : w.san.value_or(std::vector<std::string>{}))
    want_san.insert(crypto::CanonicalName(n));
  if (have_san != want_san) return false;
  if (!want_san.empty() && san->critical != w.san_critical) return false;
  // keyUsage
  const crypto::Extension* ku = crypto::FindExtension(exts, "2.5.29.15");
  if (!w.key_usage || w.key_usage->empty()) {
    if (ku) return false;
  } else {
    if (!ku) return false;
    unsigned want = 0;
    for (const std::string& u : *w.key_usage) want |= 1u << UsageBit(u);
    if (crypto::KeyUsageBits(ku->value) != want || ku->critical != w.ku_critical) return false;
  }
  // extendedKeyUsage
  const crypto::Extension* eku = crypto::FindExtension(exts, "2.5.29.37");
  std::set<std::string> have_eku, want_eku;
  if (eku) {
    auto oids = crypto::ExtKeyUsageOids(eku->value);
    if (!oids) return false;
    have_eku.insert(oids->begin(), oids->end());
  }
  for (const std::string& u : w.ext_key_usage.value_or(std::vector<std::string>{}))
    want_eku.insert(crypto::OidOf(u));
  if (have_eku != want_eku) return false;
  if (!want_eku.empty() && eku->critical != w.eku_critical) return false;
  // basicConstraints
  const crypto::Extension* bc = crypto::FindExtension(exts, "2.5.29.19");
  std::string ignored;
  auto [ca, path] = BasicConstraintsOf(w.basic_constraints, &ignored);
  std::optional<crypto::BasicConstraints> have_bc;
  if (bc) have_bc = crypto::ParseBasicConstraints(bc->value);
  if (bc && !have_bc) return false;
  if (ca != (have_bc ? have_bc->ca : false)) return false;
  if (path != (have_bc ? have_bc->path_length : std::nullopt)) return false;
  if (w.basic_constraints && !w.basic_constraints->empty()) {
    if (!bc || bc->critical != w.bc_critical) return false;
  } else if (bc) {
    return false;
  }
  // TLS feature (OCSP must staple): status_request is INTEGER 5.
  const crypto::Extension* tls = crypto::FindExtension(exts, "1.3.6.1.5.5.7.1.24");
  if (w.must_staple) {
    if (!tls || tls->critical != w.must_staple_critical) return false;
    if (tls->value.find(std::string("\x02\x01\x05", 3)) == std::string::npos) return false;
  } else if (tls) {
    return false;
  }
  // subjectKeyIdentifier; no AKI, name constraints or CRL distribution points.
  const crypto::Extension* ski = crypto::FindExtension(exts, "2.5.29.14");
  if (w.create_ski) {
    if (!ski || ski->critical) return false;
    if (ski->value.size() < 2 || ski->value.substr(2) != crypto::KeyIdentifier(key_der))
      return false;
  } else if (ski) {
    return false;
  }
  for (const char* absent : {"2.5.29.35", "2.5.29.30", "2.5.29.31"})
    if (crypto::FindExtension(exts, absent)) return false;
  return true;
}

// The value of -subj: "/NAME=VALUE/..." with /, \, + and = escaped.
std::string SubjArg(const Wanted& w) {
  std::string out;
  for (const auto& [name, value] : w.subject) {
    std::string v;
    for (char c : value) {
      if (c == '/' || c == '\\' || c == '+' || c == '=') v += '\\';
      v += c;
    }
    out += "/" + (name == "E" ? std::string("emailAddress") : name) + "=" + v;
  }
  return out.empty() ? "/" : out;
}

// The openssl req configuration with the wanted extensions.
std::string RequestConfig(const Wanted& w) {
  std::string ext;
  auto crit = [](bool c) { return std::string(c ? "critical," : ""); };
  if (w.san && !w.san->empty()) {
    std::string list;
    for (const std::string& n : *w.san) list += (list.empty() ? "" : ",") + n;
    ext += "subjectAltName=" + crit(w.san_critical) + list + "\n";
  }
  if (w.key_usage && !w.key_usage->empty()) {
    std::string list;
    for (const std::string& u : *w.key_usage)
      list += (list.empty() ? "" : ",") + std::string(kUsages[UsageBit(u)].short_name);
    ext += "keyUsage=" + crit(w.ku_critical) + list + "\n";
  }
  if (w.ext_key_usage && !w.ext_key_usage->empty()) {
    std::string list;
    for (const std::string& u : *w.ext_key_usage)
      list += (list.empty() ? "" : ",") + crypto::OidOf(u);
    ext += "extendedKeyUsage=" + crit(w.eku_critical) + list + "\n";
  }
  if (w.basic_constraints && !w.basic_constraints->empty()) {
    std::string ignored;
    auto [ca, path] = BasicConstraintsOf(w.basic_constraints, &ignored);
    ext += "basicConstraints=" + crit(w.bc_critical) + (ca ? "CA:TRUE" : "CA:FALSE") +
           (path ? ",pathlen:" + std::to_string(*path) : "") + "\n";
  }
  if (w.must_staple) ext += "tlsfeature=" + crit(w.must_staple_critical) + "status_request\n";
  if (w.create_ski) ext += "subjectKeyIdentifier=hash\n";
  std::string cnf = "[req]\ndistinguished_name=dn\nstring_mask=utf8only\nutf8=yes\n";
  if (!ext.empty()) cnf += "req_extensions=ext\n";
  cnf += "[dn]\n";
  if (!ext.empty()) cnf += "[ext]\n" + ext;
  return cnf;
}

Value ListValue(const std::optional<std::vector<std::string>>& list) {
  if (!list) return Value();
  List out;
  for (const std::string& s : *list) out.push_back(Value(s));
  return Value(std::move(out));
}

class OpensslCsr : public Module {
 public:
  std::string_view Name() const override { return "community.crypto.openssl_csr"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"digest", ArgType::kStr, Value("sha256"), false, {}, {}},
        {"privatekey_path", ArgType::kPath, {}, false, {}, {}},
        {"privatekey_content", ArgType::kStr, {}, false, {}, {}},
        {"privatekey_passphrase", ArgType::kStr, {}, false, {}, {}},
        {"version", ArgType::kInt, Value(int64_t{1}), false, {}, {"1"}},
        {"subject", ArgType::kDict, {}, false, {}, {}},
        {"subject_ordered", ArgType::kList, {}, false, {}, {}},
        {"country_name", ArgType::kStr, {}, false, {"C", "countryName"}, {}},
        {"state_or_province_name", ArgType::kStr, {}, false, {"ST", "stateOrProvinceName"}, {}},
        {"locality_name", ArgType::kStr, {}, false, {"L", "localityName"}, {}},
        {"organization_name", ArgType::kStr, {}, false, {"O", "organizationName"}, {}},
        {"organizational_unit_name",
         ArgType::kStr,
         {},
         false,
         {"OU", "organizationalUnitName"},
         {}},
        {"common_name", ArgType::kStr, {}, false, {"CN", "commonName"}, {}},
        {"email_address", ArgType::kStr, {}, false, {"E", "emailAddress"}, {}},
        {"subject_alt_name", ArgType::kList, {}, false, {"subjectAltName"}, {}},
        {"subject_alt_name_critical",
         ArgType::kBool,
         Value(false),
         false,
         {"subjectAltName_critical"},
         {}},
        {"use_common_name_for_san",
         ArgType::kBool,
         Value(true),
         false,
         {"useCommonNameForSAN"},
         {}},
        {"key_usage", ArgType::kList, {}, false, {"keyUsage"}, {}},
        {"key_usage_critical", ArgType::kBool, Value(false), false, {"keyUsage_critical"}, {}},
        {"extended_key_usage", ArgType::kList, {}, false, {"extKeyUsage", "extendedKeyUsage"}, {}},
        {"extended_key_usage_critical",
         ArgType::kBool,
         Value(false),
         false,
         {"extKeyUsage_critical", "extendedKeyUsage_critical"},
         {}},
        {"basic_constraints", ArgType::kList, {}, false, {"basicConstraints"}, {}},
        {"basic_constraints_critical",
         ArgType::kBool,
         Value(false),
         false,
         {"basicConstraints_critical"},
         {}},
        {"ocsp_must_staple", ArgType::kBool, Value(false), false, {"ocspMustStaple"}, {}},
        {"ocsp_must_staple_critical",
         ArgType::kBool,
         Value(false),
         false,
         {"ocspMustStaple_critical"},
         {}},
        {"name_constraints_permitted", ArgType::kList, {}, false, {}, {}},
        {"name_constraints_excluded", ArgType::kList, {}, false, {}, {}},
        {"name_constraints_critical", ArgType::kBool, Value(false), false, {}, {}},
        {"create_subject_key_identifier", ArgType::kBool, Value(false), false, {}, {}},
        {"subject_key_identifier", ArgType::kStr, {}, false, {}, {}},
        {"authority_key_identifier", ArgType::kStr, {}, false, {}, {}},
        {"authority_cert_issuer", ArgType::kList, {}, false, {}, {}},
        {"authority_cert_serial_number", ArgType::kInt, {}, false, {}, {}},
        {"crl_distribution_points", ArgType::kList, {}, false, {}, {}},
        {"select_crypto_backend",
         ArgType::kStr,
         Value("auto"),
         false,
         {},
         {"auto", "cryptography"}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"path", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"return_content", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path"), state = ArgText(args, "state");
    if (auto refusal = Refusal(args)) return *refusal;
    const std::optional<std::string> key_path = OptionalArgText(args, "privatekey_path");
    const std::optional<std::string> key_content = OptionalArgText(args, "privatekey_content");
    const std::optional<std::string> key_pw = OptionalArgText(args, "privatekey_passphrase");
    if (key_path && key_content)
      return Failed("parameters are mutually exclusive: privatekey_path|privatekey_content");
    if (state == "present" && !key_path && !key_content)
      return Failed(
          "state is present but any of the following are missing: privatekey_path, "
          "privatekey_content");
    Wanted w;
    if (std::string error = Parse(args, &w); !error.empty()) return Failed(error);
    for (const auto* secret : {&key_pw, &key_content})
      if (*secret) RegisterSecret(**secret);
    const std::string stdin_data =
        key_pw.value_or("") + "\n" + Base64Encode(key_content.value_or("")) + "\n";
    const std::string vars =
        "P=" + ShellQuote(path) + "; STATE=" + state + "; CHECK=" + (ctx.check_mode ? "1" : "0") +
        "; KP=" + ShellQuote(key_path.value_or("")) + "; KC=" + (key_content ? "1" : "0") +
        "; HAVE_PW1=" + (key_pw ? "1" : "0") + "\n";

    Result<connection::ExecResult> r =
        ctx.Exec(crypto::Prelude(false) + vars + "MAKE=0\n" + kScript, stdin_data);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    if (state == "absent") {
      if (!FieldValue(f, "changed"))
        return Failed(std::string(kName) + ": the host failed: " + RStrip(r->stderr_data));
      Map out = Dump(args, w, path, FieldValue(f, "changed") == "1");
      if (BoolArg(args, "return_content")) out.set("csr", Value());
      return out;
    }
    if (std::string e = crypto::KeyLoadError(f, "key", key_pw.has_value()); !e.empty())
      return Failed(e);
    std::optional<crypto::PublicKey> key = crypto::ParsePublicKeyPem(*FieldValue(f, "key_pub"));
    if (!key) return Failed(std::string(kName) + ": the private key's public key cannot be read");

    std::optional<std::string> csr_bytes;
    if (auto b = FieldValue(f, "csr")) csr_bytes = crypto::Base64Decode(*b);
    std::optional<crypto::Request> csr =
        csr_bytes ? crypto::ParseRequest(*csr_bytes) : std::nullopt;
    bool changed = BoolArg(args, "force") || !csr || !SubjectMatches(w, *csr) ||
                   !ExtensionsMatch(w, *csr, key->der) || !csr->signature_valid || !csr->key ||
                   csr->key->der != key->der;
    std::optional<RemoteStat> st = ParseStatOutput(FieldValue(f, "stat").value_or(""));
    if (changed && !ctx.check_mode) {
      std::string digest = ArgText(args, "digest");
      const bool needs_digest = key->type != "Ed25519" && key->type != "Ed448";
      if (needs_digest && digest != "sha256" && digest != "sha384" && digest != "sha512" &&
          digest != "sha1" && digest != "md5")
        return Failed("Unsupported digest \"" + digest + "\"");
      std::string make = "MAKE=1; SUBJ=" + ShellQuote(SubjArg(w)) +
                         "; CNF=" + ShellQuote(RequestConfig(w)) +
                         "; MD=" + (needs_digest ? digest : "") + "\n";
      Result<connection::ExecResult> g =
          ctx.Exec(crypto::Prelude(false) + vars + make + kScript, stdin_data);
      if (!g) return g.take_error();
      HostFields gf = ParseHostFields(g->stdout_data);
      if (auto fail = FieldValue(gf, "fail")) return Failed(*fail);
      if (auto b = FieldValue(gf, "csr")) csr_bytes = crypto::Base64Decode(*b);
      st = ParseStatOutput(FieldValue(gf, "stat").value_or(""));
    }
    if (auto done = crypto::ApplyAttrs(ctx, args, st, std::nullopt, &changed))
      return std::move(*done);
    Map out = Dump(args, w, path, changed);
    if (BoolArg(args, "return_content")) out.set("csr", csr_bytes ? Value(*csr_bytes) : Value());
    return out;
  }

 private:
  static std::optional<Map> Refusal(const Map& args) {
    if (BoolArg(args, "backup")) return crypto::NotImplemented(kName, "backup=true");
    for (const char* a :
         {"name_constraints_permitted", "name_constraints_excluded", "crl_distribution_points",
          "subject_key_identifier", "authority_key_identifier", "authority_cert_issuer",
          "authority_cert_serial_number"}) {
      const Value* v = args.find(a);
      if (v && !v->is_null()) return crypto::NotImplemented(kName, a);
    }
    return std::nullopt;
  }

  // The backend's constructor: subject, SAN, usages; an error message.
  static std::string Parse(const Map& args, Wanted* w) {
    const std::pair<const char*, const char*> fields[] = {{"C", "country_name"},
                                                          {"ST", "state_or_province_name"},
                                                          {"L", "locality_name"},
                                                          {"O", "organization_name"},
                                                          {"OU", "organizational_unit_name"},
                                                          {"CN", "common_name"},
                                                          {"emailAddress", "email_address"}};
    for (const auto& [short_name, arg] : fields)
      if (auto v = OptionalArgText(args, arg); v && !v->empty())
        w->subject.emplace_back(short_name, *v);
    if (const Value* subject = args.find("subject"); subject && !subject->is_null()) {
      for (const auto& [k, v] : subject->as_map()) {
        if (v.is_list()) {
          for (const Value& e : v.as_list()) {
            if (!e.is_string()) return "Values " + k + " in subject must be strings";
            if (e.as_string().empty())
              return "Values for " + k + " in subject must not be empty strings";
            w->subject.emplace_back(k, e.as_string());
          }
        } else if (v.is_string()) {
          if (v.as_string().empty())
            return "Value for " + k + " in subject must not be an empty string";
          w->subject.emplace_back(k, v.as_string());
        } else {
          return "Value for " + k + " in subject must be either a string or a list of strings";
        }
      }
    }
    if (const Value* ordered = args.find("subject_ordered"); ordered && !ordered->is_null()) {
      if (!w->subject.empty())
        return "subject_ordered cannot be combined with any other subject field";
      int index = 0;
      for (const Value& entry : ordered->as_list()) {
        ++index;
        if (!entry.is_map() || entry.as_map().size() != 1)
          return "Entry #" + std::to_string(index) +
                 " in subject_ordered must be a dictionary with exactly one key-value pair";
        for (const auto& [k, v] : entry.as_map())
          w->subject.emplace_back(k, v.is_string() ? v.as_string() : ToJson(v));
      }
      w->ordered = true;
    }
    for (const auto& [name, value] : w->subject)
      if (crypto::OidOf(name).empty()) return "Unknown subject field identifier \"" + name + "\"";
    w->san = ListArg(args, "subject_alt_name");
    if ((!w->san || w->san->empty()) && BoolArg(args, "use_common_name_for_san")) {
      for (const auto& [name, value] : w->subject)
        if (name == "CN" || name == "commonName") {
          w->san = std::vector<std::string>{"DNS:" + value};
          break;
        }
    }
    for (const std::string& n : w->san.value_or(std::vector<std::string>{}))
      if (!(n.starts_with("DNS:") || n.starts_with("IP:") || n.starts_with("email:") ||
            n.starts_with("URI:") || n.starts_with("RID:")))
        return std::string(kName) + ": the subject alternative name \"" + n +
               "\" is not implemented by drover";
    w->san_critical = BoolArg(args, "subject_alt_name_critical");
    w->key_usage = ListArg(args, "key_usage");
    for (const std::string& u : w->key_usage.value_or(std::vector<std::string>{}))
      if (UsageBit(u) < 0) return "Unknown key usage \"" + u + "\"";
    w->ku_critical = BoolArg(args, "key_usage_critical");
    w->ext_key_usage = ListArg(args, "extended_key_usage");
    for (const std::string& u : w->ext_key_usage.value_or(std::vector<std::string>{}))
      if (crypto::OidOf(u).empty()) return "Unknown extended key usage \"" + u + "\"";
    w->eku_critical = BoolArg(args, "extended_key_usage_critical");
    w->basic_constraints = ListArg(args, "basic_constraints");
    std::string bc_error;
    BasicConstraintsOf(w->basic_constraints, &bc_error);
    if (!bc_error.empty()) return bc_error;
    w->bc_critical = BoolArg(args, "basic_constraints_critical");
    w->must_staple = BoolArg(args, "ocsp_must_staple");
    w->must_staple_critical = BoolArg(args, "ocsp_must_staple_critical");
    w->create_ski = BoolArg(args, "create_subject_key_identifier");
    return "";
  }

  // The backend's dump().
  static Map Dump(const Map& args, const Wanted& w, const std::string& path, bool changed) {
    List subject;
    for (const auto& [name, value] : w.subject)
      subject.push_back(Value(List{Value(name), Value(value)}));
    const Value* key_path = args.find("privatekey_path");
    return Map{{"privatekey", key_path ? *key_path : Value()},
               {"subject", Value(std::move(subject))},
               {"subjectAltName", ListValue(w.san)},
               {"keyUsage", ListValue(w.key_usage)},
               {"extendedKeyUsage", ListValue(w.ext_key_usage)},
               {"basicConstraints", ListValue(w.basic_constraints)},
               {"ocspMustStaple", Value(w.must_staple)},
               {"name_constraints_permitted", Value(List{})},
               {"name_constraints_excluded", Value(List{})},
               {"filename", Value(path)},
               {"changed", Value(changed)}};
  }
};

}  // namespace

const Module& OpensslCsrModule() {
  static const OpensslCsr m;
  return m;
}

}  // namespace drover::modules
