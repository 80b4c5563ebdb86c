// apt_key (ansible.builtin.apt_key) without Python on the host, with the
// commands Ansible's module runs: the key's id read by `gpg --with-colons`
// (from `file`, from `data` on stdin, or from `url` downloaded on the host
// as Ansible's fetch_url does, with curl), the keys listed by `apt-key adv
// --list-public-keys --keyid-format=long`, all in one round trip; a second
// one, only when the key must be added or removed and not in check mode,
// runs `apt-key add` (the url downloaded again, as Ansible does), `apt-key
// adv --recv` (keyserver, 5 tries) or `apt-key del`, and lists the keys
// again. Results are Ansible's: changed, id, short_id, fp, key_id, before,
// after.
//
// Partial: a failed download's message has the HTTP status without its
// reason phrase.
#include <algorithm>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

constexpr const char* kToolsCheck =
    "export LANG=C LC_ALL=C LC_MESSAGES=C\n"
    "for __b in apt-key gpg; do command -v $__b >/dev/null 2>&1 || { "
    "printf 'DROVER_MISSING|%s|%s\\n' $__b \"$PATH\"; exit 0; }; done\n";

// Ansible's parse_output_for_keys.
std::vector<std::string> ParseKeys(const std::string& out, bool short_format) {
  std::vector<std::string> found;
  for (const Value& v : SplitLines(out)) {
    const std::string& line = v.as_string();
    if ((line.rfind("pub", 0) != 0 && line.rfind("sub", 0) != 0) ||
        line.find("expired") != std::string::npos)
      continue;
    std::vector<std::string> tokens;
    {
      size_t p = 0;
      while ((p = line.find_first_not_of(" \t", p)) != std::string::npos) {
        size_t e = line.find_first_of(" \t", p);
        tokens.push_back(line.substr(p, e == std::string::npos ? e : e - p));
        p = e;
      }
    }
    std::string code;
    if (tokens.size() > 1 && std::count(tokens[1].begin(), tokens[1].end(), '/') == 1) {
      code = tokens[1].substr(tokens[1].find('/') + 1);
    } else {
      std::vector<std::string> f;
      size_t start = 0;
      for (size_t c; (c = line.find(':', start)) != std::string::npos; start = c + 1)
        f.push_back(line.substr(start, c - start));
      f.push_back(line.substr(start));
      if (f.size() < 5) continue;
      code = f[4];
    }
    found.push_back(short_format && code.size() > 8 ? code.substr(code.size() - 8) : code);
  }
  return found;
}

// The text between "BEGIN_<tag>\n" and "\nEND_<tag>|<rc>\n"; rc in *rc.
std::string Section(const std::string& out, const std::string& tag, int* rc) {
  const std::string b = "DROVER_BEGIN_" + tag + "\n", e = "\nDROVER_END_" + tag + "|";
  size_t at = out.find(b), end = out.find(e);
  *rc = -1;
  if (at == std::string::npos || end == std::string::npos || end < at + b.size()) return "";
  *rc = std::atoi(out.c_str() + end + e.size());
  return out.substr(at + b.size(), end - at - b.size());
}

std::string Wrapped(const std::string& tag, const std::string& command) {
  return "echo DROVER_BEGIN_" + tag + "\n" + command + "\nprintf '\\nDROVER_END_" + tag +
         "|%d\\n' $?\n";
}

List Strings(const std::vector<std::string>& v) {
  List out;
  for (const std::string& s : v) out.push_back(Value(s));
  return out;
}

std::string ApplyKeyring(const std::string& keyring) {
  return keyring.empty() ? "apt-key" : "apt-key --keyring " + ShellQuote(keyring);
}

