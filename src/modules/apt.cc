// apt (ansible.builtin.apt) without Python on the host: dpkg-query and
// apt-cache decide, `apt-get` acts. One round trip queries (and updates the
// cache when asked: update_cache/cache_valid_time); a second one installs or
// removes only when the query found something to do. Check mode never
// updates the cache and runs apt-get --simulate, as Ansible does. The
// decision follows Ansible's apt module (package_status/install/remove):
// `name=version` (fnmatch) and `name>=version`, latest upgrades to the
// candidate, virtual packages are left to apt, packages are pinned to the
// candidate version found, installed ones are marked manual.
//
// Package name patterns (`apt*`) are expanded with fnmatch over
// `apt-cache pkgnames` as Ansible expands them over its cache (native
// packages only unless the pattern names an architecture); `deb` may be a
// URL, downloaded on the host as Ansible's fetch_file does (curl) into a
// temporary directory removed afterwards; clean runs `apt-get clean` first
// (and the task goes on, as Ansible 2.14's does); autoclean runs `apt-get
// autoclean` when no package is named.
//
// Partial: deb is installed with `apt-get install FILE` (apt resolves its
// dependencies); upgrade always uses apt-get (as force_apt_get=true);
// name patterns are expanded over the cache as it was before update_cache;
// state=build-dep/fixed are not implemented (clear failure); clean is not
// run in check mode.
#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"
#include "modules/system_logic.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

constexpr const char* kAptEnv =
    "export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C.UTF-8 "
    "LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8 LC_CTYPE=C.UTF-8\n";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool Glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

}  // namespace

AptPackageSpec SplitAptSpec(const std::string& text) {
  AptPackageSpec p{text, text, "", ""};
  size_t eq = text.find('=');
  if (eq == std::string::npos) return p;
  if (eq > 0 && text[eq - 1] == '>') {
    p.name = text.substr(0, eq - 1);
    p.cmp = ">=";
  } else {
    p.name = text.substr(0, eq);
    p.cmp = "=";
  }
  p.version = text.substr(eq + 1);
  return p;
}

AptDecision DecideAptPackage(const AptPackageSpec& spec, const AptPackageState& st) {
  AptDecision d;
  if (st.versions.empty() && st.candidate.empty()) {
    // Not a real package: virtual (providers) or unknown (caller fails).
    if (st.providers.size() == 1 && st.providers[0].second == "installed") {
      d.installed = d.version_installed = true;
      return d;
    }
    if (!st.providers.empty()) d.installable = kAptLetDecide;
    return d;
  }
  std::string best;
  if (spec.cmp == "=") {
    for (const std::string& v : st.versions) {
      if (Glob(spec.version, v)) {
        best = v;
        break;
      }
    }
  } else {
    best = st.candidate;
  }
  d.installed = st.Installed();
  if (d.installed) {
    const std::string& inst = st.installed_version;
    if (spec.cmp == "=") {
      d.version_installed = Glob(spec.version, inst);
      if (!best.empty() && inst != best) d.installable = best;
    } else if (spec.cmp == ">=") {
      d.version_installed = st.ge_installed;
      if (!best.empty() && inst != best && st.ge_candidate) d.installable = best;
    } else {
      d.version_installed = true;
      if (!best.empty() && inst != best) d.installable = best;
    }
  } else {
    d.installable = best;
  }
  return d;
}

namespace {

std::string Join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

// The words of an apt-get command line, and the same line shell-quoted.
struct Command {
  std::vector<std::string> words;
  std::string Shell() const {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : " ") + ShellQuote(w);
    return out;
  }
  std::string Display() const { return Join(words, " "); }
};

// Ansible's expand_dpkg_options: "force-confdef,force-confold" ->
// -o Dpkg::Options::=--force-confdef -o ...
std::vector<std::string> DpkgOptions(const std::string& compressed) {
  std::vector<std::string> out;
  for (const std::string& o : Split(compressed, ',')) {
    out.push_back("-o");
    out.push_back("Dpkg::Options::=--" + o);
  }
  return out;
}

