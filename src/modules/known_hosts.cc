// known_hosts (ansible.builtin.known_hosts): one round trip checks the key
// against the name (ssh-keygen -F on a temp copy, as Ansible's
// sanity_check), looks the name up in the file (ssh-keygen -F, which also
// finds hashed entries) and returns the file's text; the decision and the
// new text are made on the controller as Ansible's enforce_state makes
// them, and a second round trip (only on a change) installs the new text
// atomically, or runs `ssh-keygen -R` to drop every entry of a name given
// without a key. hash_host writes "|1|salt|HMAC-SHA1(salt, name)" with a
// fresh random salt, as ssh-keygen -H does.
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <regex>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/py_split.h"
#include "modules/registry.h"
#include "modules/remote_file.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Ansible's hash_host_key: the host field replaced by its hashed form.
std::string HashHostKey(const std::string& host, const std::string& key) {
  unsigned char salt[20];
  RAND_bytes(salt, sizeof salt);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), salt, sizeof salt, reinterpret_cast<const unsigned char*>(host.data()),
       host.size(), mac, &mac_len);
  std::vector<std::string> parts = PySplit(key);
  if (parts.empty()) return key;
  const size_t i = parts[0][0] == '@' ? 1 : 0;
  if (i < parts.size())
    parts[i] = "|1|" + Base64Encode(std::string(reinterpret_cast<char*>(salt), sizeof salt)) + "|" +
               Base64Encode(std::string(reinterpret_cast<char*>(mac), mac_len));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// Ansible's normalize_known_hosts_key: options (marker), host, type, key.
struct KnownKey {
  std::string options, host, type, key;
  bool operator==(const KnownKey&) const = default;
};
KnownKey Normalize(const std::string& line) {
  std::vector<std::string> k = PySplit(line);
  KnownKey d;
  size_t i = 0;
  if (!k.empty() && k[0][0] == '@') d.options = k[i++];
  if (i < k.size()) d.host = k[i];
  if (i + 1 < k.size()) d.type = k[i + 1];
  if (i + 2 < k.size()) d.key = k[i + 2];
  return d;
}

struct Search {
  bool found = false, replace_or_add = false;
  std::optional<size_t> found_line;
};

// Ansible's search_for_host_key on ssh-keygen -F's output.
Search SearchHostKey(const std::string& found_out, const std::string& key) {
  Search s;
  s.found = true;
  if (key.empty()) return s;
  KnownKey want = Normalize(key);
  std::optional<size_t> line;
  for (const Value& v : SplitLines(found_out)) {
    const std::string& l = v.as_string();
    if (l.empty()) continue;
    if (l[0] == '#') {
      static const std::regex kLine("found: line (\\d+)");
      std::smatch m;
      if (std::regex_search(l, m, kLine)) line = std::stoul(m[1].str());
      continue;
    }
    KnownKey have = Normalize(l);
    if (want.host.rfind("|1|", 0) == 0 && have.host.rfind("|1|", 0) == 0) want.host = have.host;
    if (want == have) {
      s.found_line = line;
      return s;
    }
    if (want.type == have.type) {
      s.replace_or_add = true;
      s.found_line = line;
      return s;
    }
  }
  s.replace_or_add = true;
  return s;
}

// Ansible's file text after the change: the found line dropped when it is
// replaced or removed, the key appended when present.
std::string NewText(const std::string& before, const Search& s, bool present,
                    const std::string& key) {
  std::vector<std::string> lines = LinesKeepEnds(before);
  if ((s.replace_or_add || !present) && s.found_line && *s.found_line >= 1 &&
      *s.found_line <= lines.size())
    lines.erase(lines.begin() + static_cast<long>(*s.found_line - 1));
  if (present && (s.replace_or_add || !s.found_line)) lines.push_back(key);
  std::string out;
  for (const std::string& l : lines) out += l;
  return out;
}

