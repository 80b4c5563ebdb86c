#include "template/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <map>
#include <mutex>

#include "template/runtime.h"

namespace drover::tmpl {

std::string RegexMatch::Group(std::string_view subject, size_t i) const {
  if (i >= groups.size() || groups[i].first < 0) return "";
  return std::string(subject.substr(static_cast<size_t>(groups[i].first),
                                    static_cast<size_t>(groups[i].second - groups[i].first)));
}

namespace {

std::string TranslatePattern(const std::string& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      if (p[i + 1] == 'Z') {
        out += "\\z";
      } else {
        out += p[i];
        out += p[i + 1];
      }
      ++i;
      continue;
    }
    if (p[i] == '{' && i + 1 < p.size() && p[i + 1] == ',' && i > 0) {
      out += "{0";
      continue;
    }
    out += p[i];
  }
  return out;
}

}  // namespace

Regex::~Regex() {
  if (code_) pcre2_code_free(static_cast<pcre2_code*>(code_));
}

std::shared_ptr<const Regex> Regex::Compile(const std::string& pattern, RegexFlags flags) {
  static std::mutex mu;
  static std::map<std::pair<std::string, int>, std::shared_ptr<const Regex>> cache;
  int key = (flags.ignorecase ? 1 : 0) | (flags.multiline ? 2 : 0) | (flags.dotall ? 4 : 0);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find({pattern, key});
    if (it != cache.end()) return it->second;
  }
  std::string translated = TranslatePattern(pattern);
  // ALT_CIRCUMFLEX: in MULTILINE, ^ also matches after a final newline (as Python);
  // MATCH_INVALID_UTF: subjects that are not UTF-8 (surrogateescape text in
  // Python) are searched, their invalid bytes matching nothing.
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX | PCRE2_MATCH_INVALID_UTF;
  if (flags.ignorecase) opts |= PCRE2_CASELESS;
  if (flags.multiline) opts |= PCRE2_MULTILINE;
  if (flags.dotall) opts |= PCRE2_DOTALL;
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()),
                                   translated.size(), opts, &err, &off, nullptr);
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    Fail("bad regular expression '" + pattern + "': " + reinterpret_cast<char*>(buf) +
         " at position " + std::to_string(off));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  auto re = std::shared_ptr<Regex>(new Regex());
  re->code_ = code;
  uint32_t count = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &count);
  re->group_count_ = count;
  uint32_t name_count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &name_count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < name_count; ++i) {
    PCRE2_SPTR e = table + i * entry_size;
    int idx = (e[0] << 8) | e[1];
    re->names_.emplace_back(reinterpret_cast<const char*>(e + 2), idx);
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 512) cache.clear();
  cache[{pattern, key}] = re;
  return re;
}

int Regex::GroupIndex(std::string_view name) const {
  for (auto& [n, i] : names_)
    if (n == name) return i;
  return -1;
}

bool Regex::Search(std::string_view subject, size_t start, RegexMatch* m, bool anchored,
                   bool not_empty_at_start) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  uint32_t opts = 0;
  if (anchored) opts |= PCRE2_ANCHORED;
  if (not_empty_at_start) opts |= PCRE2_NOTEMPTY_ATSTART;
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), start,
                       opts, md, nullptr);
  if (rc < 0) {
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc == PCRE2_ERROR_BADUTFOFFSET) return false;
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    Fail(std::string("regular expression error: ") + reinterpret_cast<char*>(buf));
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  m->groups.assign(group_count_ + 1, {-1, -1});
  for (size_t i = 0; i <= group_count_ && i < static_cast<size_t>(rc); ++i) {
    if (ov[2 * i] == PCRE2_UNSET) continue;
    m->groups[i] = {static_cast<long>(ov[2 * i]), static_cast<long>(ov[2 * i + 1])};
  }
  pcre2_match_data_free(md);
  return true;
}

std::vector<RegexMatch> Regex::FindAll(std::string_view subject) const {
  std::vector<RegexMatch> out;
  size_t pos = 0;
  bool last_empty_here = false;
  while (pos <= subject.size()) {
    RegexMatch m;
    // After an empty match, an empty match at the same place is not allowed
    // (PCRE2_NOTEMPTY_ATSTART); later matches, and non-empty ones here, are.
    if (!Search(subject, pos, &m, false, last_empty_here)) break;
    size_t s = static_cast<size_t>(m.groups[0].first), e = static_cast<size_t>(m.groups[0].second);
    out.push_back(m);
    pos = e;
    last_empty_here = s == e;
  }
  return out;
}

std::string Regex::Expand(std::string_view subject, const RegexMatch& m,
                          const std::string& repl) const {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c != '\\' || i + 1 >= repl.size()) {
      out += c;
      continue;
    }
    char n = repl[++i];
    if (n >= '0' && n <= '9') {
      size_t g = static_cast<size_t>(n - '0');
      if (i + 1 < repl.size() && repl[i + 1] >= '0' && repl[i + 1] <= '9' &&
          g * 10 + static_cast<size_t>(repl[i + 1] - '0') <= group_count_) {
        g = g * 10 + static_cast<size_t>(repl[++i] - '0');
      }
      if (g > group_count_) Fail("invalid group reference " + std::to_string(g));
      out += m.Group(subject, g);
    } else if (n == 'g' && i + 1 < repl.size() && repl[i + 1] == '<') {
      size_t close = repl.find('>', i);
      if (close == std::string::npos) Fail("missing >, unterminated name");
      std::string name = repl.substr(i + 2, close - i - 2);
      int g = -1;
      if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0])))
        g = std::stoi(name);
      else
        g = GroupIndex(name);
      if (g < 0 || static_cast<size_t>(g) > group_count_) Fail("unknown group name '" + name + "'");
      out += m.Group(subject, static_cast<size_t>(g));
      i = close;
    } else {
      switch (n) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case '\\': out += '\\'; break;
        default:
          if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'))
            Fail(std::string("bad escape \\") + n);
          out += '\\';
          out += n;
      }
    }
  }
  return out;
}

std::string Regex::Sub(std::string_view subject, const std::string& repl, int64_t count) const {
  std::string out;
  size_t last = 0;
  int64_t n = 0;
  for (const RegexMatch& m : FindAll(subject)) {
    if (count > 0 && n >= count) break;
    size_t s = static_cast<size_t>(m.groups[0].first), e = static_cast<size_t>(m.groups[0].second);
    out.append(subject.substr(last, s - last));
    out += Expand(subject, m, repl);
    last = e;
    ++n;
  }
  out.append(subject.substr(last));
  return out;
}

std::string RegexEscape(std::string_view s) {
  // Python 3.7+: escapes characters that are special in regexes.
  static const std::string_view special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  std::string out;
  for (char c : s) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace drover::tmpl
