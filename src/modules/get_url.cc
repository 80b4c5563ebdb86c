// get_url (ansible.builtin.get_url): downloads a URL *on the host* (curl,
// else wget) into a temporary file beside the destination, verifies the
// checksum, and renames it into place only when its content differs, in
// one round trip (a second only to fix owner/group/mode).
//
// As Ansible: an existing dest with a matching `checksum` (and force=no) is
// not downloaded at all; an existing dest without one is fetched with
// If-Modified-Since (a 304 leaves it alone); a directory dest takes the
// name from Content-Disposition or the URL. Differences: a checksum
// mismatch fails *before* the file is moved, so dest is left untouched
// (Ansible moves it in and then deletes it); check mode downloads to a
// private temporary directory and compares, so it reports changed only
// when the content would change (Ansible sends HEAD and reports changed
// unless it gets a 304). Partial: a checksum given as a URL, ciphers,
// use_gssapi, use_netrc and unredirected_headers are accepted and ignored.
#include <chrono>
#include <set>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

const std::set<std::string>& Algorithms() {
  static const std::set<std::string> a = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};
  return a;
}

class GetUrl : public Module {
 public:
  std::string_view Name() const override { return "get_url"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"url", ArgType::kStr, {}, true, {}, {}},
        {"dest", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"checksum", ArgType::kStr, Value(""), false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {"thirsty"}, {}},
        {"timeout", ArgType::kInt, Value(10), false, {}, {}},
        {"headers", ArgType::kDict, {}, false, {}, {}},
        {"tmp_dest", ArgType::kPath, {}, false, {}, {}},
        {"http_agent", ArgType::kStr, Value("ansible-httpget"), false, {}, {}},
        {"use_proxy", ArgType::kBool, Value(true), false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"url_username", ArgType::kStr, {}, false, {"username"}, {}},
        {"url_password", ArgType::kStr, {}, false, {"password"}, {}},
        {"force_basic_auth", ArgType::kBool, Value(false), false, {}, {}},
        {"client_cert", ArgType::kPath, {}, false, {}, {}},
        {"client_key", ArgType::kPath, {}, false, {}, {}},
        {"use_gssapi", ArgType::kBool, Value(false), false, {}, {}},
        {"unredirected_headers", ArgType::kList, Value(List{}), false, {}, {}},
        {"decompress", ArgType::kBool, Value(true), false, {}, {}},
        {"ciphers", ArgType::kList, {}, false, {}, {}},
        {"use_netrc", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const auto started = std::chrono::steady_clock::now();
    const std::string url = ArgText(args, "url");
    std::string dest = ArgText(args, "dest");
    const bool force = args.find("force")->as_bool();
    const bool backup = args.find("backup")->as_bool();
    const std::string tmp_dest = ArgText(args, "tmp_dest");
    Map result{{"changed", false},
               {"checksum_dest", Value()},
               {"checksum_src", Value()},
               {"dest", Value(dest)},
               {"elapsed", 0},
               {"url", Value(url)}};
    auto fail = [&](std::string msg) {
      Map f = result;
      f.set("failed", true);
      f.set("msg", Value(std::move(msg)));
      return f;
    };

    // checksum: "<algorithm>:<hex>", non-word characters dropped, lowercased.
    std::string algo, want;
    if (std::string cs = ArgText(args, "checksum"); !cs.empty()) {
      size_t colon = cs.find(':');
      if (colon == std::string::npos)
        return fail("The checksum parameter has to be in format <algorithm>:<checksum>");
      algo = cs.substr(0, colon);
      for (char c : cs.substr(colon + 1))
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
          want += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (want.rfind("http", 0) == 0 || want.rfind("ftp", 0) == 0 || want.rfind("file", 0) == 0)
        return fail("get_url: a checksum given as a URL is not implemented by drover yet");
      if (want.empty() || want.find_first_not_of("0123456789abcdef") != std::string::npos)
        return fail("The checksum format is invalid");
      if (!Algorithms().count(algo))
        return fail("Could not hash file '" + dest + "' with algorithm '" + algo +
                    "'. Available algorithms: md5, sha1, sha224, sha256, sha384, sha512");
    }

    HttpRequest req;
    req.url = url;
    req.method = "GET";
    if (const Value* h = args.find("headers"); h && h->is_map())
      for (const auto& [k, v] : h->as_map())
        req.headers.push_back({k, v.is_string() ? v.as_string() : ArgText(h->as_map(), k.c_str())});
    ApplyUrlCommonArgs(args, &req);

    Result<connection::ExecResult> res = ctx.Exec(
        Script(url, dest, algo, want, force, backup, tmp_dest, ctx.check_mode), HttpConfig(req));
    if (!res) return res.take_error();
    result.set("elapsed", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                   std::chrono::steady_clock::now() - started)
                                                   .count()));
    const std::string& out = res->stdout_data;
    if (std::optional<std::string> d = TaggedLine(out, "DROVER_DEST")) {
      dest = *d;
      result.set("dest", Value(dest));
    }
    std::optional<RemoteStat> st = ParseStatOutput(out);
    auto with_attrs = [&](Map r) {
      if (st && st->exists) AddPathAttrs(*st, &r);
      return r;
    };
    if (std::optional<std::string> f = TaggedLine(out, "DROVER_FAIL")) return with_attrs(fail(*f));
    const bool skipped = TaggedLine(out, "DROVER_SKIP").has_value();
    HttpOutcome http = ParseHttpOutput(out);
    if (!skipped) {
      if (!http.ran)
        return fail("get_url: the download script failed on the host: " + res->stderr_data);
      if (http.tool_exit != 0) {
        return with_attrs(fail("Request failed: " + http.error));
      }
      if (http.status == 304) {
        Map r{{"url", Value(url)},  {"dest", Value(dest)},
              {"changed", false},   {"msg", Value("HTTP Error 304: " + http.head.reason)},
              {"status_code", 304}, {"elapsed", *result.find("elapsed")}};
        return with_attrs(r);
      }
      if (http.status != 200 && url.rfind("file:/", 0) != 0) {
        Map f{{"failed", true},
              {"changed", false},
              {"msg", "Request failed"},
              {"status_code", Value(http.status)},
              {"response",
               Value("HTTP Error " + std::to_string(http.status) + ": " + http.head.reason)},
              {"url", Value(url)},
              {"dest", Value(dest)},
              {"elapsed", *result.find("elapsed")}};
        return with_attrs(f);
      }
      if (std::optional<std::string> s = TaggedLine(out, "DROVER_SRC"))
        result.set("checksum_src", Value(*s));
      if (std::optional<std::string> s = TaggedLine(out, "DROVER_DST"))
        result.set("checksum_dest", Value(*s));
      if (std::optional<std::string> got = TaggedLine(out, "DROVER_MISMATCH"))
        return with_attrs(
            fail("The checksum for " + dest + " did not match " + want + "; it was " + *got + "."));
      result.set("src", Value(TaggedLine(out, "DROVER_TMP").value_or("")));
    }
    if (!st || res->exit_status != 0)
      return fail("get_url: could not install " + dest + " on the host: " + res->stderr_data);
    bool changed = skipped          ? false
                   : ctx.check_mode ? result.find("checksum_src")->as_string() !=
                                          (result.find("checksum_dest")->is_null()
                                               ? std::string()
                                               : result.find("checksum_dest")->as_string())
                                    : TaggedLine(out, "DROVER_MOVED").has_value();
    if (std::optional<std::string> b = TaggedLine(out, "DROVER_BACKUP"))
      result.set("backup_file", Value(*b));

    // Owner, group and mode: a second round trip only when they differ.
    if (st->exists) {
      const std::string owner = ArgText(args, "owner"), group = ArgText(args, "group");
      Result<std::optional<unsigned>> mode = ResolveMode(*args.find("mode"), st->Perms(), false);
      if (!mode) return fail(mode.error().message);
      std::optional<unsigned> new_mode = (*mode && **mode != st->Perms()) ? *mode : std::nullopt;
      const bool owner_differs = OwnerDiffers(owner, *st), group_differs = GroupDiffers(group, *st);
      if (owner_differs || group_differs || new_mode) {
        changed = true;
        if (!ctx.check_mode) {
          Result<connection::ExecResult> fix = ctx.Exec(
              AttrsScript(dest, owner_differs ? owner : "", group_differs ? group : "", new_mode) +
              StatShellFunction(false) + "__drover_stat " + ShellQuote(dest) + " ''\n");
          if (!fix) return fix.take_error();
          if (fix->exit_status != 0) return fail(fix->stderr_data);
          std::optional<RemoteStat> now = ParseStatOutput(fix->stdout_data);
          if (now && now->exists)
            st->st_mode = now->st_mode, st->uid = now->uid, st->gid = now->gid,
            st->owner = now->owner, st->group = now->group;
        }
      }
    }
    result.set("changed", changed);
    if (skipped) {
      result.set("msg", changed ? "file already exists but file attributes changed"
                                : "file already exists");
      return with_attrs(result);
    }
    if (!ctx.check_mode && st->exists) result.set("md5sum", Value(st->checksum));
    std::optional<std::string> length = http.head.Get("Content-Length");
    result.set("msg", Value("OK (" + length.value_or("unknown") + " bytes)"));
    if (!ctx.check_mode) result.set("status_code", Value(http.status));
    return with_attrs(result);
  }

 private:
  // The host side, in one script (stdin: the request's HttpConfig).
  static std::string Script(const std::string& url, const std::string& dest,
                            const std::string& algo, const std::string& want, bool force,
                            bool backup, const std::string& tmp_dest, bool check) {
    std::string s = HttpShellPrelude(true, url) + StatShellFunction(false);
    s += "__gd=" + ShellQuote(dest) + "\n__gwant=" + ShellQuote(want) +
         "\n__galgo=" + ShellQuote(algo) + "\n__gforce=" + (force ? "1" : "0") +
         "\n__gtmpdest=" + ShellQuote(tmp_dest) + "\n";
    s += R"SH(__gisdir=0; [ -d "$__gd" ] && __gisdir=1
__gims=
__gsum() { __gx=$("$1"sum < "$2") || return 1; printf '%s' "${__gx%% *}"; }
if [ $__gisdir = 0 ] && [ -e "$__gd" ]; then
  if [ $__gforce = 0 ] && [ -n "$__gwant" ]; then
    if [ "$(__gsum "$__galgo" "$__gd")" = "$__gwant" ]; then
      echo "DROVER_SKIP|"; __drover_stat "$__gd" md5; exit 0
    fi
    __gforce=1
  fi
  [ $__gforce = 1 ] || __gims=$__gd
fi
if [ $__gisdir = 1 ]; then __gdir=$__gd; else __gdir=$(dirname -- "$__gd"); fi
if [ ! -d "$__gdir" ]; then printf 'DROVER_FAIL|Destination %s does not exist\n' "$__gdir"; exit 0; fi
if [ ! -w "$__gdir" ]; then printf 'DROVER_FAIL|Destination %s is not writable\n' "$__gdir"; exit 0; fi
)SH";
    // Where the body lands: tmp_dest, the private directory in check mode,
    // else beside the destination (so the final move is a rename).
    if (!tmp_dest.empty()) {
      s += R"SH(if [ ! -d "$__gtmpdest" ]; then
  if [ -e "$__gtmpdest" ]; then printf 'DROVER_FAIL|%s is a file but should be a directory.\n' "$__gtmpdest"
  else printf 'DROVER_FAIL|%s directory does not exist.\n' "$__gtmpdest"; fi
  exit 0
fi
__hx_tmp=$(mktemp "$__gtmpdest/.drover-get_url.XXXXXX") || exit 1
)SH";
    } else if (check) {
      s += "__hx_tmp=\"$__hx/body\"; : > \"$__hx_tmp\"\n";
    } else {
      s += "__hx_tmp=$(mktemp \"$__gdir/.drover-get_url.XXXXXX\") || exit 1\n";
    }
    s += R"SH(printf 'DROVER_TMP|%s\n' "$__hx_tmp"
