// The password lookup: a random password kept in a controller file
// (created 0600 in a 0700 dir on first use, read back afterwards), as
// ansible-core 2.14's password plugin. encrypt= supports the crypt hashes
// drover's password_hash filter computes (sha512_crypt, sha256_crypt);
// seed= gives Python's random.Random(seed) sequence, as Ansible.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "executor/lookup_plugins.h"
#include "playbook/kv.h"
#include "template/ansible_extras.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

LookupFailure PasswordError(const std::string& msg) {
  return LookupFailure{LookupFailure::kUnhandled, msg};
}

// Python's string module constants, by name (getattr(string, spec, spec)).
std::string CharSet(const std::string& spec) {
  static const std::string lower = "abcdefghijklmnopqrstuvwxyz";
  static const std::string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static const std::string digits = "0123456789";
  static const std::string punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  static const std::string whitespace = " \t\n\r\x0b\x0c";
  if (spec == "ascii_letters") return lower + upper;
  if (spec == "ascii_lowercase") return lower;
  if (spec == "ascii_uppercase") return upper;
  if (spec == "digits") return digits;
  if (spec == "hexdigits") return digits + "abcdefABCDEF";
  if (spec == "octdigits") return "01234567";
  if (spec == "punctuation") return punctuation;
  if (spec == "whitespace") return whitespace;
  if (spec == "printable") return digits + lower + upper + punctuation + whitespace;
  return spec;
}

// The candidate characters of `chars` (a list of specs, or "a,b" text where
// ",," is a literal comma), without quotes.
std::string CandidateChars(const Value& chars) {
  std::vector<std::string> specs;
  if (chars.is_list()) {
    for (const Value& c : chars.as_list())
      specs.push_back(c.is_string() ? c.as_string() : tmpl::PyStr(c));
  } else {
    std::string text = chars.is_string() ? chars.as_string() : tmpl::PyStr(chars);
    if (text.find(",,") != std::string::npos) specs.push_back(",");
    std::string current;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ',' && i + 1 < text.size() && text[i + 1] == ',') {
        current += ',';
        ++i;
      } else if (text[i] == ',') {
        if (!current.empty()) specs.push_back(current);
        current.clear();
      } else {
        current += text[i];
      }
    }
    if (!current.empty()) specs.push_back(current);
  }
  std::string out;
  for (const std::string& s : specs)
    for (char c : CharSet(s))
      if (c != '"' && c != '\'') out += c;
  return out;
}

// Ansible's random_password: SystemRandom, or random.Random(seed).choice
// per character when a seed is given (identical seeds, identical passwords).
std::string RandomText(size_t length, const std::string& chars, const Value* seed = nullptr) {
  if (chars.empty()) throw PasswordError("password lookup: no characters to choose from");
  std::string out;
  if (seed) {
    tmpl::PyRandom rng(Value(tmpl::PyStr(*seed)));  // the option is a str
    for (size_t i = 0; i < length; ++i) out += chars[rng.RandBelow(chars.size())];
    return out;
  }
  std::random_device rd;  // the system's entropy source, as SystemRandom
  std::uniform_int_distribution<size_t> pick(0, chars.size() - 1);
  for (size_t i = 0; i < length; ++i) out += chars[pick(rd)];
  return out;
}

struct Stored {
  std::string password;
  std::string salt;  // empty: none stored
};

// _parse_content: "password[ salt=S[ ident=I]]".
Stored ParseContent(const std::string& content) {
  Stored s{content, ""};
  size_t sep = content.rfind(" salt=");
  if (sep == std::string::npos) return s;
  s.password = content.substr(0, sep);
  s.salt = content.substr(sep + 6);
  if (size_t id = s.salt.rfind(" ident="); id != std::string::npos) s.salt.erase(id);
  return s;
}

bool ReadStored(const std::string& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t end = text.find_last_not_of(" \t\n\r\f\v");
  *content = end == std::string::npos ? "" : text.substr(0, end + 1);
  return true;
}

void WriteStored(const std::string& path, const std::string& content) {
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::exists(dir)) {
    fs::create_directories(dir, ec);
    if (!ec) fs::permissions(dir, fs::perms::owner_all, ec);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw PasswordError("password lookup: cannot write " + path);
  ::chmod(path.c_str(), 0600);
  out << content << "\n";
}

