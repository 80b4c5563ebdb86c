#include "modules/file_common.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "connection/shell.h"
#include "core/json.h"

namespace drover::modules {

using connection::ShellQuote;

std::string StatShellFunction(bool follow) {
  const std::string l = follow ? "-L " : "";
  return "__drover_stat() {\n"
         "  if [ ! -e \"$1\" ] && [ ! -L \"$1\" ]; then echo 'DROVER_STAT|absent'; return 0; fi\n"
         "  __s=$(stat " +
         l +
         "-c '%f|%u|%g|%U|%G|%s|%.9Y|%.9X|%.9Z|%i|%d|%h|%b|%o' -- \"$1\") || return 1\n"
         "  __c=\n"
         "  if [ -n \"$2\" ] && [ -f \"$1\" ] && [ -r \"$1\" ]; then\n"
         "    __c=$(\"$2\"sum < \"$1\") || return 1; __c=${__c%% *}\n"
         "  fi\n"
         "  __l=\n"
         "  if [ -L \"$1\" ]; then __l=$(readlink -- \"$1\"); fi\n"
         "  printf 'DROVER_STAT|%s|%s|%s\\n' \"$__s\" \"$__c\" \"$__l\"\n"
         "}\n";
}

std::optional<RemoteStat> ParseStatOutput(const std::string& out) {
  size_t at = out.find("DROVER_STAT|");
  if (at == std::string::npos) return std::nullopt;
  size_t end = out.find('\n', at);
  std::string line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::vector<std::string> f;
  size_t start = 0;
  // The link target is last and may itself contain '|'.
  while (f.size() < 16) {
    size_t bar = line.find('|', start);
    if (bar == std::string::npos) break;
    f.push_back(line.substr(start, bar - start));
    start = bar + 1;
  }
  f.push_back(line.substr(start));
  RemoteStat st;
  if (f.size() == 2 && f[1] == "absent") return st;
  if (f.size() < 17) return std::nullopt;
  st.exists = true;
  st.st_mode = static_cast<unsigned>(std::strtoul(f[1].c_str(), nullptr, 16));
  st.uid = std::atoll(f[2].c_str());
  st.gid = std::atoll(f[3].c_str());
  st.owner = f[4];
  st.group = f[5];
  st.size = std::atoll(f[6].c_str());
  st.mtime = std::strtod(f[7].c_str(), nullptr);
  st.atime = std::strtod(f[8].c_str(), nullptr);
  st.ctime = std::strtod(f[9].c_str(), nullptr);
  st.inode = std::atoll(f[10].c_str());
  st.dev = std::atoll(f[11].c_str());
  st.nlink = std::atoll(f[12].c_str());
  st.blocks = std::atoll(f[13].c_str());
  st.block_size = std::atoll(f[14].c_str());
  st.checksum = f[15];
  st.link_target = f[16];
  return st;
}

std::string OctalMode(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

Result<unsigned> ApplySymbolicMode(const std::string& spec, unsigned current, bool is_dir) {
  auto bad = [&](const std::string& why) -> Error {
    return MakeError("bad symbolic permission for mode: " + spec + " (" + why + ")");
  };
  unsigned mode = current & 07777;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string clause =
        spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    size_t i = 0;
    bool u = false, g = false, o = false;
    while (i < clause.size() && std::string_view("ugoa").find(clause[i]) != std::string::npos) {
      char c = clause[i++];
      if (c == 'u' || c == 'a') u = true;
      if (c == 'g' || c == 'a') g = true;
      if (c == 'o' || c == 'a') o = true;
    }
    if (!u && !g && !o) u = g = o = true;
    if (i >= clause.size()) return bad("missing operator in '" + clause + "'");
    while (i < clause.size()) {
      char op = clause[i++];
      if (op != '+' && op != '-' && op != '=') return bad("bad operator in '" + clause + "'");
      unsigned rwx = 0;  // in the "other" position (0-7), shifted per user below
      unsigned special = 0;
      const unsigned before = mode;
      while (i < clause.size() && clause[i] != '+' && clause[i] != '-' && clause[i] != '=') {
        char p = clause[i++];
        switch (p) {
          case 'r': rwx |= 4; break;
          case 'w': rwx |= 2; break;
          case 'x': rwx |= 1; break;
          case 'X':
            if (is_dir || (before & 0111)) rwx |= 1;
            break;
          case 's':
            if (u) special |= 04000;
            if (g) special |= 02000;
            break;
          case 't': special |= 01000; break;
          case 'u': rwx |= (before >> 6) & 7; break;
          case 'g': rwx |= (before >> 3) & 7; break;
          case 'o': rwx |= before & 7; break;
          default: return bad(std::string("bad permission '") + p + "'");
        }
      }
      unsigned bits = special;
      if (u) bits |= rwx << 6;
      if (g) bits |= rwx << 3;
      if (o) bits |= rwx;
      if (op == '+') {
        mode |= bits;
      } else if (op == '-') {
        mode &= ~bits;
      } else {
        unsigned clear = 0;
        if (u) clear |= 04700;
        if (g) clear |= 02070;
        if (o) clear |= 01007;
        mode = (mode & ~clear) | bits;
      }
    }
  }
  return mode;
}

Result<std::optional<unsigned>> ResolveMode(const Value& mode, unsigned current, bool is_dir) {
  if (mode.is_null()) return std::optional<unsigned>();
  if (mode.is_int()) {
    int64_t m = mode.as_int();
    if (m < 0 || m > 07777) return MakeError("mode must be in octal or symbolic form");
    return std::optional<unsigned>(static_cast<unsigned>(m));
  }
  if (!mode.is_string()) return MakeError("mode must be in octal or symbolic form");
  std::string text = mode.as_string();
  std::string digits = text;
  if (digits.rfind("0o", 0) == 0) digits = digits.substr(2);
  if (!digits.empty() && digits.find_first_not_of("01234567") == std::string::npos) {
    unsigned m = static_cast<unsigned>(std::strtoul(digits.c_str(), nullptr, 8));
    if (m > 07777) return MakeError("mode must be in octal or symbolic form");
    return std::optional<unsigned>(m);
  }
  if (text == "preserve") return std::optional<unsigned>();
  Result<unsigned> sym = ApplySymbolicMode(text, current, is_dir);
  if (!sym) return sym.take_error();
  return std::optional<unsigned>(*sym);
}

namespace {
bool IsDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

bool OwnerDiffers(const std::string& owner, const RemoteStat& st) {
  if (owner.empty()) return false;
  return IsDigits(owner) ? std::atoll(owner.c_str()) != st.uid : owner != st.owner;
}

bool GroupDiffers(const std::string& group, const RemoteStat& st) {
  if (group.empty()) return false;
  return IsDigits(group) ? std::atoll(group.c_str()) != st.gid : group != st.group;
}

std::string AttrsScript(const std::string& path, const std::string& owner, const std::string& group,
                        std::optional<unsigned> mode, bool recurse, bool no_deref) {
  std::string flags = recurse ? "-R " : "";
  std::string h = no_deref ? "-h " : "";
  std::string s;
  if (!owner.empty())
    s += "chown " + flags + h + ShellQuote(owner) + " -- " + ShellQuote(path) + " || exit 1\n";
  if (!group.empty())
    s += "chgrp " + flags + h + ShellQuote(group) + " -- " + ShellQuote(path) + " || exit 1\n";
  if (mode && !no_deref)
    s += "chmod " + flags + OctalMode(*mode) + " -- " + ShellQuote(path) + " || exit 1\n";
  return s;
}

std::vector<std::string> LinesKeepEnds(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl + 1 - start));
    start = nl + 1;
  }
  return lines;
}