class AptKey : public Module {
 public:
  std::string_view Name() const override { return "apt_key"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"id", ArgType::kStr, {}, false, {}, {}},
        {"url", ArgType::kStr, {}, false, {}, {}},
        {"data", ArgType::kStr, {}, false, {}, {}},
        {"file", ArgType::kPath, {}, false, {}, {}},
        {"keyring", ArgType::kPath, {}, false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"keyserver", ArgType::kStr, {}, false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::string key_id = ArgText(args, "id");
    const std::string url = ArgText(args, "url"), data = ArgText(args, "data"),
                      file = ArgText(args, "file"), keyring = ArgText(args, "keyring"),
                      keyserver = ArgText(args, "keyserver"), state = ArgText(args, "state");
    {
      std::vector<std::string> given;
      for (const char* k : {"data", "file", "keyserver", "url"})
        if (OptionalArgText(args, k)) given.push_back(k);
      if (given.size() > 1)
        return Failed("parameters are mutually exclusive: data|file|keyserver|url");
    }
    if (key_id.empty() && !keyserver.empty())
      return Failed("Missing key_id, required with keyserver.");

    // --- Round trip 1: the key's id (when not given) and the keys there.
    const bool from_url = key_id.empty() && !url.empty();
    std::string script = kToolsCheck;
    std::optional<std::string> input;
    if (from_url) {
      HttpRequest req;
      req.url = url;
      req.validate_certs = args.find("validate_certs")->as_bool();
      script = HttpShellPrelude(false, url) + script +
               "__drover_http \"$__hx/key\" \"$__hx/hdr\"\n" +
               Wrapped("GPG", "gpg --with-colons \"$__hx/key\" 2>/dev/null");
      input = HttpConfig(req);
    } else if (key_id.empty() && !file.empty()) {
      script += Wrapped("GPG", "gpg --with-colons " + ShellQuote(file) + " 2>/dev/null");
    } else if (key_id.empty() && !data.empty()) {
      script += Wrapped("GPG", "gpg --with-colons - 2>/dev/null");
      input = data;
    }
    // The key's format (short or long) is known once its id is: list both
    // ways and pick on the controller.
    script += Wrapped(
        "LIST", ApplyKeyring(keyring) + " adv --list-public-keys --keyid-format=long 2>/dev/null");
    Result<connection::ExecResult> r = ctx.Exec(script, input);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (std::optional<std::string> m = TaggedLine(out, "DROVER_MISSING")) {
      const size_t bar = m->find('|');
      return Failed("Failed to find required executable \"" + m->substr(0, bar) +
                    "\" in paths: " + m->substr(bar + 1));
    }
    if (std::optional<std::string> m = TaggedLine(out, "DROVER_FAIL")) return Failed(*m);
    if (from_url) {
      HttpOutcome h = ParseHttpOutput(out);
      if (!h.ran || h.tool_exit != 0)
        return Failed("error getting key id from url: " + url +
                      (h.error.empty() ? "" : " (" + h.error + ")"));
      if (h.status != 200)
        return Failed("Failed to download key at " + url + ": HTTP Error " +
                      std::to_string(h.status));
    }
    Map result{{"changed", false}};
    if (key_id.empty() && (from_url || !file.empty() || !data.empty())) {
      int rc = 0;
      const std::string gpg = Section(out, "GPG", &rc);
      if (rc != 0) {
        Map f = Failed("Unable to extract key from '" +
                       (file.empty() || from_url ? std::string("inline data") : file) + "'");
        f.set("stdout", Value(gpg));
        return f;
      }
      std::vector<std::string> keys = ParseKeys(gpg, false);
      if (!keys.empty()) key_id = keys[0];
    }
    result.set("id", key_id.empty() ? Value() : Value(key_id));

    // Ansible's parse_key_id.
    std::string upper;
    for (char c : key_id) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.rfind("0X", 0) == 0) upper.erase(0, 2);
    const bool hex =
        !upper.empty() && upper.find_first_not_of("0123456789ABCDEF") == std::string::npos;
    if (!hex || (upper.size() != 8 && upper.size() != 16 && upper.size() <= 16)) {
      Map f = Failed("Invalid key_id");
      f.set("id", result.find("id") ? *result.find("id") : Value());
      return f;
    }
    const std::string short_id = upper.substr(upper.size() - 8);
    const std::string fingerprint = upper.size() > 16 ? upper.substr(upper.size() - 16) : upper;
    result.set("short_id", Value(short_id));
    result.set("fp", Value(fingerprint));
    result.set("key_id", Value(upper));
    const bool short_format = upper.size() == 8;
    int list_rc = 0;
    const std::string listed = Section(out, "LIST", &list_rc);
    if (list_rc != 0) {
      Map f = Failed("Unable to list public keys");
      f.set("rc", list_rc);
      f.set("stdout", Value(listed));
      return f;
    }
    const std::vector<std::string> before = ParseKeys(listed, short_format);
    result.set("before", Value(Strings(before)));
    auto has = [&](const std::vector<std::string>& keys, const std::string& k) {
      return std::find(keys.begin(), keys.end(), k) != keys.end();
    };
    const std::string want = short_format ? short_id : fingerprint;
    bool act = false;
    if (state == "present") {
      act = !has(before, want);
    } else {
      act = has(before, fingerprint);
    }
    if (!act) return result;
    result.set("changed", true);
    if (ctx.check_mode) return result;

