#include "modules/find_filter.h"

#include <cctype>
#include <map>

#include "template/regex.h"

namespace drover::modules {

namespace {

std::optional<std::pair<int64_t, char>> NumberWithUnit(const std::string& text,
                                                       const std::string& units) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  const size_t digits = i;
  int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    n = n * 10 + (text[i++] - '0');
  if (i == digits) return std::nullopt;
  char unit = 0;
  if (i < text.size()) {
    unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    if (units.find(unit) == std::string::npos) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return std::make_pair(negative ? -n : n, unit);
}

}  // namespace

std::optional<int64_t> ParseFindAge(const std::string& text) {
  auto nu = NumberWithUnit(text, "smhdw");
  if (!nu) return std::nullopt;
  static const std::map<char, int64_t> per{
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
  return nu->first * (nu->second ? per.at(nu->second) : 1);
}

std::optional<int64_t> ParseFindSize(const std::string& text) {
  auto nu = NumberWithUnit(text, "bkmgt");
  if (!nu) return std::nullopt;
  static const std::map<char, int64_t> per{{'b', 1},
                                           {'k', 1024},
                                           {'m', int64_t{1} << 20},
                                           {'g', int64_t{1} << 30},
                                           {'t', int64_t{1} << 40}};
  return nu->first * (nu->second ? per.at(nu->second) : 1);
}

std::string FnmatchTranslate(const std::string& pat) {
  std::string res;
  const size_t n = pat.size();
  size_t i = 0;
  while (i < n) {
    const char c = pat[i++];
    if (c == '*') {
      if (res.size() < 2 || res.compare(res.size() - 2, 2, ".*") != 0) res += ".*";
    } else if (c == '?') {
      res += '.';
    } else if (c == '[') {
      size_t j = i;
      if (j < n && pat[j] == '!') ++j;
      if (j < n && pat[j] == ']') ++j;
      while (j < n && pat[j] != ']') ++j;
      if (j >= n) {
        res += "\\[";
      } else {
        std::string stuff = pat.substr(i, j - i);
        std::string escaped;
        for (char s : stuff) {
          if (s == '\\')
            escaped += "\\\\";
          else
            escaped += s;
        }
        i = j + 1;
        if (!escaped.empty() && escaped[0] == '!')
          escaped = "^" + escaped.substr(1);
        else if (!escaped.empty() && (escaped[0] == '^' || escaped[0] == '['))
          escaped = "\\" + escaped;
        res += "[" + escaped + "]";
      }
    } else {
      res += tmpl::RegexEscape(std::string(1, c));
    }
  }
  return res;
}

bool FindNameMatches(const std::string& name, const std::vector<std::string>& patterns,
                     const std::vector<std::string>& excludes, bool use_regex) {
  if (patterns.empty() && excludes.empty()) return true;
  auto matches = [&](const std::string& p) {
    tmpl::RegexFlags flags;
    std::shared_ptr<const tmpl::Regex> re;
    if (use_regex) {
      re = tmpl::Regex::Compile(p, flags);
    } else {
      flags.dotall = true;
      re = tmpl::Regex::Compile("(?:" + FnmatchTranslate(p) + ")\\Z", flags);
    }
    tmpl::RegexMatch m;
    return re->Search(name, 0, &m, true);
  };
  if (patterns.empty()) return false;  // Ansible: excludes alone match nothing
  for (const std::string& p : patterns) {
    if (!matches(p)) continue;
    for (const std::string& e : excludes)
      if (matches(e)) return false;
    return true;
  }
  return false;
}

bool FindAgeMatches(double now, double stamp, std::optional<int64_t> age) {
  if (!age) return true;
  if (*age >= 0) return now - stamp >= static_cast<double>(*age);
  return now - stamp <= static_cast<double>(-*age);
}

bool FindSizeMatches(int64_t size, std::optional<int64_t> want) {
  if (!want) return true;
  if (*want >= 0) return size >= *want;
  return size <= -*want;
}

std::vector<size_t> WalkOrder(const std::string& top, const std::vector<std::string>& paths,
                              const std::vector<bool>& is_dir) {
  std::map<std::string, std::vector<size_t>> children;  // parent path -> entries, listed order
  for (size_t i = 0; i < paths.size(); ++i) {
    const size_t slash = paths[i].rfind('/');
    children[slash == std::string::npos ? ""
             : slash == 0               ? "/"
                                        : paths[i].substr(0, slash)]
        .push_back(i);
  }
  std::vector<size_t> order;
  // Iterative os.walk (top-down): a stack of directories still to visit.
  std::vector<std::string> stack{top};
  while (!stack.empty()) {
    const std::string dir = stack.back();
    stack.pop_back();
    auto it = children.find(dir);
    if (it == children.end()) continue;
    std::vector<size_t> dirs;
    for (size_t i : it->second) (is_dir[i] || children.count(paths[i]) ? dirs : order).push_back(i);
    order.insert(order.end(), dirs.begin(), dirs.end());
    for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) stack.push_back(paths[*d]);
  }
  return order;
}

}  // namespace drover::modules
