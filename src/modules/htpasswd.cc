// htpasswd (community.general.htpasswd) without passlib: one round trip
// reads the file, verifies the user's hash with the host's `openssl passwd`
// (apr1, md5, sha256 and sha512 crypt, with the stored salt and rounds),
// {SHA} (`openssl dgst -sha1`) or as plain text, as passlib's context does,
// and (outside check mode) adds, replaces or removes the user's line and
// drops blank lines as Ansible's module does, writing the new file beside the old one and renaming
// it into place (a failed write leaves the old file). The password arrives on stdin and reaches
// openssl through a pipe: never on a command line. mode, owner and group are applied in a second
// round trip only when they differ.
//
// Partial: new hashes are made with openssl's defaults (sha256/sha512 crypt
// with 5000 rounds where passlib uses more; both verify); bcrypt and
// des_crypt cannot be made (a clear failure; an existing des_crypt hash
// never verifies, so its line is rewritten).
#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// The openssl-made scheme for a passlib scheme name, or "" (unsupported).
std::string OpensslScheme(const std::string& crypt_scheme) {
  if (crypt_scheme == "apr_md5_crypt") return "apr1";
  if (crypt_scheme == "md5_crypt") return "1";
  if (crypt_scheme == "sha256_crypt") return "5";
  if (crypt_scheme == "sha512_crypt") return "6";
  if (crypt_scheme == "ldap_sha1") return "sha1";
  if (crypt_scheme == "plaintext") return "plain";
  return "";
}

// Variables: P, U, STATE, CREATE, CHECK, SCHEME; PW from stdin.
constexpr const char* kHtpasswdScript = R"SH(
[ "$STATE" = present ] && { IFS= read -r PW || [ -n "$PW" ]; }
hash_with() { # SCHEME [SALT]: the hash of $PW
  case $1 in
    apr1|1|5|6)
      command -v openssl >/dev/null 2>&1 || fail "Failed to find required executable \"openssl\" in paths: $PATH"
      if [ -n "${2:-}" ]; then printf '%s\n' "$PW" | openssl passwd -"$1" -salt "$2" -stdin
      else printf '%s\n' "$PW" | openssl passwd -"$1" -stdin; fi ;;
    sha1) printf '{SHA}%s\n' "$(printf '%s' "$PW" | openssl dgst -sha1 -binary | base64)" ;;
    plain) printf '%s\n' "$PW" ;;
  esac
}
verify() { # HASH: whether $PW matches it
  case $1 in
    '$apr1$'*|'$1$'*|'$5$'*|'$6$'*)
      s=${1#\$*\$}; k=${1#\$}; k=${k%%\$*}
      case $s in rounds=*) s=${s%\$*} ;; *) s=${s%%\$*} ;; esac
      [ "$(hash_with "$k" "$s")" = "$1" ] ;;
    '{SHA}'*) [ "$(hash_with sha1)" = "$1" ] ;;
    *) [ "$PW" = "$1" ] ;;
  esac
}
# install_new: $NEW (written beside $P) replaces $P atomically, keeping
# its mode and owner; on any failure $NEW is removed, $P stays as it was.
install_new() {
  e=$( ( finish_install ) 2>&1) || { rm -f -- "$NEW"; fail "$e"; }
}
# rewrite SKIP_USER [NEW_LINE]: the file without blank lines and without
# SKIP_USER's line, NEW_LINE in its place (or appended).
rewrite() {
  done_=0
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in *[![:space:]]*) ;; *) continue ;; esac
    if [ -n "$1" ] && [ "${l%%:*}" = "$1" ]; then
      [ -n "${2:-}" ] && [ $done_ = 0 ] && printf '%s\n' "$2"
      done_=1
      continue
    fi
    printf '%s\n' "$l"
  done <"$P" >"$NEW" || { rm -f -- "$NEW"; fail "cannot write $P"; }
  if [ -n "${2:-}" ] && [ $done_ = 0 ]; then
    printf '%s\n' "$2" >>"$NEW" || { rm -f -- "$NEW"; fail "cannot write $P"; }
  fi
  install_new
}
blank=0
if [ -f "$P" ]; then
  grep -q '^[[:space:]]*$' "$P" && blank=1
  [ $blank = 1 ] && [ "$CHECK" = 0 ] && rewrite ""
