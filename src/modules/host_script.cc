#include "modules/host_script.h"

#include <cctype>
#include <cstdlib>

#include "connection/shell.h"
#include "modules/file_common.h"

namespace drover::modules {

std::string HostScriptPrelude(bool c_locale) {
  std::string s;
  if (c_locale)
    s += "LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C\nexport LANG LC_ALL LC_MESSAGES LC_CTYPE\n";
  // A field's length in bytes, whatever the locale (bash counts characters).
  s += R"SH(field() { printf '%s %s\n%s\n' "$1" "$(LC_ALL=C; printf %s "${#2}")" "$2"; }
fail() { field fail "$1"; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/drover.XXXXXX") || { field fail "cannot create a temporary directory"; exit 0; }
trap 'rm -rf "$T"' EXIT
run() {
  "$@" >"$T/out" 2>"$T/err"
  RC=$?
  OUT=$(cat "$T/out"; printf x); OUT=${OUT%x}
  ERR=$(cat "$T/err"; printf x); ERR=${ERR%x}
}
)SH";
  return s;
}

std::string HostAttrsFunction() {
  return R"SH(attrs() { # PATH NEW: the directory's owner, group and mode as asked
  if [ "$CHECK" = 1 ]; then
    [ "$2" = 1 ] && return 0
    a=$(stat -c '%U %G %a' "$1")
    { [ -n "$OWNER" ] && [ "$OWNER" != "${a%% *}" ] && [ "$OWNER" != "$(stat -c %u "$1")" ]; } && { change; return 0; }
    g=${a#* }; g=${g% *}
    { [ -n "$GROUP" ] && [ "$GROUP" != "$g" ] && [ "$GROUP" != "$(stat -c %g "$1")" ]; } && { change; return 0; }
    case $MODE in ''|*[!0-7]*) ;; *) [ "$(printf %o "0$MODE")" != "$(printf %o "0${a##* }")" ] && change ;; esac
    return 0
  fi
  before=$(stat -c '%u %g %a' "$1")
  [ -n "$OWNER" ] && { chown "$OWNER" "$1" || fail "chown failed: $OWNER $1"; }
  [ -n "$GROUP" ] && { chgrp "$GROUP" "$1" || fail "chgrp failed: $GROUP $1"; }
  [ -n "$MODE" ] && { chmod "$MODE" "$1" || fail "chmod failed: $MODE $1"; }
  [ "$2" = 0 ] && [ "$before" != "$(stat -c '%u %g %a' "$1")" ] && change
  return 0
}
)SH";
}

Result<std::string> HostModeText(const Value* mode) {
  if (!mode || mode->is_null()) return std::string();
  if (mode->is_int()) {
    Result<std::optional<unsigned>> octal = ResolveMode(*mode, 0, false);
    if (!octal) return octal.take_error();
    return OctalMode(**octal);
  }
  if (!mode->is_string()) return MakeError("mode must be in octal or symbolic form");
  std::string text = mode->as_string();
  if (text.rfind("0o", 0) == 0) text = text.substr(2);
  return text;
}

std::string ShellJoin(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + connection::ShellQuote(w);
  return out;
}

std::string RStrip(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

HostFields ParseHostFields(const std::string& out) {
  HostFields fields;
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    if (nl == std::string::npos) break;
    std::string head = out.substr(at, nl - at);
    size_t sp = head.rfind(' ');
    if (sp == std::string::npos) break;
    size_t len = std::strtoull(head.c_str() + sp + 1, nullptr, 10);
    if (nl + 1 + len > out.size()) break;
    fields.emplace_back(head.substr(0, sp), out.substr(nl + 1, len));
    at = nl + 1 + len + 1;
  }
  return fields;
}

std::optional<std::string> FieldValue(const HostFields& fields, const std::string& name) {
  std::optional<std::string> found;
  for (const auto& [n, v] : fields)
    if (n == name) found = v;
  return found;
}

}  // namespace drover::modules
