#include "modules/crypto_objects.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <regex>

namespace drover::modules::crypto {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

Bio MemBio(const std::string& bytes) {
  return Bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string BioText(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

bool LooksPem(const std::string& bytes) {
  return bytes.find("-----BEGIN ") != std::string::npos;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ':';
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// OpenSSL's group names where cryptography's differ.
std::string AnsibleCurveName(const std::string& openssl_name) {
  if (openssl_name == "prime256v1") return "secp256r1";
  if (openssl_name == "prime192v1") return "secp192r1";
  return openssl_name;
}

std::optional<PublicKey> Describe(EVP_PKEY* pkey) {
  if (!pkey) return std::nullopt;
  PublicKey k;
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: k.type = "RSA"; break;
    case EVP_PKEY_DSA: k.type = "DSA"; break;
    case EVP_PKEY_EC: k.type = "ECC"; break;
    case EVP_PKEY_ED25519: k.type = "Ed25519"; break;
    case EVP_PKEY_ED448: k.type = "Ed448"; break;
    case EVP_PKEY_X25519: k.type = "X25519"; break;
    case EVP_PKEY_X448: k.type = "X448"; break;
    default: break;
  }
  k.bits = EVP_PKEY_get_bits(pkey);
  if (k.type == "ECC") {
    char name[80] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len))
      k.curve = AnsibleCurveName(name);
  }
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey, &der);
  if (n <= 0) return std::nullopt;
  k.der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  Bio out(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(out.get(), pkey);
  k.pem = BioText(out.get());
  return k;
}

std::string NameDer(const X509_NAME* name) {
  unsigned char* der = nullptr;
  int n = i2d_X509_NAME(name, &der);
  if (n <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

Extension ToExtension(X509_EXTENSION* ext) {
  Extension e;
  char oid[128] = {0};
  OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
  e.oid = oid;
  e.critical = X509_EXTENSION_get_critical(ext) > 0;
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
  e.value.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                 static_cast<size_t>(ASN1_STRING_length(data)));
  return e;
}

bool AsnTimeOf(const ASN1_TIME* t, std::string* text, std::time_t* when) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return false;
  *when = timegm(&tm);
  *text = AsnTime(*when);
  return true;
}

}  // namespace

std::optional<PublicKey> ParsePublicKeyPem(const std::string& pem) {
  Bio in = MemBio(pem);
  Pkey pkey(PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr));
  return Describe(pkey.get());
}

Map Fingerprints(const std::string& der, bool prefer_one) {
  struct Algo {
    const char* python;
    const char* openssl;
    size_t xof_len;  // hexdigest(32) for the shake algorithms
  };
  static const Algo algos[] = {
      {"sha256", "SHA256", 0},       {"sha3_256", "SHA3-256", 0},
      {"sha512", "SHA512", 0},       {"sha3_512", "SHA3-512", 0},
      {"sha384", "SHA384", 0},       {"sha3_384", "SHA3-384", 0},
      {"sha1", "SHA1", 0},           {"md5", "MD5", 0},
      {"blake2b", "BLAKE2B-512", 0}, {"blake2s", "BLAKE2S-256", 0},
      {"sha224", "SHA224", 0},       {"sha3_224", "SHA3-224", 0},
      {"shake_128", "SHAKE128", 32}, {"shake_256", "SHAKE256", 32},
  };
  Map out;
  for (const Algo& a : algos) {
    EVP_MD* md = EVP_MD_fetch(nullptr, a.openssl, nullptr);
    if (!md) continue;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    bool ok = EVP_DigestInit_ex(ctx, md, nullptr) && EVP_DigestUpdate(ctx, der.data(), der.size());
    if (ok && a.xof_len) {
      ok = EVP_DigestFinalXOF(ctx, buf, a.xof_len);
      n = static_cast<unsigned>(a.xof_len);
    } else if (ok) {
      ok = EVP_DigestFinal_ex(ctx, buf, &n);
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    if (ok) out.set(a.python, Value(Hex(buf, n)));
    if (prefer_one) break;
  }
  return out;
}

std::optional<Certificate> ParseCertificate(const std::string& bytes) {
  X509* x = nullptr;
  if (LooksPem(bytes)) {
    Bio in = MemBio(bytes);
    x = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr);
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    x = d2i_X509(nullptr, &p, static_cast<long>(bytes.size()));
  }
  if (!x) return std::nullopt;
  Certificate c;
  c.x509 = std::shared_ptr<void>(x, [](void* p) { X509_free(static_cast<X509*>(p)); });
  c.subject_der = NameDer(X509_get_subject_name(x));
  c.issuer_der = NameDer(X509_get_issuer_name(x));
  for (int i = 0; i < X509_get_ext_count(x); ++i)
    c.extensions.push_back(ToExtension(X509_get_ext(x, i)));
  c.key = Describe(X509_get0_pubkey(x));
  if (!AsnTimeOf(X509_get0_notBefore(x), &c.not_before, &c.not_before_time) ||
      !AsnTimeOf(X509_get0_notAfter(x), &c.not_after, &c.not_after_time))
    return std::nullopt;
  Bignum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (serial && BN_num_bits(serial.get()) <= 63 && !BN_is_negative(serial.get())) {
    c.serial = Value(static_cast<int64_t>(BN_get_word(serial.get())));
  } else if (serial) {
    char* dec = BN_bn2dec(serial.get());
    c.serial = Value(std::string(dec));
    OPENSSL_free(dec);
  }
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x))
    c.ski.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                 static_cast<size_t>(ASN1_STRING_length(ski)));
  Bio out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), x);
  c.pem = BioText(out.get());
  return c;
}