__drover_http "$__hx_tmp" "$__hx/hdr" "$__gims"
)SH";
    s += PrintHeadersShell("\"$__hx/hdr\"");
    s += R"SH(__gend() { if [ -e "$__gd" ]; then __drover_stat "$__gd"; fi; exit 0; }
case $__hr in 0) ;; *) __gend;; esac
case $__hw in 200\|*) ;; *) case $__gurl in file:/*) ;; *) __gend;; esac;; esac
if [ $__gisdir = 1 ]; then
  __gf=$(sed -n 's/^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Dd][Ii][Ss][Pp][Oo][Ss][Ii][Tt][Ii][Oo][Nn]: *attachment; \{0,1\}filename="\{0,1\}\([^"]*\).*$/\1/p' "$__hx/hdr" | tr -d '\r' | tail -n 1)
  __gf=${__gf##*/}
  if [ -z "$__gf" ]; then
    __gu=${__hw#*|*|}; __gu=${__gu%%\?*}; __gu=${__gu%%#*}
    case $__gu in *://*/*) __gu=${__gu#*://*/};; *) __gu=;; esac
    __gf=${__gu##*/}
  fi
  [ -n "$__gf" ] || __gf=index.html
  __gd=${__gd%/}/$__gf
  printf 'DROVER_DEST|%s\n' "$__gd"
fi
__gsrc=$(__gsum sha1 "$__hx_tmp") || exit 1
printf 'DROVER_SRC|%s\n' "$__gsrc"
if [ -n "$__gwant" ]; then
  __ggot=$(__gsum "$__galgo" "$__hx_tmp") || exit 1
  if [ "$__ggot" != "$__gwant" ]; then printf 'DROVER_MISMATCH|%s\n' "$__ggot"; exit 0; fi
fi
__gdst=
if [ -e "$__gd" ]; then
  if [ ! -w "$__gd" ]; then printf 'DROVER_FAIL|Destination %s is not writable\n' "$__gd"; exit 0; fi
  if [ ! -r "$__gd" ]; then printf 'DROVER_FAIL|Destination %s is not readable\n' "$__gd"; exit 0; fi
  __gdst=$(__gsum sha1 "$__gd") || exit 1
  printf 'DROVER_DST|%s\n' "$__gdst"
fi
)SH";
    if (!check) {
      if (backup) {
        s += "if [ -n \"$__gdst\" ] && [ \"$__gsrc\" != \"$__gdst\" ]; then\n"
             "  __gb=\"$__gd.$$.$(date '+%Y-%m-%d@%H:%M:%S~')\"; cp -p -- \"$__gd\" \"$__gb\" || "
             "exit 1\n"
             "  printf 'DROVER_BACKUP|%s\\n' \"$__gb\"\n"
             "fi\n";
      }
      s += R"SH(if [ "$__gsrc" != "$__gdst" ]; then
  if [ -e "$__gd" ]; then
    chmod "$(stat -L -c %a -- "$__gd")" "$__hx_tmp" || exit 1
    chown "$(stat -L -c %u:%g -- "$__gd")" "$__hx_tmp" 2>/dev/null || :
  else
    chmod "$(printf '%o' $((0666 & ~$(umask))))" "$__hx_tmp" || exit 1
  fi
  mv -f -- "$__hx_tmp" "$__gd" || exit 1
  __hx_tmp=
  echo "DROVER_MOVED|"
fi
)SH";
    }
    s += "if [ -e \"$__gd\" ]; then __drover_stat \"$__gd\" md5; else echo 'DROVER_STAT|absent'; "
         "fi\n";
    s = "__gurl=" + ShellQuote(url) + "\n" + s;
    return s;
  }
};

}  // namespace

const Module& GetUrlModule() {
  static const GetUrl m;
  return m;
}

}  // namespace drover::modules
