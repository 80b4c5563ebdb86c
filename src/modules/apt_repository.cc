// apt_repository (ansible.builtin.apt_repository) without Python on the
// host: one round trip reads apt's one-line source files (the places
// `apt-config` names: sources.list and sources.list.d/*.list); the edit is
// Ansible's SourcesList's (apt_sources.h); a second round trip, only when
// the sources changed and not in check mode, writes the files whose text
// changed (atomically; a new one 0644 or `mode`), removes those left
// empty, and runs `apt-get update` (update_cache, retried as Ansible
// retries; on failure the files are put back). Results are Ansible's:
// changed, repo, state, diff (one before/after per file).
//
// Partial: ppa: repositories (Launchpad) are refused; install_python_apt
// and validate_certs are accepted and have nothing to do; deb822 .sources
// files are not read (as in Ansible 2.14).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <random>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/apt_sources.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

constexpr const char* kReadScript =
    "command -v apt-config >/dev/null 2>&1 || { echo DROVER_NO_APT; exit 0; }\n"
    "eval \"$(apt-config shell __sl Dir::Etc::sourcelist/f __sp Dir::Etc::sourceparts/d)\"\n"
    "__sp=${__sp%/}\nprintf 'DROVER_PARTS|%s\\n' \"$__sp\"\n"
    "for __f in \"$__sl\" \"$__sp\"/*.list; do\n"
    "  [ -f \"$__f\" ] || continue\n"
    "  printf 'DROVER_FILE|%s|%s\\n' \"$(wc -c <\"$__f\")\" \"$__f\"; cat -- \"$__f\"\n"
    "done\nexit 0\n";

struct SourceFiles {
  std::string parts_dir;
  std::vector<std::pair<std::string, std::string>> files;  // path, text
};

// Parses the read script's output; false when the framing is broken.
bool ParseSourceFiles(const std::string& out, SourceFiles* sf) {
  size_t at = out.find("DROVER_PARTS|");
  if (at == std::string::npos) return false;
  size_t nl = out.find('\n', at);
  sf->parts_dir = out.substr(at + 13, nl - at - 13);
  size_t pos = nl + 1;
  while (pos < out.size()) {
    if (out.compare(pos, 12, "DROVER_FILE|") != 0) return false;
    size_t bar = out.find('|', pos + 12), end = out.find('\n', pos);
    if (bar == std::string::npos || end == std::string::npos) return false;
    const size_t size = std::strtoull(out.c_str() + pos + 12, nullptr, 10);
    const std::string path = out.substr(bar + 1, end - bar - 1);
    if (end + 1 + size > out.size()) return false;
    sf->files.emplace_back(path, out.substr(end + 1, size));
    pos = end + 1 + size;
  }
  return true;
}