std::string Hash(const std::string& password, const std::string& scheme, const std::string& salt) {
  tmpl::MapScope scope(Value(Map{{"p", password}, {"s", scheme}, {"salt", salt}}));
  Result<std::string> r = tmpl::RenderString("{{ p | password_hash(s, salt) }}", "password", scope,
                                             tmpl::Options::Templar());
  if (!r) throw PasswordError(r.error().message);
  return *r;
}

List Password(const LookupCall& c) {
  static const std::vector<std::string> kValid = {"length", "encrypt", "chars", "ident", "seed"};
  List out;
  for (const Value& t : c.terms) {
    std::string term = t.is_string() ? t.as_string() : tmpl::PyStr(t);
    std::string relpath = term;
    Map params;
    if (size_t sp = term.find(' '); sp != std::string::npos) {
      relpath = term.substr(0, sp);
      Result<Map> kv = playbook::ParseKeyValues(term.substr(sp + 1), false);
      if (!kv) throw PasswordError(kv.error().message);
      params = std::move(kv).value();
      if (const Value* raw = params.find("_raw_params")) {
        relpath += " " + raw->as_string();
        params.erase("_raw_params");
        if (term.rfind(relpath, 0) != 0)
          throw PasswordError(
              "Unrecognized value after key=value parameters given to password lookup");
      }
      std::string invalid;
      for (const auto& [k, v] : params)
        if (std::find(kValid.begin(), kValid.end(), k) == kValid.end())
          invalid += (invalid.empty() ? "" : ", ") + k;
      if (!invalid.empty())
        throw PasswordError("Unrecognized parameter(s) given to password lookup: " + invalid);
    }
    auto param = [&](const char* key) -> const Value* {
      if (const Value* v = params.find(key)) return v;
      return c.options.find(key);
    };
    int64_t length = 20;
    if (const Value* l = param("length")) {
      try {
        length = l->is_int() ? l->as_int() : std::stoll(l->as_string());
      } catch (const std::exception&) {
        throw PasswordError("invalid literal for int() with base 10: '" + tmpl::PyStr(*l) + "'");
      }
    }
    std::string encrypt;
    if (const Value* e = param("encrypt"); e && !e->is_null()) encrypt = tmpl::PyStr(*e);
    if (!encrypt.empty() && encrypt != "sha512_crypt" && encrypt != "sha256_crypt")
      throw LookupFailure{LookupFailure::kOptions,
                          "password lookup: drover supports encrypt=sha512_crypt and "
                          "sha256_crypt only, not " +
                              encrypt};
    const Value* seed = param("seed");
    if (seed && seed->is_null()) seed = nullptr;
    if (const Value* i = param("ident"); i && !i->is_null())
      throw LookupFailure{LookupFailure::kOptions,
                          "password lookup: ident= is not supported by drover (bcrypt only)"};
    const Value* chars_opt = param("chars");
    std::string chars =
        CandidateChars(chars_opt && !chars_opt->is_null()
                           ? *chars_opt
                           : Value(List{Value("ascii_letters"), Value("digits"), Value(".,:-_")}));

    std::string path = relpath;
    if (!path.empty() && path[0] == '~')
      if (const char* home = std::getenv("HOME")) path = home + path.substr(1);
    if (path.empty() || path[0] != '/') path = c.ctx.playbook_dir + "/" + path;
    const bool dev_null = path == "/dev/null";

    std::string content;
    Stored stored;
    bool changed = false;
    if (dev_null || !ReadStored(path, &content)) {
      stored.password = RandomText(static_cast<size_t>(std::max<int64_t>(0, length)), chars, seed);
      changed = true;
    } else {
      stored = ParseContent(content);
    }
    if (!encrypt.empty() && stored.salt.empty()) {
      stored.salt = RandomText(16, CharSet("ascii_letters") + CharSet("digits") + "./");
      changed = true;
    }
    if (changed && !dev_null)
      WriteStored(path, stored.salt.empty() && encrypt.empty()
                            ? stored.password
                            : stored.password + " salt=" + stored.salt);
    out.push_back(
        Value(encrypt.empty() ? stored.password : Hash(stored.password, encrypt, stored.salt)));
  }
  return out;
}

}  // namespace

void AddPasswordPlugin(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["password"] = Password;
}

}  // namespace drover::executor
