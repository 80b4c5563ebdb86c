#include "modules/crypto_host.h"

#include "core/secrets.h"

namespace drover::modules::crypto {

std::string Prelude(bool have_pw) {
  std::string s = HostScriptPrelude(true) + StatShellFunction();
  s += "UMASK0=$(umask)\numask 077\nHAVE_PW=" + std::string(have_pw ? "1" : "0") + "\nPW=\n";
  if (have_pw) s += "IFS= read -r PW || [ -n \"$PW\" ]\n";
  s += R"SH(need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed on $(uname -n 2>/dev/null || echo the host): the task needs it"
}
pw() { printf '%s\n' "$PW"; }
pubkey() {
  if [ "$HAVE_PW" = 1 ]; then pw | openssl pkey -in "$1" -passin stdin -pubout 2>/dev/null
  else openssl pkey -in "$1" -passin pass: -pubout </dev/null 2>/dev/null; fi
}
b64() { base64 <"$1"; }
keyfields() {
  if grep -q -e '^Proc-Type: 4,ENCRYPTED' -e '^-----BEGIN ENCRYPTED PRIVATE KEY-----' "$2"; then field "$1_enc" 1; else field "$1_enc" 0; fi
  pubkey "$2" >"$T/$1.pub" && field "$1_pub" "$(cat "$T/$1.pub")"
}
put() {
  __d=$(dirname "$2")
  __t=$(mktemp "$__d/.drover_tmp.XXXXXX") || fail "cannot write in $__d"
  cat "$1" >"$__t" || { rm -f "$__t"; fail "cannot write $2"; }
  if [ -e "$2" ]; then chmod "$(stat -c %a "$2")" "$__t"; chown "$(stat -c %u:%g "$2")" "$__t" 2>/dev/null
  else chmod "$(printf %o $((0666 & ~0$UMASK0)))" "$__t"; fi
  mv -f "$__t" "$2" || { rm -f "$__t"; fail "cannot write $2"; }
}
)SH";
  return s;
}

std::optional<std::string> PassphraseStdin(const std::optional<std::string>& passphrase) {
  if (!passphrase) return std::nullopt;
  RegisterSecret(*passphrase);
  return *passphrase + "\n";
}

AttrsPlan PlanAttrs(const Map& args, const std::optional<RemoteStat>& st,
                    std::optional<unsigned> default_mode) {
  AttrsPlan plan;
  const std::string path = ArgText(args, "path");
  const std::string owner = ArgText(args, "owner"), group = ArgText(args, "group");
  const unsigned current = st && st->exists ? st->Perms() : 0;
  const Value* mode_arg = args.find("mode");
  std::optional<unsigned> mode;
  if (mode_arg && !mode_arg->is_null()) {
    Result<std::optional<unsigned>> m = ResolveMode(*mode_arg, current, false);
    if (!m) {
      plan.error = m.error().message;
      return plan;
    }
    mode = *m;
  } else {
    mode = default_mode;
  }
  const bool absent = !st || !st->exists;
  const bool owner_differs = absent ? !owner.empty() : OwnerDiffers(owner, *st);
  const bool group_differs = absent ? !group.empty() : GroupDiffers(group, *st);
  const bool mode_differs = mode && (absent || *mode != current);
  if (!owner_differs && !group_differs && !mode_differs) return plan;
  plan.script = AttrsScript(path, owner_differs ? owner : "", group_differs ? group : "",
                            mode_differs ? mode : std::nullopt);
  return plan;
}

std::optional<Result<Map>> ApplyAttrs(RunContext& ctx, const Map& args,
                                      const std::optional<RemoteStat>& st,
                                      std::optional<unsigned> default_mode, bool* changed) {
  if (ctx.check_mode && (!st || !st->exists)) {
    *changed = true;
    return std::nullopt;
  }
  AttrsPlan plan = PlanAttrs(args, st, default_mode);
  if (!plan.error.empty()) return Result<Map>(Failed(plan.error));
  if (plan.script.empty()) return std::nullopt;
  *changed = true;
  if (ctx.check_mode) return std::nullopt;
  Result<connection::ExecResult> a = ctx.Exec(plan.script);
  if (!a) return Result<Map>(a.take_error());
  if (a->exit_status != 0) return Result<Map>(Failed(RStrip(a->stderr_data)));
  return std::nullopt;
}

std::string ParentDirCheck(const std::string& path_var) {
  return "__b=$(dirname \"$" + path_var +
         "\"); [ -d \"$__b\" ] || fail \"The directory $__b does not exist or the file is not a "
         "directory\"\n";
}

std::string KeyLoadError(const HostFields& f, const std::string& name, bool has_passphrase) {
  const bool encrypted = FieldValue(f, name + "_enc") == "1";
  const bool readable = FieldValue(f, name + "_pub").has_value();
  if (encrypted && !has_passphrase)
    return "No passphrase provided, but private key is password-protected!";
  if (!encrypted && has_passphrase)
    return "Passphrase provided, but private key is not password-protected!";
  if (!readable)
    return encrypted ? "Wrong passphrase provided for private key!"
                     : "Error while deserializing key: the host's openssl cannot read it";
  return "";
}

Map NotImplemented(const std::string& module, const std::string& what) {
  return Failed(module + ": " + what + " is not implemented by drover");
}

}  // namespace drover::modules::crypto