    // --- Round trip 2: add or remove, then list again.
    const std::string apt_key = ApplyKeyring(keyring);
    std::string w = kToolsCheck;
    input.reset();
    if (state == "absent") {
      w += Wrapped("ACT", apt_key + " del " + ShellQuote(short_id) + " 2>&1");
    } else if (!file.empty()) {
      w += Wrapped("ACT", apt_key + " add " + ShellQuote(file) + " 2>&1");
    } else if (!keyserver.empty()) {
      // Five tries, as Ansible's import_key.
      w += Wrapped("ACT", "__i=0; __rc=0; while :; do __o=$(" + apt_key +
                              " adv --no-tty --keyserver " + ShellQuote(keyserver) + " --recv " +
                              ShellQuote(upper) +
                              " 2>&1) && break; __i=$((__i + 1)); [ $__i -lt 5 ] || { printf "
                              "'%s' \"$__o\"; __rc=1; break; }; done; [ $__rc -eq 0 ]");
    } else if (!data.empty()) {
      w += Wrapped("ACT", apt_key + " add - 2>&1");
      input = data;
    } else if (!url.empty()) {
      HttpRequest req;
      req.url = url;
      req.validate_certs = args.find("validate_certs")->as_bool();
      w = HttpShellPrelude(false, url) + w + "__drover_http \"$__hx/key\" \"$__hx/hdr\"\n" +
          Wrapped("ACT", apt_key + " add \"$__hx/key\" 2>&1");
      input = HttpConfig(req);
    } else {
      return Failed("No key to add ... how did i get here?!?!");
    }
    w += Wrapped("LIST", apt_key + " adv --list-public-keys --keyid-format=long 2>/dev/null");
    Result<connection::ExecResult> d = ctx.Exec(w, input);
    if (!d) return d.take_error();
    int act_rc = 0;
    const std::string act_out = Section(d->stdout_data, "ACT", &act_rc);
    if (act_rc != 0) {
      Map f = Failed(state == "absent" ? "Unable to remove a key with id " + short_id
                     : !keyserver.empty()
                         ? "Error fetching key " + upper + " from keyserver: " + keyserver
                     : !file.empty() ? "Unable to add a key from file " + file
                                     : std::string("Unable to add a key from binary data"));
      f.set("rc", act_rc);
      f.set("stdout", Value(act_out));
      return f;
    }
    const std::vector<std::string> after =
        ParseKeys(Section(d->stdout_data, "LIST", &list_rc), short_format);
    result.set("after", Value(Strings(after)));
    if (state == "present" && !has(after, want)) {
      Map f = result;
      f.set("failed", true);
      f.set("msg", Value("apt-key did not return an error, but failed to add the key (check that "
                         "the id is correct and *not* a subkey)"));
      return f;
    }
    if (state == "absent" && has(after, fingerprint)) {
      Map f = result;
      f.set("failed", true);
      f.set("msg", Value("apt-key did not return an error, but the key was not removed (check "
                         "that the id is correct and *not* a subkey)"));
      return f;
    }
    return result;
  }
};

}  // namespace

const Module& AptKeyModule() {
  static const AptKey m;
  return m;
}

}  // namespace drover::modules