class KnownHosts : public Module {
 public:
  std::string_view Name() const override { return "known_hosts"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {"host"}, {}},
        {"key", ArgType::kStr, {}, false, {}, {}},
        {"path", ArgType::kPath, Value("~/.ssh/known_hosts"), false, {}, {}},
        {"hash_host", ArgType::kBool, Value(false), false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::string host = ArgText(args, "name");
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = ArgText(args, "key");
    const bool present = ArgText(args, "state") == "present";
    if (key.empty() && present) return Failed("No key specified when adding a host");
    if (!key.empty() && args.find("hash_host")->as_bool()) key = HashHostKey(host, key);
    if (!key.empty() && key.back() != '\n') key += '\n';
    if (!key.empty() && std::regex_search(host, std::regex("\\S+(\\s+)?,(\\s+)?")))
      return Failed(
          "Comma separated list of names is not supported. Please pass a single name to lookup "
          "in the known_hosts file.");

    // The path is expanded on the host (~ is the remote user's home).
    std::string path = ArgText(args, "path");
    std::string path_sh = ShellQuote(path);
    if (path == "~" || path.rfind("~/", 0) == 0) path_sh = "\"$HOME\"" + ShellQuote(path.substr(1));
    std::string script =
        "command -v ssh-keygen >/dev/null 2>&1 || { echo DROVER_NO_KEYGEN; exit 0; }\n"
        "__p=" +
        path_sh + "\nprintf 'DROVER_PATH|%s\\n' \"$__p\"\n";
    if (!key.empty())
      script += "__k=$(mktemp) || exit 1\nprintf '%s' " + ShellQuote(key) +
                " > \"$__k\"\n[ -n \"$(ssh-keygen -F " + ShellQuote(host) +
                " -f \"$__k\" 2>/dev/null)\" ] || echo DROVER_MISMATCH\nrm -f \"$__k\"\n";
    script +=
        "if [ -e \"$__p\" ]; then\n"
        "  __ef=$(mktemp) || exit 1\n"
        "  __o=$(ssh-keygen -F " +
        ShellQuote(host) +
        " -f \"$__p\" 2>\"$__ef\"); __rc=$?\n"
        "  __e=$(cat \"$__ef\"); rm -f \"$__ef\"\n"
        "  printf 'DROVER_KEYGEN|%s\\n' \"$__rc\"\n"
        "  [ -z \"$__e\" ] || printf 'DROVER_KEYGEN_ERR|%s\\n' \"$(printf '%s' \"$__e\" | tr '\\n' "
        "' ')\"\n"
        "  printf '%s\\nDROVER_FOUND_END\\n' \"$__o\"\n"
        "  [ -f \"$__p\" ] && { echo DROVER_CONTENT; cat -- \"$__p\"; }\n"
        "fi\nexit 0\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (out.rfind("DROVER_NO_KEYGEN", 0) == 0)
      return Failed("Failed to find required executable \"ssh-keygen\" on the host");
    if (out.find("DROVER_MISMATCH\n") != std::string::npos)
      return Failed("Host parameter does not match hashed host field in supplied key");
    path = TaggedLine(out, "DROVER_PATH").value_or(path);

    const size_t content_at = out.find("DROVER_CONTENT\n");
    const bool exists = out.find("DROVER_KEYGEN|") != std::string::npos;
    const std::string before = content_at == std::string::npos ? "" : out.substr(content_at + 15);
    Search s;
    if (exists) {
      const int rc = std::atoi(TaggedLine(out, "DROVER_KEYGEN").value_or("0").c_str());
      const std::string err = TaggedLine(out, "DROVER_KEYGEN_ERR").value_or("");
      const size_t begin = out.find('\n', out.find("DROVER_KEYGEN|")) + 1;
      size_t end = out.find("\nDROVER_FOUND_END\n", begin);
      std::string found = out.substr(begin, end - begin);
      if (size_t e = found.find("DROVER_KEYGEN_ERR|"); e == 0) {
        size_t nl = found.find('\n');
        found = nl == std::string::npos ? "" : found.substr(nl + 1);
      }
      if (found.empty() && err.empty() && (rc == 0 || rc == 1)) {
        // host not found
      } else if (rc != 0) {
        return Failed("ssh-keygen failed (rc=" + std::to_string(rc) + ", stdout='" + found +
                      "',stderr='" + err + "')");
      } else {
        s = SearchHostKey(found, key);
      }
    }

    const std::string after = NewText(before, s, present, key);
    Map diff{
        {"before_header", Value(content_at == std::string::npos && !exists ? "/dev/null" : path)},
        {"after_header", Value(path)},
        {"before", Value(before)},
        {"after", Value(after)}};
    const bool changed = s.replace_or_add || present != s.found;
    const std::string drover_diff =
        changed ? UnifiedDiff(before, after, diff.find("before_header")->as_string(), path) : "";
    Map result;
    if (ctx.check_mode) {
      result = Map{{"changed", changed}, {"diff", Value(diff)}};
      if (ctx.diff_mode && !drover_diff.empty()) result.set("_drover_diff", Value(drover_diff));
      return result;
    }
    for (const auto& [k, v] : args) result.set(k, v);
    result.set("path", Value(path));
    result.set("diff", Value(diff));
    result.set("changed", false);
    auto with_path_info = [&](Map res) -> Result<Map> {
      if (Status st = AddPathInfo(ctx, path, &res); !st) return st.take_error();
      return res;
    };
    if (!present && !s.found_line && !key.empty()) return with_path_info(result);

    std::string write;
    std::optional<std::string> stdin_data;
    if (s.found && key.empty() && !present)
      write = "ssh-keygen -R " + ShellQuote(host) + " -f " + ShellQuote(path) + " >/dev/null\n";
    else if (s.replace_or_add || s.found != present) {
      write = "(" + connection::AtomicInstallScript(path, {}, connection::DigestOf(after)) + ")\n";
      stdin_data = after;
    }
    if (write.empty()) return with_path_info(result);
    Result<connection::ExecResult> w = ctx.Exec(write, stdin_data);
    if (!w) return w.take_error();
    if (w->exit_status != 0)
      return Failed("Failed to write to file " + path + ": " + w->stderr_data);
    result.set("changed", true);
    if (ctx.diff_mode) result.set("_drover_diff", Value(drover_diff));
    return with_path_info(result);
  }
};

}  // namespace

const Module& KnownHostsModule() {
  static const KnownHosts m;
  return m;
}

}  // namespace drover::modules
