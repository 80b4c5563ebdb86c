#include "modules/crypto_objects.h"

#include <doctest/doctest.h>

namespace drover::modules::crypto {

namespace {
// An Ed25519 self-signed certificate (openssl req -x509, serial 4660, SANs
// DNS:unit.test and IP:::1); the expected values are cryptography's.
const char* kCert = R"(-----BEGIN CERTIFICATE-----
MIIBcTCCASOgAwIBAgICEjQwBQYDK2VwMCMxDTALBgNVBAoMBFVuaXQxEjAQBgNV
BAMMCXVuaXQudGVzdDAeFw0yNjEyMDcwMjM3MTRaFw0yNjEyMDgwMjM3MTRaMCMx
DTALBgNVBAoMBFVuaXQxEjAQBgNVBAMMCXVuaXQudGVzdDAqMAUGAytlcAMhAKor
c9S04g8vz9BMDwQkC+cWMMH7dSJqEmtLj9hUwgOZo3sweTAdBgNVHQ4EFgQUA9AL
6s4Tud7XT/VvD00c1T+geQUwHwYDVR0jBBgwFoAUA9AL6s4Tud7XT/VvD00c1T+g
eQUwDwYDVR0TAQH/BAUwAwEB/zAmBgNVHREEHzAdggl1bml0LnRlc3SHEAAAAAAA
AAAAAAAAAAAAAAEwBQYDK2VwA0EApzLUu2gKSGgyNvctW+QeRw00396494mjWhPu
yEQmNfIs0rNW7TvIvi/2mZ4qb+x7DKDJmNDwulyW+MclMsJECA==
-----END CERTIFICATE-----
)";
const char* kPub = R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAqitz1LTiDy/P0EwPBCQL5xYwwft1ImoSa0uP2FTCA5k=
-----END PUBLIC KEY-----
)";
}  // namespace

TEST_CASE("crypto objects: a certificate and its key as community.crypto sees them") {
  std::optional<Certificate> c = ParseCertificate(kCert);
  REQUIRE(c);
  CHECK(c->not_before == "20261207023714Z");
  CHECK(c->serial.as_int() == 4660);
  REQUIRE(c->key);
  CHECK(c->key->type == "Ed25519");
  std::optional<PublicKey> k = ParsePublicKeyPem(kPub);
  REQUIRE(k);
  CHECK(k->der == c->key->der);
  CHECK(SignedBy(*c, k->der));
  Map fp = Fingerprints(k->der);
  CHECK(fp.size() == 14);
  CHECK(fp.find("sha256")->as_string() ==
        "5e:64:2e:fb:c0:10:96:27:e7:18:fe:97:b2:27:6c:99:e9:63:30:56:81:75:4e:6f:bb:ff:23:97:66:3e:"
        "4b:06");
  CHECK(fp.find("shake_128")->as_string().size() == 32 * 3 - 1);
  CHECK(Fingerprints(k->der, true).size() == 1);
  CHECK(KeyIdentifier(k->der) == c->ski);
  std::vector<std::pair<std::string, std::string>> subject{{"2.5.4.10", "Unit"},
                                                           {"2.5.4.3", "unit.test"}};
  CHECK(NameEntries(c->subject_der) == subject);
  bool found = false;
  for (const Extension& e : c->extensions)
    if (e.oid == "2.5.29.17") {
      found = true;
      CHECK(GeneralNames(e.value) == std::vector<std::string>{"DNS:unit.test", "IP:::1"});
    }
  CHECK(found);
}

TEST_CASE("crypto objects: names, times and base64") {
  CHECK(OidOf("CN") == "2.5.4.3");
  CHECK(OidOf("commonName") == "2.5.4.3");
  CHECK(OidOf("E") == "1.2.840.113549.1.9.1");
  CHECK(OidOf("serverAuth") == "1.3.6.1.5.5.7.3.1");
  CHECK(OidOf("TLS Web Server Authentication") == "1.3.6.1.5.5.7.3.1");
  CHECK(OidOf("no such name").empty());
  CHECK(CanonicalName("IP:0:0::1") == "IP:::1");
  CHECK(CanonicalName("DNS:x") == "DNS:x");
  CHECK(RelativeTime("+0s", 1000) == 1000);
  CHECK(RelativeTime("+1w2d3h4m5s", 0) == 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  CHECK(RelativeTime("-10", 100) == 90);
  CHECK(RelativeTime("+", 0) == std::nullopt);
  CHECK(RelativeTime("20261207023714Z", 0) == 1796611034);
  CHECK(RelativeTime("202612070237+0100", 0) == 1796611020 - 3600);
  CHECK(RelativeTime("tomorrow", 0) == std::nullopt);
  CHECK(AsnTime(1796611034) == "20261207023714Z");
  CHECK(Base64Decode("aGVsbG8=\n") == "hello");
  CHECK(Base64Decode("aGk=") == "hi");
  CHECK(Base64Decode("abc") == std::nullopt);
}

}  // namespace drover::modules::crypto
