#include "connection/known_hosts.h"

#include <fnmatch.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>

namespace drover::connection {

namespace {

std::string Base64Decode(const std::string& in) {
  std::string out(in.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return "";
  out.resize(static_cast<size_t>(n));
  // EVP_DecodeBlock counts '=' padding as zero bytes; drop them.
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) out.pop_back();
  return out;
}

// "|1|base64(salt)|base64(HMAC-SHA1(salt, name))"
bool HashedEntryMatches(const std::string& entry, const std::string& name) {
  const size_t bar = entry.find('|', 3);
  if (entry.rfind("|1|", 0) != 0 || bar == std::string::npos) return false;
  const std::string salt = Base64Decode(entry.substr(3, bar - 3));
  const std::string want = Base64Decode(entry.substr(bar + 1));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
       reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &mac_len);
  return want == std::string(reinterpret_cast<char*>(mac), mac_len);
}

bool PatternListMatches(const std::string& patterns, const std::string& name) {
  bool matched = false;
  std::stringstream ss(patterns);
  std::string p;
  while (std::getline(ss, p, ',')) {
    const bool negated = !p.empty() && p[0] == '!';
    if (negated) p.erase(0, 1);
    // Wildcards are * and ? only: "[host]:port" brackets are literal.
    const bool wild = p.find_first_of("*?") != std::string::npos;
    if (p == name || (wild && fnmatch(p.c_str(), name.c_str(), 0) == 0)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

}  // namespace

std::string KnownHostsName(const std::string& host, int port) {
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

std::vector<std::string> KnownHostsLinesFor(const std::string& host, int port,
                                            const std::vector<std::string>& files) {
  const std::string name = KnownHostsName(host, port);
  std::vector<std::string> found;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::stringstream words(line);
      std::string first;
      words >> first;
      if (first.empty() || first[0] == '#') continue;
      if (first[0] == '@') words >> first;  // @cert-authority / @revoked marker
      const bool match = first.rfind("|1|", 0) == 0 ? HashedEntryMatches(first, name)
                                                    : PatternListMatches(first, name);
      if (match) found.push_back(file + ":" + std::to_string(number));
    }
  }
  return found;
}

}  // namespace drover::connection
