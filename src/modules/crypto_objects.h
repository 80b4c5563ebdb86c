// The controller's reading of the public parts of keys, certificates and
// CSRs that the community.crypto modules fetch from a host (libcrypto): the
// properties those modules compare for idempotence (key type, size and
// curve, subject, extensions, validity, signatures) and the values they
// return (fingerprints, serial numbers, ASN.1 times). No private key ever
// reaches the controller: hosts send public keys (`openssl pkey -pubout`).
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace drover::modules::crypto {

// A public key as community.crypto names its properties.
struct PublicKey {
  std::string type;   // RSA, DSA, ECC, Ed25519, Ed448, X25519, X448 ("" unknown)
  int bits = 0;       // key size (RSA, DSA; the curve's size for ECC)
  std::string curve;  // ECC: Ansible's curve name (secp256r1, brainpoolP256r1, ...)
  std::string der;    // SubjectPublicKeyInfo, DER
  std::string pem;    // "-----BEGIN PUBLIC KEY-----..." as cryptography writes it
};

// Parses a PEM public key ("BEGIN PUBLIC KEY"); nullopt when it is not one.
std::optional<PublicKey> ParsePublicKeyPem(const std::string& pem);

// Python's hashlib fingerprints of `der` as community.crypto's
// get_fingerprint_of_bytes returns them ("aa:bb:..."): every algorithm of
// hashlib.algorithms_guaranteed, or only sha256 when `prefer_one`.
Map Fingerprints(const std::string& der, bool prefer_one = false);

// One X.509v3 extension: its OID (dotted), criticality and DER value.
struct Extension {
  std::string oid;
  bool critical = false;
  std::string value;
  bool operator==(const Extension&) const = default;
};

// A certificate, parsed. Holds the libcrypto object for signature checks.
struct Certificate {
  std::string subject_der, issuer_der;
  std::vector<Extension> extensions;
  std::optional<PublicKey> key;
  std::string not_before, not_after;  // "20261207013351Z" (Python's %Y%m%d%H%M%SZ)
  std::time_t not_before_time = 0, not_after_time = 0;
  Value serial;                // int when it fits in 63 bits, else its decimal text
  std::string ski;             // the subjectKeyIdentifier's octets, "" when absent
  std::string pem;             // the certificate as PEM
  std::shared_ptr<void> x509;  // X509*
};
// PEM or DER bytes; nullopt when they are no certificate.
std::optional<Certificate> ParseCertificate(const std::string& bytes);
// Whether `cert`'s signature verifies with `key` (a DER public key).
bool SignedBy(const Certificate& cert, const std::string& key_der);

// A certificate signing request, parsed.
struct Request {
  std::string subject_der;
  std::vector<Extension> extensions;
  std::optional<PublicKey> key;
  bool signature_valid = false;
};
std::optional<Request> ParseRequest(const std::string& bytes);

// The SHA-1 of the public key's BIT STRING (RFC 5280's key identifier,
// cryptography's SubjectKeyIdentifier.from_public_key).
std::string KeyIdentifier(const std::string& key_der);

// community.crypto's get_relative_time_option: "+3650d", "-1w2d", or an
// absolute "20261207013351Z" / "202612070133Z" / with "+0100". nullopt
// when invalid. `now` is UTC.
std::optional<std::time_t> RelativeTime(const std::string& spec, std::time_t now);
// "20261207013351Z" for a UTC time.
std::string AsnTime(std::time_t t);

// A distinguished name's attributes in order: (dotted OID, UTF-8 value).
std::vector<std::pair<std::string, std::string>> NameEntries(const std::string& name_der);
// The dotted OID of an attribute or extended key usage name as OpenSSL and
// cryptography know it ("CN", "commonName", "E", "serverAuth", "TLS Web
// Server Authentication", or a dotted OID itself); "" when unknown.
std::string OidOf(const std::string& name);

// Extension values, decoded.
// subjectAltName-style names as community.crypto writes them ("DNS:x",
// "IP:10.0.0.1", "email:x", "URI:x", "RID:1.2.3"); nullopt if malformed.
std::optional<std::vector<std::string>> GeneralNames(const std::string& der);
// "IP:..." with the address in canonical form; other names unchanged.
std::string CanonicalName(const std::string& name);
// keyUsage's bits (bit 0 digitalSignature ... bit 8 decipherOnly).
std::optional<unsigned> KeyUsageBits(const std::string& der);
std::optional<std::vector<std::string>> ExtKeyUsageOids(const std::string& der);
struct BasicConstraints {
  bool ca = false;
  std::optional<int64_t> path_length;
};
std::optional<BasicConstraints> ParseBasicConstraints(const std::string& der);

// Standard base64 (newlines ignored); nullopt when malformed.
std::optional<std::string> Base64Decode(const std::string& text);

}  // namespace drover::modules::crypto
