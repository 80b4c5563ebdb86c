#include "connection/known_hosts.h"

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

// OpenSSH's match_pattern: '*' and '?' are the only wildcards (brackets and
// backslashes are literal, unlike fnmatch).
bool WildcardMatches(const char* p, const char* s) {
  for (; *p; ++p, ++s) {
    if (*p == '*') {
      for (; *s; ++s)
        if (WildcardMatches(p + 1, s)) return true;
      return WildcardMatches(p + 1, s);
    }
    if (!*s || (*p != '?' && *p != *s)) return false;
  }
  return !*s;
}

bool PatternListMatches(const std::string& patterns, const std::string& name) {
  bool matched = false;
  std::stringstream ss(patterns);
  std::string p;
  while (std::getline(ss, p, ',')) {
    const bool negated = !p.empty() && p[0] == '!';
    if (negated) p.erase(0, 1);
    // Wildcards are * and ? only: "[host]:port" brackets are literal.
    if (WildcardMatches(p.c_str(), name.c_str())) {
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

KnownHostsVerdict KnownHostsCheck(const std::string& host, int port,
                                  const std::vector<std::string>& files,
                                  const std::string& key_type, const std::string& key_base64) {
  using State = KnownHostsVerdict::State;
  const std::string name = KnownHostsName(host, port);
  KnownHostsVerdict v;
  std::string other_lines, ca_lines;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::stringstream words(line);
      std::string marker, patterns, type, blob;
      words >> patterns;
      if (patterns.empty() || patterns[0] == '#') continue;
      if (patterns[0] == '@') {
        marker = patterns;
        words >> patterns;
      }
      words >> type >> blob;
      const bool match = patterns.rfind("|1|", 0) == 0 ? HashedEntryMatches(patterns, name)
                                                       : PatternListMatches(patterns, name);
      if (!match) continue;
      const std::string where = file + ":" + std::to_string(number);
      const bool same_key = type == key_type && blob == key_base64;
      if (marker == "@revoked") {
        if (same_key) return {State::kRevoked, where};
      } else if (marker == "@cert-authority") {
        ca_lines += (ca_lines.empty() ? "" : ", ") + where;
      } else if (!marker.empty()) {
        continue;  // an unknown marker: ssh ignores the line
      } else if (same_key) {
        if (v.state != State::kMatch) v = {State::kMatch, where};
      } else {
        other_lines += (other_lines.empty() ? "" : ", ") + where;
      }
    }
  }
  if (v.state == State::kMatch) return v;
  if (!other_lines.empty()) return {State::kChanged, other_lines};
  if (!ca_lines.empty()) return {State::kCertAuthority, ca_lines};
  return {State::kUnknown, ""};
}

}  // namespace drover::connection
