#include "modules/pip_logic.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace drover::modules {

namespace {

const std::vector<std::string> kOps = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};

bool IsPackageName(const std::string& name) {
  size_t b = name.find_first_not_of(" \t\n\r\f\v");
  std::string s = b == std::string::npos ? "" : name.substr(b);
  for (const char* op : {">=", "<=", ">", "<", "==", "!=", "~="})
    if (s.rfind(op, 0) == 0) return false;
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A parsed PEP 440 version: epoch, release, pre (kind, n), post, dev, local.
struct Pep440 {
  long epoch = 0;
  std::vector<long> release;
  int pre_kind = 3;  // 0 a, 1 b, 2 rc, 3 none
  long pre = 0;
  long post = -1;  // -1 none
  long dev = -1;   // -1 none
  std::string local;
};

Pep440 ParseVersion(std::string v) {
  Pep440 p;
  v = Lower(Trim(v));
  if (!v.empty() && v[0] == 'v') v.erase(0, 1);
  if (size_t plus = v.find('+'); plus != std::string::npos) {
    p.local = v.substr(plus + 1);
    v.erase(plus);
  }
  size_t i = 0;
  auto number = [&]() {
    long n = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])))
      n = n * 10 + (v[i++] - '0');
    return n;
  };
  auto sep = [&]() {
    while (i < v.size() && (v[i] == '.' || v[i] == '-' || v[i] == '_')) ++i;
  };
  long first = number();
  if (i < v.size() && v[i] == '!') {
    p.epoch = first;
    ++i;
    first = number();
  }
  p.release.push_back(first);
  while (i + 1 < v.size() && v[i] == '.' && std::isdigit(static_cast<unsigned char>(v[i + 1]))) {
    ++i;
    p.release.push_back(number());
  }
  while (i < v.size()) {
    sep();
    auto take = [&](const char* word) {
      size_t n = std::char_traits<char>::length(word);
      if (v.compare(i, n, word) != 0) return false;
      i += n;
      return true;
    };
    if (take("alpha") || take("a")) {
      sep(), p.pre_kind = 0, p.pre = number();
    } else if (take("beta") || take("b")) {
      sep(), p.pre_kind = 1, p.pre = number();
    } else if (take("rc") || take("c") || take("preview") || take("pre")) {
      sep(), p.pre_kind = 2, p.pre = number();
    } else if (take("post") || take("rev") || take("r")) {
      sep(), p.post = number();
    } else if (take("dev")) {
      sep(), p.dev = number();
    } else if (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      p.post = number();  // "1.0-1"
    } else {
      break;
    }
  }
  return p;
}

int Cmp(long a, long b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

int CompareParsed(const Pep440& a, const Pep440& b) {
  if (int c = Cmp(a.epoch, b.epoch)) return c;
  size_t n = std::max(a.release.size(), b.release.size());
  for (size_t k = 0; k < n; ++k) {
    long x = k < a.release.size() ? a.release[k] : 0, y = k < b.release.size() ? b.release[k] : 0;
    if (int c = Cmp(x, y)) return c;
  }
  // A dev release without pre/post sorts before the pre-releases.
  auto pre_key = [](const Pep440& p) {
    if (p.pre_kind == 3 && p.post < 0 && p.dev >= 0) return std::pair<int, long>{-1, 0};
    return std::pair<int, long>{p.pre_kind, p.pre};
  };
  if (auto ka = pre_key(a), kb = pre_key(b); ka != kb) return ka < kb ? -1 : 1;
  if (int c = Cmp(a.post, b.post)) return c;
  long da = a.dev < 0 ? (1L << 62) : a.dev, db = b.dev < 0 ? (1L << 62) : b.dev;
  if (int c = Cmp(da, db)) return c;
  return a.local < b.local ? -1 : a.local > b.local ? 1 : 0;
}

bool PrefixMatch(const std::string& version, std::string prefix) {
  // "==1.2.*": the release starts with 1.2.
  Pep440 v = ParseVersion(version), p = ParseVersion(prefix);
  if (v.epoch != p.epoch) return false;
  for (size_t k = 0; k < p.release.size(); ++k)
    if ((k < v.release.size() ? v.release[k] : 0) != p.release[k]) return false;
  return true;
}

bool SpecMatches(const std::string& op, const std::string& spec, const std::string& version) {
  if (op == "===") return Lower(version) == Lower(spec);
  if (spec.size() > 2 && spec.compare(spec.size() - 2, 2, ".*") == 0) {
    bool m = PrefixMatch(version, spec.substr(0, spec.size() - 2));
    return op == "==" ? m : op == "!=" ? !m : false;
  }
  Pep440 v = ParseVersion(version), s = ParseVersion(spec);
  if (s.local.empty()) v.local.clear();  // a local label is ignored unless asked for
  int c = CompareParsed(v, s);
  if (op == "==") return c == 0;
  if (op == "!=") return c != 0;
  if (op == "<=") return c <= 0;
  if (op == ">=") return c >= 0;
  // Exclusive comparisons leave out V's own pre-releases (<V) and
  // post-releases (>V) unless V is one (PEP 440).
  auto same_release = [&]() {
    Pep440 a = v, b = s;
    a.pre_kind = b.pre_kind = 3, a.pre = b.pre = 0, a.post = b.post = a.dev = b.dev = -1;
    a.local = b.local = "";
    return a.epoch == b.epoch && CompareParsed(a, b) == 0;
  };
  if (op == "<")
    return c < 0 &&
           !(s.pre_kind == 3 && s.dev < 0 && (v.pre_kind != 3 || v.dev >= 0) && same_release());
  if (op == ">") return c > 0 && !(s.post < 0 && v.post >= 0 && same_release());
  if (op == "~=") {
    if (c < 0 || s.release.size() < 2) return c >= 0 && s.release.size() >= 2;
    std::string prefix;
    for (size_t k = 0; k + 1 < s.release.size(); ++k)
      prefix += (k ? "." : "") + std::to_string(s.release[k]);
    return PrefixMatch(version, prefix);
  }
  return false;
}

}  // namespace

