#include "template/version.h"

#include <variant>
#include <vector>

#include "template/regex.h"
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

using Part = std::variant<int64_t, std::string>;

// distutils LooseVersion: numbers, lowercase words and everything else.
std::vector<Part> Loose(const std::string& s) {
  std::vector<Part> out;
  size_t i = 0;
  std::string other;
  auto flush = [&]() {
    if (!other.empty()) out.emplace_back(other);
    other.clear();
  };
  while (i < s.size()) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      flush();
      size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      out.emplace_back(static_cast<int64_t>(std::stoll(s.substr(i, j - i))));
      i = j;
    } else if (c >= 'a' && c <= 'z') {
      flush();
      size_t j = i;
      while (j < s.size() && s[j] >= 'a' && s[j] <= 'z') ++j;
      out.emplace_back(s.substr(i, j - i));
      i = j;
    } else if (c == '.') {
      flush();
      ++i;
    } else {
      other += c;
      ++i;
    }
  }
  flush();
  return out;
}

int CompareParts(const std::vector<Part>& a, const std::vector<Part>& b, bool need_order) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].index() != b[i].index()) {
      if (!need_order) return 2;  // unequal, unordered
      Fail(std::string("Version comparison failed: '<' not supported between instances of '") +
           (a[i].index() == 0 ? "int" : "str") + "' and '" + (b[i].index() == 0 ? "int" : "str") +
           "'");
    }
    if (a[i] == b[i]) continue;
    return a[i] < b[i] ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

struct Strict {
  int64_t nums[3] = {0, 0, 0};
  bool has_pre = false;
  char pre_letter = 0;
  int64_t pre_num = 0;
};

Strict ParseStrict(const std::string& s) {
  auto re = Regex::Compile(R"(^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$)");
  RegexMatch m;
  if (!re->Search(s, 0, &m, true))
    Fail("Version comparison failed: invalid version number '" + s + "'");
  Strict v;
  v.nums[0] = std::stoll(m.Group(s, 1));
  v.nums[1] = std::stoll(m.Group(s, 2));
  if (m.Participated(4)) v.nums[2] = std::stoll(m.Group(s, 4));
  if (m.Participated(5)) {
    v.has_pre = true;
    v.pre_letter = m.Group(s, 5)[0];
    v.pre_num = std::stoll(m.Group(s, 6));
  }
  return v;
}

int CompareStrict(const Strict& a, const Strict& b) {
  for (int i = 0; i < 3; ++i)
    if (a.nums[i] != b.nums[i]) return a.nums[i] < b.nums[i] ? -1 : 1;
  if (a.has_pre != b.has_pre) return a.has_pre ? -1 : 1;
  if (!a.has_pre) return 0;
  if (a.pre_letter != b.pre_letter) return a.pre_letter < b.pre_letter ? -1 : 1;
  return a.pre_num < b.pre_num ? -1 : a.pre_num > b.pre_num ? 1 : 0;
}

int CompareSemver(const std::string& a, const std::string& b) {
  auto re = Regex::Compile(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  RegexMatch ma, mb;
  if (!re->Search(a, 0, &ma, true))
    Fail("Version comparison failed: invalid semantic version '" + a + "'");
  if (!re->Search(b, 0, &mb, true))
    Fail("Version comparison failed: invalid semantic version '" + b + "'");
  for (size_t i = 1; i <= 3; ++i) {
    int64_t x = std::stoll(ma.Group(a, i)), y = std::stoll(mb.Group(b, i));
    if (x != y) return x < y ? -1 : 1;
  }
  bool pa = ma.Participated(4), pb = mb.Participated(4);
  if (pa != pb) return pa ? -1 : 1;
  if (!pa) return 0;
  return CompareParts(Loose(ma.Group(a, 4)), Loose(mb.Group(b, 4)), true);
}

}  // namespace

bool VersionCompare(const Value& av, const Value& bv, const std::string& op_in,
                    const std::string& type) {
  std::string a = PyStr(av), b = PyStr(bv);
  if (!av.truthy()) Fail("Input version value cannot be empty");
  if (!bv.truthy()) Fail("Version parameter to compare against cannot be empty");
  std::string op;
  if (op_in == "==" || op_in == "=" || op_in == "eq")
    op = "eq";
  else if (op_in == "<" || op_in == "lt")
    op = "lt";
  else if (op_in == "<=" || op_in == "le")
    op = "le";
  else if (op_in == ">" || op_in == "gt")
    op = "gt";
  else if (op_in == ">=" || op_in == "ge")
    op = "ge";
  else if (op_in == "!=" || op_in == "<>" || op_in == "ne")
    op = "ne";
  else
    Fail("Invalid operator type (" + op_in +
         "). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', "
         "'<>', 'ne'");
  int c;
  if (type == "loose") {
    c = CompareParts(Loose(a), Loose(b), op != "eq" && op != "ne");
    if (c == 2) return op == "ne";
  } else if (type == "strict") {
    c = CompareStrict(ParseStrict(a), ParseStrict(b));
  } else if (type == "semver" || type == "semantic") {
    c = CompareSemver(a, b);
  } else {
    Fail("Invalid version type (" + type +
         "). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'");
  }
  if (op == "eq") return c == 0;
  if (op == "ne") return c != 0;
  if (op == "lt") return c < 0;
  if (op == "le") return c <= 0;
  if (op == "gt") return c > 0;
  return c >= 0;
}

}  // namespace drover::tmpl