fi
if [ "$STATE" = present ]; then
  if [ ! -e "$P" ]; then
    [ "$CREATE" = 1 ] || fail "Destination $P does not exist"
    if [ "$CHECK" = 1 ]; then field msg "Create $P"; field changed 1
    else
      d=$(dirname "$P"); [ -d "$d" ] || mkdir -p "$d" || fail "cannot create $d"
      h=$(hash_with "$SCHEME") && [ -n "$h" ] || fail "openssl could not hash the password"
      printf '%s:%s\n' "$U" "$h" >"$NEW" || { rm -f -- "$NEW"; fail "cannot write $P"; }
      install_new
      field msg "Created $P and added $U"; field changed 1
    fi
  else
    found=0
    while IFS= read -r l || [ -n "$l" ]; do
      [ "${l%%:*}" = "$U" ] && case $l in *:*) found=1; H=${l#*:}; break ;; esac
    done <"$P"
    if [ $found = 1 ] && verify "$H"; then field msg "$U already present"; field changed 0
    else
      if [ "$CHECK" = 0 ]; then
        h=$(hash_with "$SCHEME") && [ -n "$h" ] || fail "openssl could not hash the password"
        rewrite "$U" "$U:$h"
      fi
      field msg "Add/update $U"; field changed 1
    fi
  fi
else
  if [ ! -e "$P" ]; then field msg "$U not present"; field warning "$P does not exist"; field changed 0; exit 0
  elif cut -d: -f1 "$P" | grep -qxF -- "$U"; then
    [ "$CHECK" = 0 ] && rewrite "$U"
    field msg "Remove $U"; field changed 1
  else field msg "$U not present"; field changed 0; fi
fi
__drover_stat "$P" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
)SH";

class Htpasswd : public Module {
 public:
  std::string_view Name() const override { return "htpasswd"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest", "destfile"}, {}},
        {"name", ArgType::kStr, {}, true, {"username"}, {}},
        {"password", ArgType::kStr, {}, false, {}, {}},
        {"crypt_scheme", ArgType::kStr, Value("apr_md5_crypt"), false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"create", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path"), user = ArgText(args, "name");
    const std::string state = ArgText(args, "state");
    const std::string crypt_scheme = ArgText(args, "crypt_scheme");
    const std::string scheme = OpensslScheme(crypt_scheme);
    if (state == "present" && scheme.empty())
      return Failed("htpasswd: crypt_scheme " + crypt_scheme +
                    " is not supported by drover (apr_md5_crypt, md5_crypt, sha256_crypt, "
                    "sha512_crypt, ldap_sha1, plaintext are)");
    std::optional<std::string> password = OptionalArgText(args, "password");
    std::optional<std::string> stdin_data;
    if (state == "present") stdin_data = password.value_or("") + "\n";

    std::string s = HostScriptPrelude(true) + StatShellFunction();
    s += "P=" + ShellQuote(path) + "; U=" + ShellQuote(user) + "; STATE=" + state +
         "; CREATE=" + (args.find("create")->as_bool() ? "1" : "0") +
         "; CHECK=" + (ctx.check_mode ? "1" : "0") + "; SCHEME=" + scheme + "\n";
    // The new file is written beside the old one, then installed atomically.
    const std::string temp = connection::TempNameBeside(path);
    s += "NEW=" + ShellQuote(temp) + "\ntrap 'rm -rf \"$T\"; rm -f -- \"$NEW\"' EXIT\n";
    s += "finish_install() {\n" + connection::FinishInstallScript(temp, path, {}) + "}\n";
    s += kHtpasswdScript;
    Result<connection::ExecResult> r = ctx.Exec(s, stdin_data);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    auto msg = FieldValue(f, "msg");
    if (!msg) return Failed("htpasswd: the host failed: " + r->stderr_data);
    bool changed = FieldValue(f, "changed") == "1";
    Map result{{"msg", Value(*msg)}, {"changed", changed}};
    if (auto w = FieldValue(f, "warning")) {
      result.set("warnings", Value(List{Value(*w)}));
      return result;
    }

    // Ansible's check_file_attrs: the attributes are applied, but its
    // message and changed are not reported (the module discards them).
    std::optional<RemoteStat> st = ParseStatOutput(FieldValue(f, "stat").value_or(""));
    if (!st || !st->exists) return result;
    const std::string owner = ArgText(args, "owner"), group = ArgText(args, "group");
    const Value* mode_arg = args.find("mode");
    Result<std::optional<unsigned>> mode =
        ResolveMode(mode_arg ? *mode_arg : Value(), st->Perms(), false);
    if (!mode) return Failed(mode.error().message);
    const bool mode_differs = mode->has_value() && **mode != st->Perms();
    if (!OwnerDiffers(owner, *st) && !GroupDiffers(group, *st) && !mode_differs) return result;
    if (!ctx.check_mode) {
      Result<connection::ExecResult> a = ctx.Exec(AttrsScript(path, owner, group, *mode));
      if (!a) return a.take_error();
      if (a->exit_status != 0) return Failed(RStrip(a->stderr_data));
    }
    // Ansible's module drops check_file_attrs' msg and changed: so does drover.
    return result;
  }
};

}  // namespace

const Module& HtpasswdModule() {
  static const Htpasswd m;
  return m;
}

}  // namespace drover::modules
