#include "modules/host_script.h"

#include <cctype>
#include <cstdlib>

#include "connection/shell.h"

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