// Shell text that installs /usr/sbin/policy-rc.d exiting `code` around
// `body` (Ansible's PolicyRcD), restoring what was there before.
std::string WithPolicyRcD(const Value& code, const std::string& body) {
  if (code.is_null()) return body;
  return "__prc=/usr/sbin/policy-rc.d; __prc_bak=\n"
         "if [ -e \"$__prc\" ]; then __prc_bak=$(mktemp -d) && mv \"$__prc\" \"$__prc_bak/\" || "
         "exit "
         "1; fi\n"
         "printf '#!/bin/sh\\nexit %d\\n' " +
         std::to_string(code.as_int()) + " >\"$__prc\" && chmod 0755 \"$__prc\" || exit 1\n" +
         body +
         "\n__rc=$?\nrm -f \"$__prc\"\n"
         "if [ -n \"$__prc_bak\" ]; then mv \"$__prc_bak/policy-rc.d\" \"$__prc\"; rmdir "
         "\"$__prc_bak\"; fi\nexit $__rc\n";
}

// Ansible's parse_diff: the part of apt-get's output between "Reading state
// information..." and the "N upgraded" line.
Map ParseDiff(const std::string& out) {
  std::vector<std::string> lines;
  for (const Value& l : SplitLines(out)) lines.push_back(l.as_string());
  long start = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "Reading state information...") {
      start = static_cast<long>(i);
      break;
    }
  }
  size_t end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    size_t d = 0;
    while (d < l.size() && std::isdigit(static_cast<unsigned char>(l[d]))) ++d;
    if (d > 0 &&
        (l.compare(d, 9, " upgraded") == 0 || l.compare(d, 18, " packages upgraded") == 0)) {
      end = i;
      break;
    }
  }
  std::vector<std::string> part(
      lines.begin() + std::min(lines.size(), static_cast<size_t>(start + 1)),
      lines.begin() + std::min(lines.size(), end + 1));
  return Map{{"prepared", Value(Join(part, "\n"))}};
}