std::string CanonicalPipName(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::vector<std::string> RecoverPackageNames(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const std::string& line : names) {
    size_t b = 0;
    for (;;) {
      size_t e = line.find(',', b);
      parts.push_back(line.substr(b, e == std::string::npos ? e : e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
  }
  std::vector<std::string> packages, current;
  bool in_brackets = false;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + v[k];
    return s;
  };
  for (const std::string& name : parts) {
    if (IsPackageName(name) && !in_brackets) {
      if (!current.empty()) packages.push_back(join(current));
      current.clear();
    }
    if (name.find('[') != std::string::npos) in_brackets = true;
    if (in_brackets && name.find(']') != std::string::npos) in_brackets = false;
    current.push_back(name);
  }
  packages.push_back(join(current));
  return packages;
}

PipRequirement ParsePipRequirement(const std::string& name_in,
                                   const std::optional<std::string>& version) {
  std::string name = name_in;
  if (version && !version->empty()) {
    std::string v = *version;
    v.erase(0, v.find_first_not_of(" \t\n\r\f\v"));
    name += (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) ? "==" : " ") + v;
  }
  PipRequirement req;
  req.text = req.package_name = name;
  // name [extras] specifiers; anything else (URLs, paths, markers) is not plain.
  std::string s = Trim(name);
  size_t i = 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                          s[i] == '_' || s[i] == '.'))
    ++i;
  if (i == 0 || !std::isalnum(static_cast<unsigned char>(s[0])) ||
      !std::isalnum(static_cast<unsigned char>(s[i - 1])))
    return req;
  std::string project = s.substr(0, i);
  std::vector<std::string> extras;
  size_t j = s.find_first_not_of(" \t", i);
  if (j != std::string::npos && s[j] == '[') {
    size_t close = s.find(']', j);
    if (close == std::string::npos) return req;
    std::string inner = s.substr(j + 1, close - j - 1);
    for (size_t b = 0; b <= inner.size();) {
      size_t e = inner.find(',', b);
      if (e == std::string::npos) e = inner.size();
      if (std::string x = Trim(inner.substr(b, e - b)); !x.empty()) extras.push_back(x);
      b = e + 1;
    }
    j = s.find_first_not_of(" \t", close + 1);
  }
  std::vector<std::pair<std::string, std::string>> specs;
  if (j != std::string::npos) {
    std::string rest = s.substr(j);
    if (rest.front() == '(' && rest.back() == ')') rest = rest.substr(1, rest.size() - 2);
    for (size_t b = 0; b <= rest.size();) {
      size_t e = rest.find(',', b);
      if (e == std::string::npos) e = rest.size();
      std::string one = Trim(rest.substr(b, e - b));
      b = e + 1;
      std::string op;
      for (const std::string& o : kOps)
        if (one.rfind(o, 0) == 0) {
          op = o;
          break;
        }
      if (op.empty()) return req;
      std::string v = Trim(one.substr(op.size()));
      if (v.empty() || v.find_first_of(" \t;@") != std::string::npos) return req;
      specs.emplace_back(op, v);
    }
  }
  req.plain = true;
  req.specs = specs;
  req.package_name = CanonicalPipName(project);
  // str(Requirement): name, sorted extras, specifiers sorted as text.
  std::sort(extras.begin(), extras.end());
  std::vector<std::string> spec_text;
  for (const auto& [op, v] : specs) spec_text.push_back(op + v);
  std::sort(spec_text.begin(), spec_text.end());
  req.text = project;
  if (!extras.empty()) {
    req.text += "[";
    for (size_t k = 0; k < extras.size(); ++k) req.text += (k ? "," : "") + extras[k];
    req.text += "]";
  }
  for (size_t k = 0; k < spec_text.size(); ++k) req.text += (k ? "," : "") + spec_text[k];
  return req;
}

int ComparePep440(const std::string& a, const std::string& b) {
  return CompareParsed(ParseVersion(a), ParseVersion(b));
}

bool PipRequirementSatisfied(const PipRequirement& req, const std::string& version) {
  if (!req.plain) return false;
  return std::all_of(req.specs.begin(), req.specs.end(),
                     [&](const auto& s) { return SpecMatches(s.first, s.second, version); });
}

bool PipPackagePresent(const PipRequirement& req, const std::vector<std::string>& freeze_lines) {
  for (const std::string& line : freeze_lines) {
    size_t eq = line.find("==");
    if (eq == std::string::npos) continue;
    if (CanonicalPipName(line.substr(0, eq)) == req.package_name &&
        PipRequirementSatisfied(req, line.substr(eq + 2)))
      return true;
  }
  return false;
}

}  // namespace drover::modules
