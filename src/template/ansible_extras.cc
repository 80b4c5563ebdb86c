#include "template/ansible_extras.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "template/runtime.h"

namespace drover::tmpl {

// ---- PyRandom ----

void PyRandom::InitGenrand(uint32_t s) {
  mt_[0] = s;
  for (mti_ = 1; mti_ < 624; ++mti_)
    mt_[mti_] = 1812433253U * (mt_[mti_ - 1] ^ (mt_[mti_ - 1] >> 30)) + static_cast<uint32_t>(mti_);
}

void PyRandom::InitByArray(const std::vector<uint32_t>& key) {
  InitGenrand(19650218U);
  size_t i = 1, j = 0;
  size_t k = std::max<size_t>(624, key.size());
  for (; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
             static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= 624) {
      mt_[0] = mt_[623];
      i = 1;
    }
    if (j >= key.size()) j = 0;
  }
  for (k = 623; k; --k) {
    mt_[i] =
        (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<uint32_t>(i);
    ++i;
    if (i >= 624) {
      mt_[0] = mt_[623];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;
}

uint32_t PyRandom::Next() {
  static const uint32_t mag01[2] = {0x0U, 0x9908b0dfU};
  uint32_t y;
  if (mti_ >= 624) {
    int kk;
    for (kk = 0; kk < 624 - 397; ++kk) {
      y = (mt_[kk] & 0x80000000U) | (mt_[kk + 1] & 0x7fffffffU);
      mt_[kk] = mt_[kk + 397] ^ (y >> 1) ^ mag01[y & 1];
    }
    for (; kk < 623; ++kk) {
      y = (mt_[kk] & 0x80000000U) | (mt_[kk + 1] & 0x7fffffffU);
      mt_[kk] = mt_[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1];
    }
    y = (mt_[623] & 0x80000000U) | (mt_[0] & 0x7fffffffU);
    mt_[623] = mt_[396] ^ (y >> 1) ^ mag01[y & 1];
    mti_ = 0;
  }
  y = mt_[mti_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

PyRandom::PyRandom(const Value& seed) {
  // Big-endian bytes of the seed's absolute value.
  std::vector<unsigned char> bytes;
  if (seed.is_string()) {
    const std::string& s = seed.as_string();
    bytes.assign(s.begin(), s.end());
    unsigned char md[64];
    unsigned int len = 0;
    EVP_Digest(s.data(), s.size(), md, &len, EVP_sha512(), nullptr);
    bytes.insert(bytes.end(), md, md + len);
  } else if (IsPyInt(seed)) {
    int64_t v = PyInt(seed);
    uint64_t u = static_cast<uint64_t>(v < 0 ? -v : v);
    for (int i = 7; i >= 0; --i) bytes.push_back(static_cast<unsigned char>(u >> (8 * i)));
  } else {
    Fail("random seed must be an int or a string in drover, got " + std::string(seed.type_name()));
  }
  // 32-bit words, least significant first.
  std::vector<uint32_t> key;
  for (size_t end = bytes.size(); end > 0;) {
    size_t start = end >= 4 ? end - 4 : 0;
    uint32_t w = 0;
    for (size_t i = start; i < end; ++i) w = (w << 8) | bytes[i];
    key.push_back(w);
    end = start;
  }
  while (key.size() > 1 && key.back() == 0) key.pop_back();
  if (key.empty()) key.push_back(0);
  InitByArray(key);
}

PyRandom PyRandom::FromEntropy() {
  PyRandom r;
  std::vector<uint32_t> key(8);
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size() * 4));
  r.InitByArray(key);
  return r;
}

uint64_t PyRandom::GetRandBits(int k) {
  if (k <= 32) return Next() >> (32 - k);
  uint64_t lo = Next();
  uint64_t hi = Next() >> (64 - k);
  return lo | (hi << 32);
}

uint64_t PyRandom::RandBelow(uint64_t n) {
  if (n == 0) return 0;
  int k = 64 - __builtin_clzll(n);
  uint64_t r = GetRandBits(k);
  while (r >= n) r = GetRandBits(k);
  return r;
}

int64_t PyRandom::RandRange(int64_t start, int64_t stop, int64_t step) {
  int64_t width = stop - start;
  if (step == 1) {
    if (width <= 0)
      Fail("empty range for randrange() (" + std::to_string(start) + ", " + std::to_string(stop) +
           ", " + std::to_string(width) + ")");
    return start + static_cast<int64_t>(RandBelow(static_cast<uint64_t>(width)));
  }
  if (step == 0) Fail("zero step for randrange()");
  int64_t n = step > 0 ? (width + step - 1) / step : (width + step + 1) / step;
  if (step > 0 && (width + step - 1) < 0) n = -1;
  if (n <= 0) Fail("empty range for randrange()");
  return start + step * static_cast<int64_t>(RandBelow(static_cast<uint64_t>(n)));
}

void PyRandom::Shuffle(List& l) {
  for (size_t i = l.size(); i-- > 1;) {
    size_t j = static_cast<size_t>(RandBelow(i + 1));
    std::swap(l[i], l[j]);
  }
}

// ---- SHA-crypt ----

namespace {
std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(buf), len);
}
const char kItoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
void B64From24(std::string& out, unsigned char b2, unsigned char b1, unsigned char b0, int n) {
  uint32_t w = (static_cast<uint32_t>(b2) << 16) | (static_cast<uint32_t>(b1) << 8) | b0;
  while (n-- > 0) {
    out += kItoa64[w & 0x3f];
    w >>= 6;
  }
}
}  // namespace

std::string ShaCrypt(const std::string& p, const std::string& salt_in, int64_t rounds,
                     bool sha512) {
  const EVP_MD* md = sha512 ? EVP_sha512() : EVP_sha256();
  size_t hl = sha512 ? 64 : 32;
  std::string s = salt_in.substr(
      0, std::min<size_t>(
             16, salt_in.find('$') == std::string::npos ? salt_in.size() : salt_in.find('$')));
  bool custom = rounds != 5000;
  if (rounds < 1000) rounds = 1000;
  if (rounds > 999999999) rounds = 999999999;
  std::string b = Digest(md, p + s + p);
  std::string a_in = p + s;
  size_t cnt;
  for (cnt = p.size(); cnt > hl; cnt -= hl) a_in += b;
  a_in += b.substr(0, cnt);
  for (cnt = p.size(); cnt > 0; cnt >>= 1) a_in += (cnt & 1) ? b : p;
  std::string a = Digest(md, a_in);
  std::string dp_in;
  for (size_t i = 0; i < p.size(); ++i) dp_in += p;
  std::string dp = Digest(md, dp_in);
  std::string pp;
  for (cnt = p.size(); cnt >= hl; cnt -= hl) pp += dp;
  pp += dp.substr(0, cnt);
  std::string ds_in;
  for (int i = 0; i < 16 + static_cast<unsigned char>(a[0]); ++i) ds_in += s;
  std::string ds = Digest(md, ds_in);
  std::string ss;
  for (cnt = s.size(); cnt >= hl; cnt -= hl) ss += ds;
  ss += ds.substr(0, cnt);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char abuf[EVP_MAX_MD_SIZE];
  std::memcpy(abuf, a.data(), hl);
  for (int64_t i = 0; i < rounds; ++i) {
    EVP_DigestInit_ex(ctx, md, nullptr);
    if (i & 1)
      EVP_DigestUpdate(ctx, pp.data(), pp.size());
    else
      EVP_DigestUpdate(ctx, abuf, hl);
    if (i % 3) EVP_DigestUpdate(ctx, ss.data(), ss.size());
    if (i % 7) EVP_DigestUpdate(ctx, pp.data(), pp.size());
    if (i & 1)
      EVP_DigestUpdate(ctx, abuf, hl);
    else
      EVP_DigestUpdate(ctx, pp.data(), pp.size());
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, abuf, &len);
  }
  EVP_MD_CTX_free(ctx);
  a.assign(reinterpret_cast<char*>(abuf), hl);
  std::string out = sha512 ? "$6$" : "$5$";
  if (custom) out += "rounds=" + std::to_string(rounds) + "$";
  out += s + "$";
  auto u = [&](size_t i) { return static_cast<unsigned char>(a[i]); };
  if (sha512) {
    static const int order[21][3] = {
        {0, 21, 42},  {22, 43, 1},  {44, 2, 23},  {3, 24, 45},  {25, 46, 4},  {47, 5, 26},
        {6, 27, 48},  {28, 49, 7},  {50, 8, 29},  {9, 30, 51},  {31, 52, 10}, {53, 11, 32},
        {12, 33, 54}, {34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38},
        {18, 39, 60}, {40, 61, 19}, {62, 20, 41}};
    for (auto& o : order) B64From24(out, u(o[0]), u(o[1]), u(o[2]), 4);
    B64From24(out, 0, 0, u(63), 2);
  } else {
    static const int order[10][3] = {{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23},
                                     {24, 4, 14}, {15, 25, 5}, {6, 16, 26}, {27, 7, 17},
                                     {18, 28, 8}, {9, 19, 29}};
    for (auto& o : order) B64From24(out, u(o[0]), u(o[1]), u(o[2]), 4);
    B64From24(out, 0, u(31), u(30), 3);
  }
  return out;
}