bool SignedBy(const Certificate& cert, const std::string& key_der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(key_der.data());
  Pkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(key_der.size())));
  if (!pkey || !cert.x509) return false;
  return X509_verify(static_cast<X509*>(cert.x509.get()), pkey.get()) == 1;
}

std::optional<Request> ParseRequest(const std::string& bytes) {
  X509_REQ* req = nullptr;
  if (LooksPem(bytes)) {
    Bio in = MemBio(bytes);
    req = PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr);
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    req = d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size()));
  }
  if (!req) return std::nullopt;
  Request r;
  r.subject_der = NameDer(X509_REQ_get_subject_name(req));
  if (STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req)) {
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i)
      r.extensions.push_back(ToExtension(sk_X509_EXTENSION_value(exts, i)));
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  EVP_PKEY* key = X509_REQ_get0_pubkey(req);
  r.key = Describe(key);
  r.signature_valid = key && X509_REQ_verify(req, key) == 1;
  X509_REQ_free(req);
  return r;
}

std::string KeyIdentifier(const std::string& key_der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(key_der.data());
  X509_PUBKEY* pub = d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(key_der.size()));
  if (!pub) return "";
  const unsigned char* bits = nullptr;
  int len = 0;
  std::string out;
  if (X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, pub)) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(bits, static_cast<size_t>(len), md, &n, EVP_sha1(), nullptr))
      out.assign(reinterpret_cast<char*>(md), n);
  }
  X509_PUBKEY_free(pub);
  return out;
}

std::optional<std::time_t> RelativeTime(const std::string& spec, std::time_t now) {
  static const std::regex relative(
      R"(^([+-])((\d+)[wW])?((\d+)[dD])?((\d+)[hH])?((\d+)[mM])?((\d+)[sS]?)?$)");
  std::smatch m;
  if (!spec.empty() && (spec[0] == '+' || spec[0] == '-')) {
    if (spec.size() == 1 || !std::regex_match(spec, m, relative)) return std::nullopt;
    long long offset = 0;
    const long long unit[] = {7 * 86400, 86400, 3600, 60, 1};
    for (int i = 0; i < 5; ++i)
      if (m[3 + 2 * i].matched) offset += std::stoll(m[3 + 2 * i].str()) * unit[i];
    return spec[0] == '+' ? now + offset : now - offset;
  }
  static const std::regex absolute(
      R"(^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|([+-])(\d\d)(\d\d))$)");
  if (!std::regex_match(spec, m, absolute)) return std::nullopt;
  struct tm tm {};
  tm.tm_year = std::stoi(m[1].str()) - 1900;
  tm.tm_mon = std::stoi(m[2].str()) - 1;
  tm.tm_mday = std::stoi(m[3].str());
  tm.tm_hour = std::stoi(m[4].str());
  tm.tm_min = std::stoi(m[5].str());
  tm.tm_sec = m[6].matched ? std::stoi(m[6].str()) : 0;
  std::time_t t = timegm(&tm);
  if (m[8].matched) {
    long off = std::stol(m[9].str()) * 3600 + std::stol(m[10].str()) * 60;
    t -= m[8].str() == "+" ? off : -off;
  }
  return t;
}

