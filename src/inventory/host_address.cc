#include "inventory/host_address.h"

#include <cctype>
#include <string_view>

#include "core/value.h"
#include "inventory/regex.h"

namespace drover::inventory {
namespace {

// The expressions of ansible/parsing/utils/addresses.py, in PCRE2 syntax.
constexpr std::string_view kNumericRange = R"(\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\])";
constexpr std::string_view kHexRange = R"(\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\])";
constexpr std::string_view kAlnumRange = R"(\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\])";

struct AddressPatterns {
  Regex bracketed_hostport;
  Regex hostport;
  Regex ipv4;
  Regex ipv6;
  Regex hostname;
};

Regex MustCompile(const std::string& pattern, bool caseless) {
  Result<Regex> r = Regex::Compile(pattern, {.extended = false, .caseless = caseless});
  if (!r) throw Failure(r.error());  // a bug in the constants above
  return std::move(r).value();
}

const AddressPatterns& Patterns() {
  static const AddressPatterns p = [] {
    const std::string i6 = "(?:[0-9a-f]{1,4}|" + std::string(kHexRange) + ")";
    const std::string i4 =
        "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + std::string(kNumericRange) + ")";
    const std::string ipv4_body = "(?:" + i4 + "\\.){3}" + i4;
    const std::string ipv6 =
        "^(?:(?:" + i6 + ":){7}" + i6 + "|(?:" + i6 + ":){1,6}:|(?:" + i6 + ":)(?::" + i6 +
        "){1,6}|(?:" + i6 + ":){2}(?::" + i6 + "){1,5}|(?:" + i6 + ":){3}(?::" + i6 +
        "){1,4}|(?:" + i6 + ":){4}(?::" + i6 + "){1,3}|(?:" + i6 + ":){5}(?::" + i6 +
        "){1,2}|(?:" + i6 + ":){6}(?::" + i6 + ")|:(?::" + i6 + "){1,6}|" + i6 +
        "?::|(?:0:){6}(?:" + i6 + "\\.){3}" + i6 + "|::(?:ffff:)?(?:" + i6 + "\\.){3}" + i6 +
        "|(?:0:){5}ffff:(?:" + i6 + "\\.){3}" + i6 + ")$";
    const std::string range(kAlnumRange);
    const std::string label = "(?:[\\w]|" + range + ")(?:[\\w_-]|" + range + ")*(?<![_-])";
    return AddressPatterns{
        MustCompile(R"(^\[(.+)\]:([0-9]+)$)", false),
        MustCompile(R"(^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$)", false),
        MustCompile("^" + ipv4_body + "$", true),
        MustCompile(ipv6, true),
        MustCompile("^" + label + "(?:\\." + label + ")*$", true),
    };
  }();
  return p;
}

constexpr std::string_view kAsciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

// Python int() of a decimal string (surrounding whitespace allowed).
std::optional<long long> PyInt(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  long long v = 0;
  bool last_underscore = true;
  for (char c : s) {
    if (c == '_') {
      if (last_underscore) return std::nullopt;
      last_underscore = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (v > 1'000'000'000'000LL) return std::nullopt;
    v = v * 10 + (c - '0');
    last_underscore = false;
  }
  if (last_underscore) return std::nullopt;
  return neg ? -v : v;
}

std::string ZFill(std::string s, size_t width) {
  size_t sign = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (s.size() < width) s.insert(sign, width - s.size(), '0');
  return s;
}

}  // namespace

std::optional<ParsedAddress> ParseAddress(std::string_view address, bool allow_ranges) {
  const AddressPatterns& p = Patterns();
  std::string rest(address);
  std::optional<int> port;
  for (const Regex* re : {&p.bracketed_hostport, &p.hostport}) {
    if (auto m = re->Match(rest)) {
      rest = (*m)[1];
      const std::string& digits = (*m)[2];
      if (digits.size() > 9) return std::nullopt;
      port = std::stoi(digits);
    }
  }
  bool valid = p.ipv4.Matches(rest) || p.ipv6.Matches(rest) || p.hostname.Matches(rest);
  if (!valid) return std::nullopt;
  if (!allow_ranges && rest.find('[') != std::string::npos) return std::nullopt;
  return ParsedAddress{rest, port};
}

Result<std::vector<std::string>> ExpandHostRange(std::string_view pattern) {
  std::vector<std::string> hosts;
  size_t open = pattern.find('[');
  if (open == std::string_view::npos) {
    hosts.emplace_back(pattern);
    return hosts;
  }
  size_t close = pattern.find(']', open);
  // Python: line.replace('[','|',1).replace(']','|',1).split('|') must give
  // exactly three parts.
  if (close == std::string_view::npos || pattern.find('|') != std::string_view::npos) {
    return MakeError("invalid host range in '" + std::string(pattern) + "'");
  }
  std::string head(pattern.substr(0, open));
  std::string range(pattern.substr(open + 1, close - open - 1));
  std::string tail(pattern.substr(close + 1));
  std::vector<std::string> bounds;
  size_t start = 0;
  for (;;) {
    size_t colon = range.find(':', start);
    bounds.push_back(range.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (bounds.size() != 2 && bounds.size() != 3) {
    return MakeError("host range must be begin:end or begin:end:step");
  }
  std::string beg = bounds[0].empty() ? "0" : bounds[0];
  const std::string& end = bounds[1];
  long long step = 1;
  if (bounds.size() == 3) {
    auto s = PyInt(bounds[2]);
    if (!s) return MakeError("invalid literal for int() with base 10: '" + bounds[2] + "'");
    step = *s;
  }
  if (end.empty()) return MakeError("host range must specify end value");
  size_t width = 0;
  if (beg[0] == '0' && beg.size() > 1) {
    width = beg.size();
    if (width != end.size()) {
      return MakeError("host range must specify equal-length begin and end formats");
    }
  }
  if (step == 0) return MakeError("range() arg 3 must not be zero");
  std::vector<std::string> seq;
  size_t i_beg = kAsciiLetters.find(beg);
  size_t i_end = kAsciiLetters.find(end);
  if (i_beg != std::string_view::npos && i_end != std::string_view::npos) {
    if (i_beg > i_end) return MakeError("host range must have begin <= end");
    if (step < 0) return MakeError("host range step must be positive");
    for (size_t i = i_beg; i <= i_end; i += step) seq.emplace_back(1, kAsciiLetters[i]);
  } else {
    auto b = PyInt(beg);
    auto e = PyInt(end);
    if (!b) return MakeError("invalid literal for int() with base 10: '" + beg + "'");
    if (!e) return MakeError("invalid literal for int() with base 10: '" + end + "'");
    if ((*e - *b) / step > 1'000'000) return MakeError("host range is too large");
    if (step > 0) {
      for (long long i = *b; i <= *e; i += step) seq.push_back(std::to_string(i));
    } else {
      for (long long i = *b; i > *e + 1; i += step) seq.push_back(std::to_string(i));
    }
  }
  for (const std::string& item : seq) {
    std::string name = head + (width ? ZFill(item, width) : item) + tail;
    if (name.find('[') != std::string::npos) {
      Result<std::vector<std::string>> more = ExpandHostRange(name);
      if (!more) return more.take_error();
      hosts.insert(hosts.end(), more->begin(), more->end());
    } else {
      hosts.push_back(std::move(name));
    }
  }
  return hosts;
}

Result<HostPatternExpansion> ExpandHostPattern(std::string_view entry) {
  HostPatternExpansion out;
  std::string pattern(entry);
  if (auto parsed = ParseAddress(entry, /*allow_ranges=*/true)) {
    pattern = parsed->host;
    out.port = parsed->port;
  }
  if (pattern.find('[') != std::string::npos) {
    Result<std::vector<std::string>> hosts = ExpandHostRange(pattern);
    if (!hosts) return hosts.take_error();
    out.hosts = std::move(hosts).value();
  } else {
    out.hosts.push_back(pattern);
  }
  return out;
}

}  // namespace drover::inventory