std::string RandomSalt(size_t n) {
  std::string out;
  unsigned char buf[64];
  RAND_bytes(buf, static_cast<int>(std::min<size_t>(n, sizeof buf)));
  for (size_t i = 0; i < n && i < sizeof buf; ++i) out += kItoa64[buf[i] % 64];
  return out;
}

std::string Uuid5(const std::string& ns, const std::string& name) {
  std::string hex;
  for (char c : ns)
    if (isxdigit(static_cast<unsigned char>(c))) hex += c;
  if (hex.size() != 32)
    Fail("Invalid value '" + ns + "' for 'namespace': badly formed hexadecimal UUID string");
  std::string bytes;
  for (size_t i = 0; i < 32; i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string h = Digest(EVP_sha1(), bytes + name).substr(0, 16);
  h[6] = static_cast<char>((h[6] & 0x0f) | 0x50);
  h[8] = static_cast<char>((h[8] & 0x3f) | 0x80);
  static const char* hx = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hx[static_cast<unsigned char>(h[i]) >> 4];
    out += hx[static_cast<unsigned char>(h[i]) & 15];
  }
  return out;
}

Map UrlSplit(const std::string& url) {
  std::string rest = url, scheme, netloc, query, fragment;
  size_t colon = rest.find(':');
  if (colon != std::string::npos && colon > 0 && isalpha(static_cast<unsigned char>(rest[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i)
      if (!(isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '+' || rest[i] == '-' ||
            rest[i] == '.'))
        ok = false;
    if (ok) {
      scheme = PyLower(rest.substr(0, colon));
      rest = rest.substr(colon + 1);
    }
  }
  if (rest.rfind("//", 0) == 0) {
    size_t end = rest.find_first_of("/?#", 2);
    netloc = rest.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    rest = end == std::string::npos ? "" : rest.substr(end);
  }
  size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string userinfo, hostport = netloc;
  size_t at = netloc.rfind('@');
  Value username, password;
  if (at != std::string::npos) {
    userinfo = netloc.substr(0, at);
    hostport = netloc.substr(at + 1);
    size_t c = userinfo.find(':');
    username = Value(userinfo.substr(0, c));
    if (c != std::string::npos) password = Value(userinfo.substr(c + 1));
  }
  Value hostname, port;
  std::string host = hostport;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') {
      std::string p = hostport.substr(close + 2);
      if (!p.empty()) port = Value(static_cast<int64_t>(std::stoll(p)));
    }
  } else {
    size_t c = hostport.rfind(':');
    if (c != std::string::npos) {
      std::string p = hostport.substr(c + 1);
      host = hostport.substr(0, c);
      if (!p.empty()) {
        if (!std::all_of(p.begin(), p.end(), ::isdigit))
          Fail("Port could not be cast to integer value as " + PyRepr(Value(p)));
        port = Value(static_cast<int64_t>(std::stoll(p)));
      }
    }
  }
  if (!host.empty()) hostname = Value(PyLower(host));
  Map m;
  m.set("fragment", Value(fragment));
  m.set("hostname", hostname);
  m.set("netloc", Value(netloc));
  m.set("password", password);
  m.set("path", Value(rest));
  m.set("port", port);
  m.set("query", Value(query));
  m.set("scheme", Value(scheme));
  m.set("username", username);
  return m;
}

}  // namespace drover::tmpl