class Apt : public Module {
 public:
  std::string_view Name() const override { return "apt"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state",
         ArgType::kStr,
         Value("present"),
         false,
         {},
         {"absent", "build-dep", "fixed", "latest", "present"}},
        {"update_cache", ArgType::kBool, {}, false, {"update-cache"}, {}},
        {"update_cache_retries", ArgType::kInt, Value(5), false, {}, {}},
        {"update_cache_retry_max_delay", ArgType::kInt, Value(12), false, {}, {}},
        {"cache_valid_time", ArgType::kInt, Value(0), false, {}, {}},
        {"purge", ArgType::kBool, Value(false), false, {}, {}},
        {"package", ArgType::kList, {}, false, {"pkg", "name"}, {}},
        {"deb", ArgType::kPath, {}, false, {}, {}},
        {"default_release", ArgType::kStr, {}, false, {"default-release"}, {}},
        {"install_recommends", ArgType::kBool, {}, false, {"install-recommends"}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        // No default: null means "not given", for required_one_of.
        {"upgrade", ArgType::kStr, {}, false, {}, {"dist", "full", "no", "safe", "yes"}},
        {"dpkg_options", ArgType::kStr, Value("force-confdef,force-confold"), false, {}, {}},
        {"autoremove", ArgType::kBool, {}, false, {}, {}},
        {"autoclean", ArgType::kBool, Value(false), false, {}, {}},
        {"fail_on_autoremove", ArgType::kBool, Value(false), false, {}, {}},
        {"policy_rc_d", ArgType::kInt, {}, false, {}, {}},
        {"only_upgrade", ArgType::kBool, Value(false), false, {}, {}},
        {"force_apt_get", ArgType::kBool, Value(false), false, {}, {}},
        {"clean", ArgType::kBool, Value(false), false, {}, {}},
        {"allow_unauthenticated",
         ArgType::kBool,
         Value(false),
         false,
         {"allow-unauthenticated"},
         {}},
        {"allow_downgrade",
         ArgType::kBool,
         Value(false),
         false,
         {"allow-downgrade", "allow_downgrades", "allow-downgrades"},
         {}},
        {"allow_change_held_packages", ArgType::kBool, Value(false), false, {}, {}},
        {"lock_timeout", ArgType::kInt, Value(60), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    auto flag = [&](const char* k) {
      const Value* v = args.find(k);
      return v && !v->is_null() && v->as_bool();
    };
    auto given = [&](const char* k) {
      const Value* v = args.find(k);
      return v && !v->is_null();
    };
    const std::string state = ArgText(args, "state");
    std::string upgrade = ArgText(args, "upgrade");
    const std::string deb = ArgText(args, "deb");
    std::vector<AptPackageSpec> specs;
    bool all_installed = false;
    if (const Value* p = args.find("package"); p && p->is_list()) {
      for (const Value& v : p->as_list()) {
        std::string text = v.is_string() ? v.as_string() : ArgText(Map{{"x", v}}, "x");
        if (text == "*") {
          all_installed = true;
          continue;
        }
        specs.push_back(SplitAptSpec(Strip(text)));
      }
    }
    {
      int exclusive =
          (given("package") ? 1 : 0) + (given("deb") ? 1 : 0) + (given("upgrade") ? 1 : 0);
      if (exclusive > 1) return Failed("parameters are mutually exclusive: deb|package|upgrade");
      if (!exclusive && !given("autoremove") && !given("update_cache"))
        return Failed(
            "one of the following is required: autoremove, deb, package, update_cache, upgrade");
    }
    if (upgrade == "no") upgrade.clear();
    if (state == "build-dep" || state == "fixed")
      return Failed("apt: state=" + state + " is not implemented by drover yet");
    if (!deb.empty() && state != "present") return Failed("deb only supports state=present");
    if (all_installed && state == "latest" && !specs.empty())
      return Failed("unable to install additional packages when upgrading all installed packages");
    if (all_installed && state == "latest") upgrade = "yes";
    for (const AptPackageSpec& s : specs) {
      if (std::count(s.text.begin(), s.text.end(), '=') > 1)
        return Failed("invalid package spec: " + s.text);
      if (s.name.empty() || s.name[0] == '-')
        return Failed("No package matching '" + s.name + "' is available");
    }

    // clean first (Ansible's aptclean), then the rest of the task: the
    // early exit Ansible's source has for clean alone is never reached
    // (required_one_of demands another argument, and 2.14 goes on with it).
    if (flag("clean") && !ctx.check_mode) {
      Result<connection::ExecResult> c = ctx.Exec(std::string(kAptEnv) + "apt-get clean");
      if (!c) return c.take_error();
      if (c->exit_status != 0 || !c->stderr_data.empty()) {
        Map f = Failed(c->exit_status != 0 ? "apt-get clean failed"
                                           : "apt-get clean failed: " + c->stderr_data);
        f.set("stdout", Value(c->stdout_data));
        f.set("rc", c->exit_status);
        return f;
      }
    }

    // Name patterns, expanded over the cache's package names.
    if (std::any_of(specs.begin(), specs.end(), [](const AptPackageSpec& s) {
          return s.name.find_first_of("*?[]!") != std::string::npos;
        })) {
      Result<connection::ExecResult> names = ctx.Exec("apt-cache pkgnames 2>/dev/null | sort");
      if (!names) return names.take_error();
      std::vector<AptPackageSpec> expanded;
      const std::vector<std::string> all = Lines(names->stdout_data);
      for (const AptPackageSpec& s : specs) {
        if (s.name.find_first_of("*?[]!") == std::string::npos) {
          expanded.push_back(s);
          continue;
        }
        const bool multiarch = s.name.find(':') != std::string::npos;
        size_t before = expanded.size();
        for (const std::string& n : all)
          if ((multiarch || n.find(':') == std::string::npos) && Glob(s.name, n))
            expanded.push_back(SplitAptSpec(n));
        if (expanded.size() == before)
          return Failed("No package(s) matching '" + s.name + "' available");
      }
      specs = std::move(expanded);
    }

    const bool check = ctx.check_mode;
    const std::string lock = "DPkg::Lock::Timeout=" + ArgText(args, "lock_timeout");
    const std::string release = ArgText(args, "default_release");
    const std::string apt_cache =
        "apt-cache" +
        (release.empty() ? "" : " -o " + ShellQuote("APT::Default-Release=" + release));

    // --- Round trip 1: cache time, update, each package's state.
    std::string q = kAptEnv;
    q += "command -v apt-get >/dev/null 2>&1 || { echo DROVER_NO_APT; exit 0; }\n"
         "__ct() { if [ -e /var/lib/apt/periodic/update-success-stamp ]; then stat -c %Y "
         "/var/lib/apt/periodic/update-success-stamp; elif [ -e /var/lib/apt/lists ]; then stat -c "
         "%Y /var/lib/apt/lists; else echo 0; fi; }\n"
         "__t0=$(__ct); echo \"DROVER_CACHE_TIME|$__t0\"\n";
    const int64_t valid = args.find("cache_valid_time")->as_int();
    if (flag("update_cache") || valid > 0) {
      q += "if [ " + std::to_string(valid) + " -eq 0 ] || [ $((__t0 + " + std::to_string(valid) +
           ")) -lt \"$(date +%s)\" ]; then\n  echo DROVER_UPDATE\n";
      if (!check) {
        // apt-get update does not wait for the lists lock: wait here, up
        // to lock_timeout, as Ansible's apt retries on LockFailedException.
        q += "  __i=0; __d=1; __dl=$(($(date +%s) + " + ArgText(args, "lock_timeout") +
             "))\n"
             "  until __out=$(apt-get update -q -o " +
             ShellQuote(lock) +
             " 2>&1 >/dev/null); do\n"
             "    case $__out in *'Could not get lock'*) if [ \"$(date +%s)\" -lt $__dl ]; then "
             "sleep 1; continue; fi;; esac\n"
             "    __i=$((__i + 1))\n"
             "    if [ $__i -ge " +
             ArgText(args, "update_cache_retries") +
             " ]; then printf 'DROVER_UPDATE_FAILED\\n%s\\n' \"$__out\"; exit 0; fi\n"
             "    sleep $__d; __d=$((__d * 2)); [ $__d -le " +
             ArgText(args, "update_cache_retry_max_delay") +
             " ] || __d=" + ArgText(args, "update_cache_retry_max_delay") +
             "\n"
             "  done\n"
             "  echo \"DROVER_CACHE_TIME|$(__ct)\"\n";
      }
      q += "fi\n";
    }
    for (const AptPackageSpec& s : specs) {
      const std::string n = ShellQuote(s.name);
      q += "echo " + ShellQuote("DROVER_PKG|" + s.name) +
           "\n"
           "dpkg-query -W -f='DROVER_DPKG|${db:Status-Status}|${Version}\\n' " +
           n + " 2>/dev/null | head -n 1\n" + apt_cache + " policy " + n +
           " 2>/dev/null | sed 's/^/DROVER_POLICY|/'\n"
           "if [ -z \"$(" +
           apt_cache + " policy " + n +
           " 2>/dev/null | sed -n '/^     [^ ]/p;/^ \\*\\*\\* /p')\" ]; then\n"
           "  for __p in $(apt-cache showpkg " +
           n +
           " 2>/dev/null | awk '/^Reverse Provides:/{p=1;next} p&&NF{print $1}' | sort -u); do\n"
           "    printf 'DROVER_PROVIDER|%s|%s\\n' \"$__p\" \"$(dpkg-query -W "
           "-f='${db:Status-Status}' \"$__p\" 2>/dev/null)\"\n"
           "  done\n"
           "fi\n"
           "apt-mark showauto " +
           n + " 2>/dev/null | sed 's/^/DROVER_AUTO|/'\n";
      if (s.cmp == ">=") {
        const std::string v = ShellQuote(s.version);
        q += "__iv=$(dpkg-query -W -f='${Version}' " + n + " 2>/dev/null); __cv=$(" + apt_cache +
             " policy " + n +
             " 2>/dev/null | sed -n 's/^  Candidate: //p')\n"
             "__gi=0; __gc=0\n"
             "[ -n \"$__iv\" ] && dpkg --compare-versions \"$__iv\" ge " +
             v +
             " && __gi=1\n"
             "[ -n \"$__cv\" ] && [ \"$__cv\" != '(none)' ] && dpkg --compare-versions \"$__cv\" "
             "ge " +
             v + " && __gc=1\necho \"DROVER_GE|$__gi|$__gc\"\n";
      }
    }
    std::string deb_path = deb;
    const bool deb_url = deb.find("://") != std::string::npos;
    std::optional<std::string> q_input;
    if (deb_url) {
      // Ansible's fetch_file: a temporary file named after the URL's
      // basename; the directory is removed after the install (DebCleanup).
      HttpRequest req;
      req.url = deb;
      q_input = HttpConfig(req);
      std::string base = deb.substr(0, deb.find_first_of("?#"));
      base = base.substr(base.rfind('/') + 1);
      if (base.empty()) base = "download.deb";
      q = HttpShellPrelude(false, deb) + q +
          "__dd=$(mktemp -d /tmp/drover-deb.XXXXXX) || exit 1\n"
          "printf 'DROVER_DEB_TMP|%s\\n' \"$__dd\"\n"
          "__drover_http \"$__dd/\"" +
          ShellQuote(base) + " \"$__hx/hdr\"\n";
      deb_path = "\x01" + base;  // resolved once the directory is known
    }
    if (!deb.empty()) {
      if (!deb_url && deb_path[0] != '/' && deb_path[0] != '.') deb_path = "./" + deb_path;
      const std::string d =
          deb_url ? "\"$__dd/\"" + ShellQuote(deb_path.substr(1)) : ShellQuote(deb);
      q += "__dn=$(dpkg-deb -f " + d + " Package) && __dv=$(dpkg-deb -f " + d +
           " Version) || { echo DROVER_DEB_BAD; exit 0; }\n"
           "printf 'DROVER_DEB|%s|%s|%s\\n' \"$__dn\" \"$__dv\" \"$(dpkg-query -W "
           "-f='${db:Status-Status} ${Version}' \"$__dn\" 2>/dev/null)\"\n";
    }
    Result<connection::ExecResult> res = ctx.Exec(q, q_input);
    if (!res) return res.take_error();
    std::string deb_tmp;  // a URL's download directory on the host
    if (deb_url) {
      if (std::optional<std::string> t = TaggedLine(res->stdout_data, "DROVER_DEB_TMP"))
        deb_tmp = *t;
      if (!deb_tmp.empty()) deb_path = deb_tmp + "/" + deb_path.substr(1);
      if (std::optional<std::string> f = TaggedLine(res->stdout_data, "DROVER_FAIL")) {
        DebCleanup(ctx, deb_tmp);
        return Failed("Failure downloading " + deb + ", " + *f);
      }
      HttpOutcome h = ParseHttpOutput(res->stdout_data);
      if (!h.ran || h.tool_exit != 0 || h.status != 200) {
        DebCleanup(ctx, deb_tmp);
        return Failed("Failure downloading " + deb + ", " +
                      (h.error.empty() ? "HTTP Error " + std::to_string(h.status) : h.error));
      }
    }
    if (res->exit_status != 0)
      return Failed("apt: querying the host failed: " + res->stdout_data + res->stderr_data);
    const std::string& out = res->stdout_data;
    if (out.find("DROVER_NO_APT") != std::string::npos)
      return Failed("Failed to find required executable \"apt-get\" on the host");
    if (size_t at = out.find("DROVER_UPDATE_FAILED\n"); at != std::string::npos) {
      std::string err = Strip(out.substr(at + 21));
      return Failed("Failed to update apt cache: " + (err.empty() ? "unknown reason" : err));
    }

    int64_t time_before = -1, time_after = -1;
    bool update_ran = false;
    std::map<std::string, AptPackageState> states;
    AptPackageState* cur = nullptr;
    std::string deb_line;
    for (const std::string& line : Lines(out)) {
      if (StartsWith(line, "DROVER_CACHE_TIME|")) {
        int64_t t = std::atoll(line.c_str() + 18);
        (time_before < 0 ? time_before : time_after) = t;
      } else if (line == "DROVER_UPDATE") {
        update_ran = true;
      } else if (StartsWith(line, "DROVER_PKG|")) {
        cur = &states[line.substr(11)];
      } else if (cur && StartsWith(line, "DROVER_DPKG|")) {
        std::vector<std::string> f = Split(line.substr(12), '|');
        cur->status = f[0];
        if (f.size() > 1 && cur->Installed()) cur->installed_version = f[1];
      } else if (cur && StartsWith(line, "DROVER_POLICY|")) {
        std::string l = line.substr(14);
        if (StartsWith(l, "  Candidate: ")) {
          cur->candidate = l.substr(13);
          if (cur->candidate == "(none)") cur->candidate.clear();
        } else if (l.size() > 5 && (StartsWith(l, "     ") || StartsWith(l, " *** ")) &&
                   l[5] != ' ') {
          cur->versions.push_back(l.substr(5, l.find(' ', 5) - 5));
        }
      } else if (cur && StartsWith(line, "DROVER_PROVIDER|")) {
        std::vector<std::string> f = Split(line.substr(16), '|');
        cur->providers.emplace_back(f[0], f.size() > 1 ? f[1] : "");
      } else if (cur && StartsWith(line, "DROVER_AUTO|")) {
        cur->is_auto = true;
      } else if (cur && StartsWith(line, "DROVER_GE|")) {
        cur->ge_installed = line.size() > 10 && line[10] == '1';
        cur->ge_candidate = line.size() > 12 && line[12] == '1';
      } else if (StartsWith(line, "DROVER_DEB|")) {
        deb_line = line.substr(11);
      } else if (line == "DROVER_DEB_BAD") {
        DebCleanup(ctx, deb_tmp);
        return Failed("Unable to install package: " + deb +
                      " is not a Debian package: " + res->stderr_data);
      }
    }
    const bool cache_updated = update_ran && (check || time_after != time_before);
    const int64_t cache_time = time_after >= 0 ? time_after : time_before;

    // update_cache alone: changed when the cache changed.
    if (specs.empty() && upgrade.empty() && deb.empty() && !all_installed &&
        (flag("update_cache") || valid > 0)) {
      return Map{{"changed", cache_updated},
                 {"cache_updated", cache_updated},
                 {"cache_update_time", Value(cache_time)}};
    }

    std::vector<std::string> base = {"/usr/bin/apt-get", "-y"};
    for (const std::string& o : DpkgOptions(ArgText(args, "dpkg_options"))) base.push_back(o);
    const bool force = flag("force");
    const bool autoremove = flag("autoremove");

    // --- upgrade (apt-get upgrade --with-new-pkgs / dist-upgrade)
    if (!upgrade.empty()) {
      Command c{base};
      if (force) c.words.push_back("--force-yes");
      if (flag("fail_on_autoremove")) c.words.push_back("--no-remove");
      if (flag("allow_unauthenticated")) c.words.push_back("--allow-unauthenticated");
      if (flag("allow_downgrade")) c.words.push_back("--allow-downgrades");
      if (check) c.words.push_back("--simulate");
      if (upgrade == "dist" || upgrade == "full") {
        c.words.push_back("dist-upgrade");
      } else {
        c.words.push_back("upgrade");
        c.words.push_back("--with-new-pkgs");
      }
      if (autoremove) c.words.push_back("--auto-remove");
      if (!release.empty()) c.words.insert(c.words.end(), {"-t", release});
      Result<Map> r = RunApt(ctx, c, args, lock);
      if (!r) return r;
      const std::string so = r->find("stdout")->as_string();
      if (r->contains("rc")) {
        Map f =
            Failed("'apt-get " +
                   std::string(upgrade == "dist" || upgrade == "full" ? "dist-upgrade"
                                                                      : "upgrade --with-new-pkgs") +
                   "' failed: " + r->find("stderr")->as_string());
        f.set("stdout", Value(so));
        f.set("rc", *r->find("rc"));
        return f;
      }
      const bool changed = so.find("\n0 upgraded, 0 newly installed") == std::string::npos;
      Map m{{"changed", changed},
            {"msg", Value(so)},
            {"stdout", Value(so)},
            {"stderr", *r->find("stderr")}};
      if (changed) m.set("diff", Value(ctx.diff_mode ? ParseDiff(so) : Map{}));
      return m;
    }

    // --- deb: a package file on the host.
    if (!deb.empty()) {
      std::vector<std::string> f = Split(deb_line, '|');
      if (f.size() >= 3 && f[2] == "installed " + f[1]) {
        DebCleanup(ctx, deb_tmp);
        return Map{{"changed", false}, {"stdout", ""}, {"stderr", ""}, {"diff", ""}};
      }
      Command c{base};
      if (force) c.words.push_back("--force-yes");
      if (flag("allow_downgrade")) c.words.push_back("--allow-downgrades");
      if (check) c.words.push_back("--simulate");
      c.words.push_back("install");
      c.words.push_back(deb_path);
      Result<Map> r = RunApt(ctx, c, args, lock);
      DebCleanup(ctx, deb_tmp);
      if (!r) return r;
      if (r->contains("rc")) {
        Map fail = Failed("apt-get install " + deb + " failed");
        fail.set("stdout", *r->find("stdout"));
        fail.set("stderr", *r->find("stderr"));
        return fail;
      }
      const std::string so = r->find("stdout")->as_string();
      return Map{{"changed", true},
                 {"stdout", Value(so)},
                 {"stderr", *r->find("stderr")},
                 {"diff", Value(ParseDiff(so))}};  // install_deb always parses it
    }

    // autoclean, when no package is named (Ansible's cleanup).
    if (specs.empty() && flag("autoclean")) return Cleanup(ctx, base, args, lock, "autoclean");

    // --- absent
    if (state == "absent") {
      const bool purge = flag("purge");
      std::vector<std::string> remove;
      for (const AptPackageSpec& s : specs) {
        const AptPackageState& st = states[s.name];
        bool version_installed = st.Installed();
        if (version_installed && s.cmp == "=")
          version_installed = Glob(s.version, st.installed_version);
        if (version_installed || (st.HasFiles() && purge)) remove.push_back(s.text);
      }
      if (remove.empty()) {
        if (autoremove) return Cleanup(ctx, base, args, lock);
        return Map{{"changed", false}};
      }
      Command c{{"/usr/bin/apt-get", "-q", "-y"}};
      for (const std::string& o : DpkgOptions(ArgText(args, "dpkg_options"))) c.words.push_back(o);
      if (purge) c.words.push_back("--purge");
      if (force) c.words.push_back("--force-yes");
      if (autoremove) c.words.push_back("--auto-remove");
      if (check) c.words.push_back("--simulate");
      c.words.push_back("remove");
      c.words.insert(c.words.end(), remove.begin(), remove.end());
      Result<Map> r = RunApt(ctx, c, args, lock);
      if (!r) return r;
      if (r->contains("rc")) {
        Map f = Failed("'apt-get remove " + Join(remove, " ") +
                       "' failed: " + r->find("stderr")->as_string());
        f.set("stdout", *r->find("stdout"));
        f.set("stderr", *r->find("stderr"));
        f.set("rc", *r->find("rc"));
        return f;
      }
      const std::string so = r->find("stdout")->as_string();
      return Map{{"changed", true},
                 {"stdout", Value(so)},
                 {"stderr", *r->find("stderr")},
                 {"diff", Value(ctx.diff_mode ? ParseDiff(so) : Map{})}};
    }

    if (specs.empty()) {
      if (autoremove) return Cleanup(ctx, base, args, lock);
      return Map{{"changed", false},
                 {"cache_updated", cache_updated},
                 {"cache_update_time", Value(cache_time)}};
    }

    // --- present / latest
    const bool latest = state == "latest";
    const bool only_upgrade = flag("only_upgrade");
    std::vector<std::string> install, names, make_manual;
    for (const AptPackageSpec& s : specs) {
      const AptPackageState& st = states[s.name];
      names.push_back(s.name);
      if (st.versions.empty() && st.candidate.empty() && st.providers.empty() && !st.Installed())
        return Failed("No package matching '" + s.name + "' is available");
      AptDecision d = DecideAptPackage(s, st);
      if (!d.installed && only_upgrade) continue;
      if (!d.version_installed && d.installable.empty()) {
        Map f = Failed("no available installation candidate for " + s.text);
        f.set("cache_updated", cache_updated);
        f.set("cache_update_time", Value(cache_time));
        return f;
      }
      if (!d.installable.empty() &&
          ((!d.installed && !only_upgrade) || latest || !d.version_installed)) {
        if (d.installable != kAptLetDecide)
          install.push_back(s.name + "=" + d.installable);
        else if (!s.version.empty())
          install.push_back(s.name + "=" + s.version);
        else
          install.push_back(s.name);
      } else if (d.version_installed && !d.installable.empty() && s.cmp == "=") {
        install.push_back(s.name + "=" + s.version);
      }
      if (st.is_auto) make_manual.push_back(s.name);
    }
    Map result;
    if (install.empty()) {
      result = Map{{"changed", false}};
      if (!check && !make_manual.empty()) {
        std::string script = "apt-mark manual";
        for (const std::string& n : make_manual) script += " " + ShellQuote(n);
        Result<connection::ExecResult> m = ctx.Exec(script + " >/dev/null");
        if (!m) return m.take_error();
        if (m->exit_status != 0) {
          Map f =
              Failed("'apt-mark manual " + Join(make_manual, " ") + "' failed: " + m->stderr_data);
          f.set("rc", m->exit_status);
          return f;
        }
      }
    } else {
      Command c{base};
      if (only_upgrade) c.words.push_back("--only-upgrade");
      if (force) c.words.push_back("--force-yes");
      if (autoremove) c.words.push_back("--auto-remove");
      if (flag("fail_on_autoremove")) c.words.push_back("--no-remove");
      if (check) c.words.push_back("--simulate");
      c.words.push_back("install");
      c.words.insert(c.words.end(), install.begin(), install.end());
      if (!release.empty()) c.words.insert(c.words.end(), {"-t", release});
      if (const Value* ir = args.find("install_recommends"); ir && !ir->is_null())
        c.words.insert(c.words.end(), {"-o", ir->as_bool() ? "APT::Install-Recommends=yes"
                                                           : "APT::Install-Recommends=no"});
      if (flag("allow_unauthenticated")) c.words.push_back("--allow-unauthenticated");
      if (flag("allow_downgrade")) c.words.push_back("--allow-downgrades");
      if (flag("allow_change_held_packages")) c.words.push_back("--allow-change-held-packages");
      Result<Map> r = RunApt(ctx, c, args, lock, check ? std::vector<std::string>{} : names);
      if (!r) return r;
      if (r->contains("rc")) {
        result =
            Map{{"failed", true},
                {"changed", false},
                {"msg", Value("'" + c.Display() + "' failed: " + r->find("stderr")->as_string())},
                {"stdout", *r->find("stdout")},
                {"stderr", *r->find("stderr")},
                {"rc", *r->find("rc")}};
      } else {
        const std::string so = r->find("stdout")->as_string();
        result = Map{{"changed", true},
                     {"stdout", Value(so)},
                     {"stderr", *r->find("stderr")},
                     {"diff", Value(ctx.diff_mode ? ParseDiff(so) : Map{})}};
      }
    }
    result.set("cache_updated", cache_updated);
    result.set("cache_update_time", Value(cache_time));
    return result;
  }

 private:
  // Runs `c` (with the dpkg lock timeout and policy-rc.d), then `apt-mark
  // manual` for `mark_manual` when it succeeded. Returns stdout and stderr,
  // plus rc when the command failed.
  static Result<Map> RunApt(RunContext& ctx, const Command& c, const Map& args,
                            const std::string& lock,
                            const std::vector<std::string>& mark_manual = {}) {
    std::string body = c.Shell() + " -o " + ShellQuote(lock);
    if (!mark_manual.empty()) {
      body += " && { apt-mark manual";
      for (const std::string& n : mark_manual) body += " " + ShellQuote(n);
      body += " >/dev/null || exit 1; }";
    }
    std::string script = std::string(kAptEnv) + WithPolicyRcD(*args.find("policy_rc_d"), body);
    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    Map m{{"stdout", Value(res->stdout_data)}, {"stderr", Value(res->stderr_data)}};
    if (res->exit_status != 0) m.set("rc", res->exit_status);
    return m;
  }

  // Removes a downloaded deb's directory ("" = none).
  static void DebCleanup(RunContext& ctx, const std::string& dir) {
    if (!dir.empty()) (void)ctx.Exec("rm -rf -- " + ShellQuote(dir));
  }

  // apt-get autoremove or autoclean (Ansible's cleanup).
  static Result<Map> Cleanup(RunContext& ctx, const std::vector<std::string>& base, const Map& args,
                             const std::string& lock, const std::string& operation = "autoremove") {
    Command c{base};
    auto flag = [&](const char* k) {
      const Value* v = args.find(k);
      return v && !v->is_null() && v->as_bool();
    };
    if (flag("purge")) c.words.push_back("--purge");
    if (flag("force")) c.words.push_back("--force-yes");
    c.words.push_back(operation);
    if (ctx.check_mode) c.words.push_back("--simulate");
    Result<Map> r = RunApt(ctx, c, args, lock);
    if (!r) return r;
    const std::string so = r->find("stdout")->as_string();
    if (r->contains("rc")) {
      Map f = Failed("'apt-get " + operation + "' failed: " + r->find("stderr")->as_string());
      f.set("stdout", Value(so));
      f.set("stderr", *r->find("stderr"));
      f.set("rc", *r->find("rc"));
      return f;
    }
    const char* marker =
        operation == "autoclean" ? "Del " : "The following packages will be REMOVED";
    return Map{{"changed", so.find(marker) != std::string::npos},
               {"stdout", Value(so)},
               {"stderr", *r->find("stderr")},
               {"diff", Value(ctx.diff_mode ? ParseDiff(so) : Map{})}};
  }
};

}  // namespace

const Module& AptModule() {
  static const Apt m;
  return m;
}

}  // namespace drover::modules
