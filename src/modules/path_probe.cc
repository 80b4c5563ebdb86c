#include "modules/path_probe.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "connection/shell.h"
#include "core/digest.h"

namespace drover::modules {

using connection::ShellQuote;

namespace {

constexpr std::string_view kStatFormat =
    "DROVER_STAT|%f|%u|%g|%U|%G|%s|%.9Y|%.9X|%.9Z|%i|%d|%h|%b|%o";

std::string Var(size_t k) {
  return "__p" + std::to_string(k);
}
std::string Ref(size_t k) {
  return "\"$" + Var(k) + "\"";
}

// `cond` appends 1 to flag string `flags` when it holds (and runs `then`
// first), else 0.
std::string Flag(const std::string& cond, const std::string& flags, const std::string& then = "") {
  return "if " + cond + "; then " + then + flags + "=${" + flags + "}1; else " + flags + "=${" +
         flags + "}0; fi\n";
}

// Reads one '\n'-ended line at *at; nullopt at the end.
std::optional<std::string> NextLine(const std::string& out, size_t* at) {
  if (*at >= out.size()) return std::nullopt;
  const size_t nl = out.find('\n', *at);
  if (nl == std::string::npos) return std::nullopt;
  std::string line = out.substr(*at, nl - *at);
  *at = nl + 1;
  return line;
}

// The value of "TAG|value" or nullopt.
std::optional<std::string> Tagged(const std::optional<std::string>& line, std::string_view tag) {
  if (!line || line->rfind(tag, 0) != 0) return std::nullopt;
  return line->substr(tag.size());
}

bool IsHex40(std::string_view s) {
  return s.size() >= 40 && std::all_of(s.begin(), s.begin() + 40, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The paths (into_dir applied), the into/parent/exists flags (__i, __d,
// __e) and "$@" = the paths that exist.
std::string ProbeSetup(const std::vector<PathProbe>& probes) {
  std::string s = "__i=; __d=; __e=\n";
  for (size_t k = 0; k < probes.size(); ++k) {
    const PathProbe& p = probes[k];
    // "-" names stdin to stat, sha1sum and cat even after "--".
    s += Var(k) + "=" + ShellQuote(p.path == "-" ? "./-" : p.path) + "\n";
    const std::string parent_test =
        p.parent ? "[ -d " + ShellQuote(PosixDirname(p.path)) + " ]" : std::string("true");
    if (p.into_dir && p.into_dir->empty()) {
      s += "if [ -d " + Ref(k) + " ]; then __i=${__i}2; __d=${__d}1; else __i=${__i}0; " +
           Flag(parent_test, "__d") + "fi\n";
    } else if (p.into_dir) {
      s += "if [ -d " + Ref(k) + " ]; then " + Var(k) + "=" + Ref(k) + "/" +
           ShellQuote(*p.into_dir) + "; __i=${__i}1; __d=${__d}1; else __i=${__i}0; " +
           Flag(parent_test, "__d") + "fi\n";
    } else {
      s += "__i=${__i}0; " + Flag(parent_test, "__d");
    }
  }
  s += "set --\n";
  for (size_t k = 0; k < probes.size(); ++k)
    s += Flag("[ -e " + Ref(k) + " ] || [ -L " + Ref(k) + " ]", "__e",
              "set -- \"$@\" " + Ref(k) + "; ");
  return s;
}

bool WantsBytes(const PathProbe& p) {
  return p.content || p.checksum;
}

}  // namespace

std::string PosixDirname(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;  // trailing slashes
  const size_t slash = path.rfind('/', end == 0 ? 0 : end - 1);
  if (end == 0 || slash == std::string::npos) return ".";
  size_t cut = slash;
  while (cut > 0 && path[cut - 1] == '/') --cut;
  return cut == 0 ? "/" : path.substr(0, cut);
}

std::string ProbeNonce() {
  // std::random_device opens a device per use (and the workers' threads
  // live one task): the seed is drawn once per run, and each nonce is the
  // sha1 of that secret seed and a count, so no nonce tells another.
  static const std::string seed = [] {
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 8; ++i) s += std::to_string(rd()) + ".";
    return s;
  }();
  static std::atomic<uint64_t> count{0};
  return "DROVER_END_" + HexDigestOf("sha1", seed + std::to_string(++count)).substr(0, 32);
}

// Output: "DROVER_PROBE|into|parent|exists|links" (a flag per probe
// each); "DROVER_LINK|target" per symlink; per probe that wants bytes,
// "DROVER_TEXT|n" (not a file to read), "DROVER_TEXT|l" (a symlink: not
// read here) or "DROVER_TEXT|r" then the bytes, "\n", the nonce and
// "|ok", "|big" or "|fail"; last, the `stat` line of each existing path.
std::string ProbeScript(const std::vector<PathProbe>& probes, const std::string& nonce) {
  std::string s = ProbeSetup(probes) + "__k=\n";
  for (size_t k = 0; k < probes.size(); ++k) s += Flag("[ -L " + Ref(k) + " ]", "__k");
  s += "printf 'DROVER_PROBE|%s|%s|%s|%s\\n' \"$__i\" \"$__d\" \"$__e\" \"$__k\"\n";
  for (size_t k = 0; k < probes.size(); ++k)
    s += "if [ -L " + Ref(k) + " ]; then printf 'DROVER_LINK|%s\\n' \"$(readlink -- " + Ref(k) +
         ")\"; fi\n";
  if (std::any_of(probes.begin(), probes.end(), WantsBytes)) {
    // A `read` loop keeps every byte but NUL (the controller compares the
    // length with the file's size) and tells a missing last newline.
    s += "__r() { printf 'DROVER_TEXT|r\\n'; __n=0; __l=\n"
         "while IFS= read -r __l; do printf '%s\\n' \"$__l\"; __n=$((__n + ${#__l} + 1))\n"
         "[ \"$__n\" -le " +
         std::to_string(kMaxBuiltinRead) + " ] || { printf '\\n" + nonce +
         "|big\\n'; return 0; }; done 2>/dev/null <\"$1\" || { printf '\\n" + nonce +
         "|fail\\n'; return 0; }\n"
         "printf '%s\\n" +
         nonce + "|ok\\n' \"$__l\"; }\n";
  }
  for (size_t k = 0; k < probes.size(); ++k) {
    if (!WantsBytes(probes[k])) continue;
    const std::string readable = probes[k].content ? "true" : "[ -r " + Ref(k) + " ]";
    s += "if [ -L " + Ref(k) + " ] && [ -f " + Ref(k) +
         " ]; then echo 'DROVER_TEXT|l'; elif [ -f " + Ref(k) + " ] && ! [ -L " + Ref(k) +
         " ] && " + readable + "; then __r " + Ref(k) + "; else echo 'DROVER_TEXT|n'; fi\n";
  }
  s += "[ $# -eq 0 ] || exec stat -c '" + std::string(kStatFormat) + "' -- \"$@\"\n";
  return s;
}

std::optional<std::vector<ProbeAnswer>> ParseProbeOutput(const std::vector<PathProbe>& probes,
                                                         const std::string& out,
                                                         const std::string& nonce) {
  const size_t n = probes.size();
  size_t at = 0;
  std::optional<std::string> head = Tagged(NextLine(out, &at), "DROVER_PROBE|");
  if (!head || head->size() != 4 * n + 3) return std::nullopt;
  auto flag = [&](size_t field, size_t k) { return (*head)[field * (n + 1) + k] == '1'; };
  std::vector<ProbeAnswer> answers(n);
  std::vector<std::string> links(n), bytes(n);
  std::vector<char> text(n, 'n');
  for (size_t k = 0; k < n; ++k) {
    answers[k].into_dir = (*head)[k] == '1';
    answers[k].dir_no_name = (*head)[k] == '2';
    answers[k].parent_exists = flag(1, k);
  }
  for (size_t k = 0; k < n; ++k) {
    if (!flag(3, k)) continue;
    std::optional<std::string> l = Tagged(NextLine(out, &at), "DROVER_LINK|");
    if (!l) return std::nullopt;
    links[k] = *l;
  }
  const std::string end = "\n" + nonce + "|";
  for (size_t k = 0; k < n; ++k) {
    if (!WantsBytes(probes[k])) continue;
    std::optional<std::string> t = Tagged(NextLine(out, &at), "DROVER_TEXT|");
    if (!t || t->size() != 1) return std::nullopt;
    text[k] = (*t)[0];
    if (text[k] != 'r') continue;
    const size_t stop = out.find(end, at);
    if (stop == std::string::npos) return std::nullopt;
    bytes[k] = out.substr(at, stop - at);
    at = stop + end.size();
    std::optional<std::string> status = NextLine(out, &at);
    if (!status) return std::nullopt;
    if (*status != "ok") text[k] = 'x';  // too big or unreadable: not exact
  }
  for (size_t k = 0; k < n; ++k) {
    if (!flag(2, k)) continue;
    std::optional<std::string> line = NextLine(out, &at);
    if (!line || line->rfind("DROVER_STAT|", 0) != 0) return std::nullopt;
    std::optional<RemoteStat> st = ParseStatOutput(*line + "||" + links[k]);
    if (!st || st->IsLink() != flag(3, k)) return std::nullopt;
    answers[k].st = *st;
  }
  if (at != out.size()) return std::nullopt;
  for (size_t k = 0; k < n; ++k) {
    ProbeAnswer& a = answers[k];
    if (text[k] == 'l' || text[k] == 'x') a.exact = false;
    if (text[k] != 'r') continue;
    // Read through the path itself (not a link): exact when every byte of
    // the file arrived (a NUL would be missing).
    if (!a.st.IsReg() || a.st.size != static_cast<int64_t>(bytes[k].size())) {
      a.exact = false;
      continue;
    }
    if (probes[k].checksum) a.st.checksum = HexDigestOf("sha1", bytes[k]);
    if (probes[k].content) a.content = std::move(bytes[k]);
  }
  return answers;
}

std::string ProcessProbeScript(const std::vector<PathProbe>& probes) {
  std::string s = ProbeSetup(probes);
  s += "printf 'DROVER_PROBE|%s|%s|%s\\n' \"$__i\" \"$__d\" \"$__e\"\n"
       "[ $# -eq 0 ] || stat -c '" +
       std::string(kStatFormat) + "' -- \"$@\" || exit 1\n";
  for (size_t k = 0; k < probes.size(); ++k)
    s += "if [ -L " + Ref(k) + " ]; then printf 'DROVER_LINK|%s\\n' \"$(readlink -- " + Ref(k) +
         ")\"; fi\n";
  auto phase = [&](bool PathProbe::*wanted, bool readable, const std::string& tag,
                   const std::string& run) {
    if (std::none_of(probes.begin(), probes.end(), [&](const PathProbe& p) { return p.*wanted; }))
      return;
    s += "set --; __f=\n";
    for (size_t k = 0; k < probes.size(); ++k) {
      if (!(probes[k].*wanted)) continue;
      const std::string test =
          "[ -f " + Ref(k) + " ]" + (readable ? " && [ -r " + Ref(k) + " ]" : std::string());
      s += Flag(test, "__f", "set -- \"$@\" " + Ref(k) + "; ");
    }
    s += "printf '" + tag + "|%s\\n' \"$__f\"\n" + run;
  };
  phase(&PathProbe::checksum, true, "DROVER_SUMS", "[ $# -eq 0 ] || sha1sum -- \"$@\" || exit 1\n");
  phase(&PathProbe::content, false, "DROVER_BYTES",
        "[ $# -le 1 ] || stat -L -c %s -- \"$@\" || exit 1\n"
        "echo DROVER_DATA; [ $# -eq 0 ] || cat -- \"$@\" || exit 1\n");
  return s;
}

std::optional<std::vector<ProbeAnswer>> ParseProcessProbeOutput(
    const std::vector<PathProbe>& probes, const std::string& out) {
  const size_t n = probes.size();
  size_t at = 0;
  std::optional<std::string> head = Tagged(NextLine(out, &at), "DROVER_PROBE|");
  if (!head || head->size() != 3 * n + 2) return std::nullopt;
  const std::string into = head->substr(0, n), parent = head->substr(n + 1, n),
                    exists = head->substr(2 * n + 2, n);
  std::vector<ProbeAnswer> answers(n);
  std::vector<std::string> stat_lines(n);
  for (size_t k = 0; k < n; ++k) {
    answers[k].into_dir = into[k] == '1';
    answers[k].dir_no_name = into[k] == '2';
    answers[k].parent_exists = parent[k] == '1';
    if (exists[k] != '1') continue;
    std::optional<std::string> line = NextLine(out, &at);
    if (!line || line->rfind("DROVER_STAT|", 0) != 0) return std::nullopt;
    stat_lines[k] = *line;
  }
  std::vector<std::string> links(n), sums(n);
  for (size_t k = 0; k < n; ++k) {
    std::optional<RemoteStat> st = ParseStatOutput(stat_lines[k] + "||");
    if (exists[k] == '1' && st && st->IsLink()) {
      std::optional<std::string> l = Tagged(NextLine(out, &at), "DROVER_LINK|");
      if (!l) return std::nullopt;
      links[k] = *l;
    }
  }
  auto flags_for = [&](bool PathProbe::*wanted,
                       std::string_view tag) -> std::optional<std::vector<bool>> {
    std::vector<bool> hit(n, false);
    if (std::none_of(probes.begin(), probes.end(), [&](const PathProbe& p) { return p.*wanted; }))
      return hit;
    std::optional<std::string> f = Tagged(NextLine(out, &at), tag);
    size_t i = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!(probes[k].*wanted)) continue;
      if (!f || i >= f->size()) return std::nullopt;
      hit[k] = (*f)[i++] == '1';
    }
    if (!f || i != f->size()) return std::nullopt;
    return hit;
  };
  std::optional<std::vector<bool>> summed = flags_for(&PathProbe::checksum, "DROVER_SUMS|");
  if (!summed) return std::nullopt;
  for (size_t k = 0; k < n; ++k) {
    if (!(*summed)[k]) continue;
    std::optional<std::string> line = NextLine(out, &at);
    if (!line) return std::nullopt;
    std::string_view v = *line;
    if (!v.empty() && v[0] == '\\') v.remove_prefix(1);  // sha1sum escaped the name
    if (!IsHex40(v)) return std::nullopt;
    sums[k] = std::string(v.substr(0, 40));
  }
  std::optional<std::vector<bool>> read = flags_for(&PathProbe::content, "DROVER_BYTES|");
  if (!read) return std::nullopt;
  const size_t files = static_cast<size_t>(std::count(read->begin(), read->end(), true));
  std::vector<size_t> sizes;
  if (files > 1) {
    for (size_t i = 0; i < files; ++i) {
      std::optional<std::string> line = NextLine(out, &at);
      if (!line || line->empty() || line->find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      sizes.push_back(std::strtoull(line->c_str(), nullptr, 10));
    }
  }
  if (std::any_of(probes.begin(), probes.end(), [](const PathProbe& p) { return p.content; })) {
    if (NextLine(out, &at) != std::optional<std::string>("DROVER_DATA")) return std::nullopt;
    size_t total = 0;
    for (size_t v : sizes) total += v;
    if (files > 1 && out.size() - at != total) return std::nullopt;  // changed while read
    for (size_t k = 0, i = 0; k < n; ++k) {
      if (!(*read)[k]) continue;
      const size_t len = files > 1 ? sizes[i++] : out.size() - at;
      answers[k].content = out.substr(at, len);
      at += len;
    }
  } else if (at != out.size()) {
    return std::nullopt;
  }
  for (size_t k = 0; k < n; ++k) {
    if (exists[k] != '1') continue;
    std::optional<RemoteStat> st = ParseStatOutput(stat_lines[k] + "|" + sums[k] + "|" + links[k]);
    if (!st) return std::nullopt;
    answers[k].st = *st;
  }
  return answers;
}

std::mutex WriteClock::mu_;
WriteClock::Counts WriteClock::all_;
WriteClock::Counts WriteClock::any_;
std::map<std::string, WriteClock::Counts> WriteClock::machines_;

void WriteClock::Begin(const std::string& machine) {
  std::lock_guard<std::mutex> lock(mu_);
  ++all_.started;
  ++(machine.empty() ? any_ : machines_[machine]).started;
}
void WriteClock::End(const std::string& machine) {
  std::lock_guard<std::mutex> lock(mu_);
  ++all_.finished;
  ++(machine.empty() ? any_ : machines_[machine]).finished;
}
// Under mu_: a reader on "" sees every write, any other reader the writes
// on its machine and on "".
WriteClock::Stamp WriteClock::Current(const std::string& machine) {
  if (machine.empty()) return Stamp{machine, all_.started, 0};
  return Stamp{machine, machines_[machine].started, any_.started};
}
bool WriteClock::Quiet(const std::string& machine) {
  if (machine.empty()) return all_.started == all_.finished;
  const Counts& own = machines_[machine];
  return own.started == own.finished && any_.started == any_.finished;
}
std::optional<WriteClock::Stamp> WriteClock::BeginFused(const std::string& machine) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool quiet = Quiet(machine);
  ++all_.started;
  ++(machine.empty() ? any_ : machines_[machine]).started;
  if (!quiet) return std::nullopt;
  return Current(machine);
}
std::optional<WriteClock::Stamp> WriteClock::QuietStamp(const std::string& machine) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Quiet(machine)) return std::nullopt;
  return Current(machine);
}
bool WriteClock::Unchanged(const Stamp& stamp) {
  std::lock_guard<std::mutex> lock(mu_);
  return Current(stamp.machine) == stamp;
}

void ProbeCache::Store(WriteClock::Stamp stamp, std::vector<PathProbe> probes,
                       std::vector<ProbeAnswer> answers) {
  std::lock_guard<std::mutex> lock(mu_);
  stamp_ = std::move(stamp);
  probes_ = std::move(probes);
  answers_ = std::move(answers);
}

std::optional<ProbeAnswer> ProbeCache::Take(const PathProbe& probe) {
  std::lock_guard<std::mutex> lock(mu_);
  if (probes_.empty() || !WriteClock::Unchanged(stamp_)) {
    probes_.clear();
    answers_.clear();
    return std::nullopt;
  }
  // Served in order: the first probe must be this one (a task that asked
  // something else, or nothing, ends the batch).
  if (!(probes_.front() == probe)) {
    probes_.clear();
    answers_.clear();
    return std::nullopt;
  }
  ProbeAnswer a = std::move(answers_.front());
  probes_.erase(probes_.begin());
  answers_.erase(answers_.begin());
  return a;
}

void ProbeCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  probes_.clear();
  answers_.clear();
}

}  // namespace drover::modules
