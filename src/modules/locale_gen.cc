// locale_gen (community.general.locale_gen): one round trip checks that the
// locale is available (/etc/locale.gen, or /usr/share/i18n/SUPPORTED on
// Ubuntu-style hosts with /var/lib/locales/supported.d), whether `locale -a`
// lists it (encodings compared as Ansible's fix_case), and, outside check
// mode and only when the state differs, (un)comments its line in
// /etc/locale.gen and runs locale-gen, as Ansible's module does. Results:
// name, changed, msg "OK" (check mode: changed only).
//
// Partial: the Ubuntu flavour (supported.d) is refused with a message.
#include <cstring>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Ansible's fix_case: encodings spelled as glibc's locale -a may not.
std::string FixCase(std::string name) {
  static const std::pair<const char*, const char*> kNorm[] = {
      {".utf8", ".UTF-8"},    {".eucjp", ".EUC-JP"}, {".iso885915", ".ISO-8859-15"},
      {".cp1251", ".CP1251"}, {".koi8r", ".KOI8-R"}, {".armscii8", ".ARMSCII-8"},
      {".euckr", ".EUC-KR"},  {".gbk", ".GBK"},      {".gb18030", ".GB18030"},
      {".euctw", ".EUC-TW"}};
  for (const auto& [from, to] : kNorm)
    for (size_t at; (at = name.find(from)) != std::string::npos;)
      name.replace(at, strlen(from), to);
  return name;
}

class LocaleGen : public Module {
 public:
  std::string_view Name() const override { return "locale_gen"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name");
    const std::string state = ArgText(args, "state");
    const std::string q = ShellQuote(name);
    // The availability check as Ansible's is_available: a line
    // "[#] <name> <charset>" of /etc/locale.gen (fields compared exactly).
    const std::string script =
        "if [ -d /var/lib/locales/supported.d/ ]; then echo DROVER_UBUNTU; exit 0; fi\n"
        "[ -e /etc/locale.gen ] || { echo DROVER_NO_LOCALES; exit 0; }\n"
        "awk -v n=" +
        q +
        " '{ l = $0; sub(/^#?[ \\t]*/, \"\", l); split(l, f, \" \"); "
        "if (f[1] == n && l ~ /^[^ \\t]+_[^ \\t]+ [^ \\t]+[ \\t]*$/) { found = 1 } } "
        "END { if (found) print \"DROVER_AVAILABLE\" }' /etc/locale.gen\n"
        "echo DROVER_LOCALES; locale -a 2>/dev/null\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_UBUNTU", 0) == 0)
      return Failed(
          "locale_gen: hosts with /var/lib/locales/supported.d (Ubuntu) are not "
          "supported by drover yet");
    if (out.rfind("DROVER_NO_LOCALES", 0) == 0)
      return Failed(
          "/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package "
          "\"locales\" installed?");
    if (out.find("DROVER_AVAILABLE\n") == std::string::npos)
      return Failed("The locale you've entered is not available on your system.");
    bool present = false;
    const size_t list = out.find("DROVER_LOCALES\n");
    for (const Value& l : SplitLines(out.substr(list + 15)))
      if (FixCase(l.as_string()) == FixCase(name)) present = true;
    const bool changed = present != (state == "present");
    if (ctx.check_mode) return Map{{"changed", changed}};
    if (changed) {
      // Ansible's set_locale: re.sub(r'#{0,1}\s*NAME (?P<charset>.+)', ...)
      // on every line (NAME is a regular expression there too).
      const std::string replacement = state == "present" ? name + " \\1" : "# " + name + " \\1";
      const std::string sed = "s/#?[[:space:]]*" + name + " (.+)/" + replacement + "/";
      Result<connection::ExecResult> w = ctx.Exec("sed -i -E " + ShellQuote(sed) +
                                                  " /etc/locale.gen || exit 1\n"
                                                  "command -v locale-gen >/dev/null 2>&1 || { echo "
                                                  "'locale-gen is missing' >&2; exit 127; }\n"
                                                  "locale-gen >/dev/null\n");
      if (!w) return w.take_error();
      if (w->exit_status != 0) {
        Map f =
            Failed("[Errno " + std::to_string(w->exit_status) +
                   "] locale.gen failed to execute, it returned " + std::to_string(w->exit_status));
        f.set("exitValue", w->exit_status);
        return f;
      }
    }
    return Map{{"name", Value(name)}, {"changed", changed}, {"msg", Value("OK")}};
  }
};

}  // namespace

const Module& LocaleGenModule() {
  static const LocaleGen m;
  return m;
}

}  // namespace drover::modules