std::string AsnTime(std::time_t t) {
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return buf;
}

std::vector<std::pair<std::string, std::string>> NameEntries(const std::string& name_der) {
  std::vector<std::pair<std::string, std::string>> out;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(name_der.data());
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(name_der.size()));
  if (!name) return out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    char oid[128] = {0};
    OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(e), 1);
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    out.emplace_back(
        oid, n >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(n)) : "");
    OPENSSL_free(utf8);
  }
  X509_NAME_free(name);
  return out;
}

std::string OidOf(const std::string& name) {
  std::string n = name == "E" ? "emailAddress" : name;
  ASN1_OBJECT* obj = OBJ_txt2obj(n.c_str(), 0);
  if (!obj) return "";
  char oid[128] = {0};
  OBJ_obj2txt(oid, sizeof oid, obj, 1);
  ASN1_OBJECT_free(obj);
  return oid;
}

namespace {

std::string IpText(const unsigned char* p, int len) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (len == 4)
    inet_ntop(AF_INET, p, buf, sizeof buf);
  else if (len == 16)
    inet_ntop(AF_INET6, p, buf, sizeof buf);
  else
    return "";
  return buf;
}

std::string Asn1Text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

std::optional<std::vector<std::string>> GeneralNames(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  GENERAL_NAMES* names = d2i_GENERAL_NAMES(nullptr, &p, static_cast<long>(der.size()));
  if (!names) return std::nullopt;
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS: out.push_back("DNS:" + Asn1Text(g->d.dNSName)); break;
      case GEN_EMAIL: out.push_back("email:" + Asn1Text(g->d.rfc822Name)); break;
      case GEN_URI: out.push_back("URI:" + Asn1Text(g->d.uniformResourceIdentifier)); break;
      case GEN_IPADD:
        out.push_back("IP:" + IpText(ASN1_STRING_get0_data(g->d.iPAddress),
                                     ASN1_STRING_length(g->d.iPAddress)));
        break;
      case GEN_RID: {
        char oid[128] = {0};
        OBJ_obj2txt(oid, sizeof oid, g->d.registeredID, 1);
        out.push_back(std::string("RID:") + oid);
        break;
      }
      default: out.push_back("other:" + std::to_string(g->type)); break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string CanonicalName(const std::string& name) {
  if (!name.starts_with("IP:")) return name;
  unsigned char buf[16];
  std::string a = name.substr(3);
  if (inet_pton(AF_INET, a.c_str(), buf) == 1) return "IP:" + IpText(buf, 4);
  if (inet_pton(AF_INET6, a.c_str(), buf) == 1) return "IP:" + IpText(buf, 16);
  return name;
}

std::optional<unsigned> KeyUsageBits(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ASN1_BIT_STRING* bits = d2i_ASN1_BIT_STRING(nullptr, &p, static_cast<long>(der.size()));
  if (!bits) return std::nullopt;
  unsigned out = 0;
  for (int i = 0; i < 9; ++i)
    if (ASN1_BIT_STRING_get_bit(bits, i)) out |= 1u << i;
  ASN1_BIT_STRING_free(bits);
  return out;
}

std::optional<std::vector<std::string>> ExtKeyUsageOids(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EXTENDED_KEY_USAGE* eku = d2i_EXTENDED_KEY_USAGE(nullptr, &p, static_cast<long>(der.size()));
  if (!eku) return std::nullopt;
  std::vector<std::string> out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    char oid[128] = {0};
    OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1);
    out.push_back(oid);
  }
  EXTENDED_KEY_USAGE_free(eku);
  return out;
}

std::optional<BasicConstraints> ParseBasicConstraints(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  BASIC_CONSTRAINTS* bc = d2i_BASIC_CONSTRAINTS(nullptr, &p, static_cast<long>(der.size()));
  if (!bc) return std::nullopt;
  BasicConstraints out;
  out.ca = bc->ca != 0;
  if (bc->pathlen) out.path_length = ASN1_INTEGER_get(bc->pathlen);
  BASIC_CONSTRAINTS_free(bc);
  return out;
}

std::optional<std::string> Base64Decode(const std::string& text) {
  std::string clean;
  for (char ch : text)
    if (ch != '\n' && ch != '\r' && ch != ' ') clean += ch;
  if (clean.size() % 4) return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < clean.size() && clean[clean.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace drover::modules::crypto