namespace {

struct OpCode {
  char tag;  // 'e'qual, 'r'eplace, 'd'elete, 'i'nsert
  size_t i1, i2, j1, j2;
};

// Opcodes from a longest-common-subsequence alignment (after trimming the
// common prefix and suffix; a huge middle is one replace).
std::vector<OpCode> Align(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
    ++suf;
  const size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  // Matched pairs (i, j) of the middle, in order.
  std::vector<std::pair<size_t, size_t>> matches;
  if (n > 0 && m > 0 && n * m <= 4'000'000) {
    std::vector<std::vector<uint32_t>> L(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        L[i][j] =
            a[pre + i] == b[pre + j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n && j < m) {
      if (a[pre + i] == b[pre + j]) {
        matches.push_back({pre + i, pre + j});
        ++i, ++j;
      } else if (L[i + 1][j] >= L[i][j + 1]) {
        ++i;
      } else {
        ++j;
      }
    }
  }
  std::vector<OpCode> ops;
  auto gap = [&](size_t i1, size_t i2, size_t j1, size_t j2) {
    if (i1 < i2 && j1 < j2)
      ops.push_back({'r', i1, i2, j1, j2});
    else if (i1 < i2)
      ops.push_back({'d', i1, i2, j1, j2});
    else if (j1 < j2)
      ops.push_back({'i', i1, i2, j1, j2});
  };
  if (pre > 0) ops.push_back({'e', 0, pre, 0, pre});
  size_t i = pre, j = pre;
  for (size_t k = 0; k < matches.size();) {
    gap(i, matches[k].first, j, matches[k].second);
    size_t s = k;
    while (k + 1 < matches.size() && matches[k + 1].first == matches[k].first + 1 &&
           matches[k + 1].second == matches[k].second + 1)
      ++k;
    ops.push_back(
        {'e', matches[s].first, matches[k].first + 1, matches[s].second, matches[k].second + 1});
    i = matches[k].first + 1;
    j = matches[k].second + 1;
    ++k;
  }
  gap(i, a.size() - suf, j, b.size() - suf);
  if (suf > 0) ops.push_back({'e', a.size() - suf, a.size(), b.size() - suf, b.size()});
  return ops;
}

std::string Range(size_t start, size_t stop) {
  size_t beginning = start + 1, length = stop - start;
  if (length == 1) return std::to_string(beginning);
  if (length == 0) --beginning;
  return std::to_string(beginning) + "," + std::to_string(length);
}

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_header, const std::string& after_header) {
  if (before == after) return "";
  std::vector<std::string> a = LinesKeepEnds(before), b = LinesKeepEnds(after);
  // As Ansible's callback: mark a missing final newline.
  if (!a.empty() && a.back().back() != '\n') a.back() += "\n\\ No newline at end of file\n";
  if (!b.empty() && b.back().back() != '\n') b.back() += "\n\\ No newline at end of file\n";
  std::vector<OpCode> codes = Align(a, b);
  if (codes.empty()) codes.push_back({'e', 0, 1, 0, 1});
  // difflib's get_grouped_opcodes(n=3).
  const size_t n = 3;
  if (codes.front().tag == 'e') {
    OpCode& c = codes.front();
    c.i1 = std::max(c.i1, c.i2 > n ? c.i2 - n : 0);
    c.j1 = std::max(c.j1, c.j2 > n ? c.j2 - n : 0);
  }
  if (codes.back().tag == 'e') {
    OpCode& c = codes.back();
    c.i2 = std::min(c.i2, c.i1 + n);
    c.j2 = std::min(c.j2, c.j1 + n);
  }
  std::vector<std::vector<OpCode>> groups(1);
  for (OpCode c : codes) {
    if (c.tag == 'e' && c.i2 - c.i1 > 2 * n) {
      groups.back().push_back(
          {'e', c.i1, std::min(c.i2, c.i1 + n), c.j1, std::min(c.j2, c.j1 + n)});
      groups.push_back({});
      c.i1 = std::max(c.i1, c.i2 - n);
      c.j1 = std::max(c.j1, c.j2 - n);
    }
    groups.back().push_back(c);
  }
  if (groups.back().size() == 1 && groups.back()[0].tag == 'e') groups.pop_back();
  std::string out =
      (before_header.empty() ? "--- before\n" : "--- before: " + before_header + "\n") +
      (after_header.empty() ? "+++ after\n" : "+++ after: " + after_header + "\n");
  for (const auto& g : groups) {
    if (g.empty()) continue;
    out += "@@ -" + Range(g.front().i1, g.back().i2) + " +" + Range(g.front().j1, g.back().j2) +
           " @@\n";
    for (const OpCode& c : g) {
      if (c.tag == 'e') {
        for (size_t k = c.i1; k < c.i2; ++k) out += " " + a[k];
        continue;
      }
      if (c.tag == 'r' || c.tag == 'd')
        for (size_t k = c.i1; k < c.i2; ++k) out += "-" + a[k];
      if (c.tag == 'r' || c.tag == 'i')
        for (size_t k = c.j1; k < c.j2; ++k) out += "+" + b[k];
    }
  }
  return out;
}

void AddPathAttrs(const RemoteStat& st, Map* r) {
  r->set("mode", Value(OctalMode(st.Perms())));
  r->set("owner", Value(st.owner));
  r->set("group", Value(st.group));
  r->set("uid", Value(st.uid));
  r->set("gid", Value(st.gid));
  r->set("size", Value(st.size));
  r->set("state", Value(st.IsDir()                   ? "directory"
                        : st.IsLink()                ? "link"
                        : st.IsReg() && st.nlink > 1 ? "hard"
                                                     : "file"));
}

std::string ArgText(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return v->as_string();
  if (v->is_int()) return std::to_string(v->as_int());
  return "";
}

std::optional<std::string> OptionalArgText(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return ArgText(args, key);
}

}  // namespace drover::modules