class AptRepository : public Module {
 public:
  std::string_view Name() const override { return "apt_repository"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"repo", ArgType::kStr, {}, true, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"mode", ArgType::kRaw, {}, false, {}, {}},
        {"update_cache", ArgType::kBool, Value(true), false, {"update-cache"}, {}},
        {"update_cache_retries", ArgType::kInt, Value(5), false, {}, {}},
        {"update_cache_retry_max_delay", ArgType::kInt, Value(12), false, {}, {}},
        {"filename", ArgType::kStr, {}, false, {}, {}},
        {"install_python_apt", ArgType::kBool, Value(true), false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"codename", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string repo = ArgText(args, "repo"), state = ArgText(args, "state");
    if (repo.empty()) return Failed("Please set argument 'repo' to a non-empty value");
    if (repo.rfind("ppa:", 0) == 0)
      return Failed("apt_repository: ppa: repositories are not implemented by drover yet");

    Result<connection::ExecResult> r = ctx.Exec(kReadScript);
    if (!r) return r.take_error();
    if (r->stdout_data.find("DROVER_NO_APT") != std::string::npos)
      return Failed(
          "Module apt_repository is not supported on target (no apt-config on the host).");
    SourceFiles sf;
    if (r->exit_status != 0 || !ParseSourceFiles(r->stdout_data, &sf))
      return Failed("apt_repository: reading the apt sources failed: " + r->stderr_data);

    AptSources sources;
    for (const auto& [path, text] : sf.files) sources.Load(path, text);
    const std::map<std::string, std::string> before = sources.Dump();

    const AptSourceLine line = ParseAptSourceLine(repo);
    if (!line.valid || !line.enabled) {
      std::string shown = repo;
      while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.front())))
        shown.erase(0, 1);
      if (!shown.empty() && shown[0] == '#') shown.erase(0, 1);
      if (size_t h = shown.find('#'); h != std::string::npos && h > 0) shown.resize(h);
      return Failed("Invalid repository string: " + shown);
    }
    if (state == "present") {
      std::string file = OptionalArgText(args, "filename") ? ArgText(args, "filename") + ".list"
                                                           : SuggestAptSourceFilename(line.source);
      if (file.find('/') == std::string::npos) file = sf.parts_dir + "/" + file;
      sources.Add(line.source, file);
    } else {
      sources.Remove(line.source);
    }
    const std::map<std::string, std::string> after = sources.Dump();
    const bool changed = before != after;

    Map result{{"changed", changed}, {"repo", Value(repo)}, {"state", Value(state)}};
    Value diff{Map{}};
    std::string drover_diff;
    if (changed && ctx.diff_mode) {
      List diffs;
      std::vector<std::string> paths;
      for (const auto& [p, t] : before) paths.push_back(p);
      for (const auto& [p, t] : after)
        if (!before.count(p)) paths.push_back(p);
      for (const std::string& p : paths) {
        const std::string b = before.count(p) ? before.at(p) : "";
        const std::string a = after.count(p) ? after.at(p) : "";
        const std::string bh = before.count(p) ? p : "/dev/null";
        const std::string ah = after.count(p) ? p : "/dev/null";
        diffs.push_back(Value(Map{{"before", Value(b)},
                                  {"after", Value(a)},
                                  {"before_header", Value(bh)},
                                  {"after_header", Value(ah)}}));
        drover_diff += UnifiedDiff(b, a, bh, ah);
      }
      diff = Value(std::move(diffs));
      result.set("_drover_diff", Value(drover_diff));
    }
    result.set("diff", diff);
    if (!changed || ctx.check_mode) return result;

    Result<std::optional<Map>> wrote = Write(ctx, args, sf, before, after);
    if (!wrote) return wrote.take_error();
    if (*wrote) return **wrote;
    return result;
  }

 private:
  // The write round trip; a failure map when it failed (files put back).
  static Result<std::optional<Map>> Write(RunContext& ctx, const Map& args, const SourceFiles& sf,
                                          const std::map<std::string, std::string>& before,
                                          const std::map<std::string, std::string>& after) {
    std::map<std::string, std::string> raw(sf.files.begin(), sf.files.end());
    std::optional<unsigned> new_mode;
    if (const Value* m = args.find("mode"); m && !m->is_null()) {
      Result<std::optional<unsigned>> resolved = ResolveMode(*m, 0644, false);
      if (!resolved) return std::optional<Map>(Failed(resolved.error().message));
      new_mode = *resolved;
    }
    // Writes `files` (path -> text) and removes `gone`, as sh text.
    auto sync = [&](const std::map<std::string, std::string>& files,
                    const std::map<std::string, std::string>& from) {
      std::string s;
      for (const auto& [path, text] : files) {
        auto old = from.find(path);
        if (old != from.end() && old->second == text) continue;
        connection::FileAttributes attrs;
        if (old == from.end() && new_mode) attrs.mode = OctalMode(*new_mode);
        const std::string dir = path.substr(0, path.rfind('/'));
        s += "mkdir -p -- " + ShellQuote(dir.empty() ? "/" : dir) + " || exit 1\n(umask 022\n" +
             connection::AtomicInstallInlineScript(text, path, attrs) + ") || exit 1\n";
      }
      for (const auto& [path, text] : from)
        if (!files.count(path)) s += "rm -f -- " + ShellQuote(path) + "\n";
      return s;
    };
    std::string script = sync(after, raw);
    if (args.find("update_cache")->as_bool()) {
      // Ansible's retry: 2**retry + a random fraction, capped.
      static thread_local std::mt19937 rng{std::random_device{}()};
      const double jitter = std::uniform_int_distribution<int>(0, 1000)(rng) / 1000.0;
      const int64_t retries = args.find("update_cache_retries")->as_int();
      const int64_t max_delay = args.find("update_cache_retry_max_delay")->as_int();
      std::string delays;
      for (int64_t i = 0; i < retries; ++i) {
        double d = static_cast<double>(int64_t{1} << std::min<int64_t>(i, 30)) + jitter;
        if (d > static_cast<double>(max_delay)) d = static_cast<double>(max_delay) + jitter;
        delays += " " + std::to_string(d);
      }
      script +=
          "export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8\n"
          "__ok=\nfor __d in" +
          delays +
          "; do\n"
          "  if __err=$(apt-get update -q 2>&1 >/dev/null); then __ok=1; break; fi\n"
          "  sleep \"$__d\"\ndone\n"
          "if [ -z \"$__ok\" ]; then\n" +
          // The files as they were (normalized, as Ansible's revert writes them).
          sync(before, after) + "  printf 'DROVER_UPDATE_FAILED|%s' \"$__err\"; exit 0\nfi\n";
    }
    Result<connection::ExecResult> w = ctx.Exec(script + "exit 0\n");
    if (!w) return w.take_error();
    if (w->exit_status != 0) return std::optional<Map>(Failed(w->stderr_data));
    const std::string& out = w->stdout_data;
    if (size_t at = out.find("DROVER_UPDATE_FAILED|"); at != std::string::npos) {
      std::string err = out.substr(at + 21);
      return std::optional<Map>(
          Failed("Failed to update apt cache: " + (err.empty() ? "unknown reason" : err)));
    }
    return std::optional<Map>();
  }
};

}  // namespace

const Module& AptRepositoryModule() {
  static const AptRepository m;
  return m;
}

}  // namespace drover::modules
