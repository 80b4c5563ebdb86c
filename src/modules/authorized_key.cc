// authorized_key (ansible.posix.authorized_key): one round trip reads the
// user's entry and the key file; the keys are merged on the controller as
// Ansible's module merges them (authorized_keys_text.h), and a second round
// trip, only when the file must change, prepares the directory and the file
// as Ansible's keyfile() does (mkdir 0700, chown, 0600) and installs the new
// text atomically. A `key` that is a URL is fetched on the controller with
// curl. Results are Ansible's: the arguments, keyfile, changed and diff.
#include "connection/atomic_install.h"
#include "connection/local_connection.h"
#include "connection/shell.h"
#include "modules/authorized_keys_text.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// The key file's owner and text as the host reported them.
struct KeyFileState {
  bool user_exists = false;
  std::string uid, gid, home;
  std::string keyfile;  // the path Ansible reports (never followed)
  std::string target;   // where the text is written (followed with `follow`)
  std::string content;
};

std::string Tagged(const std::string& out, const std::string& tag) {
  return TaggedLine(out, tag).value_or("");
}

// Ansible's fetch_url of the key on the controller: the body of a 200.
Result<std::string> FetchKeyOnController(const std::string& url, bool validate_certs) {
  HttpRequest req;
  req.url = url;
  req.validate_certs = validate_certs;
  const std::string script = HttpShellPrelude(false, url) +
                             "__drover_http \"$__hx/body\" \"$__hx/hdr\"\n"
                             "echo DROVER_BODY; cat \"$__hx/body\" 2>/dev/null\nexit 0\n";
  const std::string cfg = HttpConfig(req);
  Result<connection::ExecResult> r = connection::RunLocalShell(script, &cfg);
  if (!r) return r.take_error();
  const std::string& out = r->stdout_data;
  const size_t body = out.find("DROVER_BODY\n");
  HttpOutcome http = ParseHttpOutput(out.substr(0, body));
  if (body == std::string::npos || !http.ran || http.tool_exit != 0 || http.status != 200)
    return MakeError("Error getting key from: " + url);
  return out.substr(body + 12);
}

// Round trip 1: the user's entry and the key file's text.
Result<KeyFileState> ReadKeyFile(RunContext& ctx, const std::string& user,
                                 const std::optional<std::string>& path, bool follow) {
  std::string script = "__e=$(getent passwd " + ShellQuote(user) +
                       ")\n"
                       "if [ -n \"$__e\" ]; then\n"
                       "  printf 'DROVER_USER|%s\\n' \"$__e\"\n"
                       "  __home=$(printf '%s' \"$__e\" | cut -d: -f6)\n"
                       "fi\n";
  if (path)
    script += "__kf=" + ShellQuote(*path) + "\n";
  else
    script += "[ -n \"$__e\" ] || exit 0\n__kf=\"$__home/.ssh/authorized_keys\"\n";
  script += "printf 'DROVER_KEYFILE|%s\\n' \"$__kf\"\n";
  if (follow) script += "__kf=$(readlink -m -- \"$__kf\")\n";
  script +=
      "printf 'DROVER_TARGET|%s\\n' \"$__kf\"\n"
      "if [ -f \"$__kf\" ]; then echo DROVER_CONTENT; cat -- \"$__kf\" || exit 1; fi\n";
  Result<connection::ExecResult> r = ctx.Exec(script);
  if (!r) return r.take_error();
  if (r->exit_status != 0) return MakeError("could not read the key file: " + r->stderr_data);
  const std::string& out = r->stdout_data;
  const size_t content_at = out.find("DROVER_CONTENT\n");
  const std::string head = out.substr(0, content_at);
  KeyFileState s;
  if (std::optional<std::string> entry = TaggedLine(head, "DROVER_USER")) {
    // name:passwd:uid:gid:gecos:home:shell
    std::vector<std::string> f;
    for (size_t start = 0;;) {
      size_t colon = entry->find(':', start);
      f.push_back(entry->substr(start, colon == std::string::npos ? colon : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (f.size() >= 6) {
      s.user_exists = true;
      s.uid = f[2];
      s.gid = f[3];
      s.home = f[5];
    }
  }
  s.keyfile = Tagged(head, "DROVER_KEYFILE");
  s.target = Tagged(head, "DROVER_TARGET");
  if (content_at != std::string::npos) s.content = out.substr(content_at + 15);
  return s;
}

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Round trip 2: Ansible's keyfile(write=True), then the atomic write.
Result<std::optional<Map>> WriteKeyFile(RunContext& ctx, const KeyFileState& s,
                                        const std::optional<std::string>& path, bool manage_dir,
                                        const std::string& content) {
  const std::string owner = ShellQuote(s.uid + ":" + s.gid);
  std::string script;
  if (manage_dir) {
    const std::string dir = ShellQuote(path ? Dirname(*path) : s.home + "/.ssh");
    script += "if [ ! -e " + dir + " ]; then __m=$(mkdir -m 0700 -- " + dir +
              " 2>&1) || { printf 'DROVER_FAIL|Failed to create directory %s : %s\\n' " + dir +
              " \"$__m\"; exit 0; }; fi\n"
              "chown " +
              owner + " " + dir + " && chmod 0700 " + dir + " || exit 1\n";
  }
  const std::string t = ShellQuote(s.target);
  script += "if [ ! -e " + t + " ]; then mkdir -p -- \"$(dirname -- " + t + ")\" && : > " + t +
            " || exit 1; fi\n"
            "chown " +
            owner + " " + t + " 2>/dev/null; chmod 0600 " + t + " 2>/dev/null\n(" +
            connection::AtomicInstallScript(s.target, {}, connection::DigestOf(content)) +
            ") || exit 1\n";
  Result<connection::ExecResult> r = ctx.Exec(script, content);
  if (!r) return r.take_error();
  if (std::optional<std::string> fail = TaggedLine(r->stdout_data, "DROVER_FAIL"))
    return std::optional<Map>(Failed(*fail));
  if (r->exit_status != 0)
    return std::optional<Map>(Failed("could not write " + s.target + ": " + r->stderr_data));
  return std::optional<Map>();
}

class AuthorizedKey : public Module {
 public:
  std::string_view Name() const override { return "authorized_key"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"user", ArgType::kStr, {}, true, {}, {}},
        {"key", ArgType::kStr, {}, true, {}, {}},
        {"path", ArgType::kPath, {}, false, {}, {}},
        {"manage_dir", ArgType::kBool, Value(true), false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"key_options", ArgType::kStr, {}, false, {}, {}},
        {"exclusive", ArgType::kBool, Value(false), false, {}, {}},
        {"comment", ArgType::kStr, {}, false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string user = ArgText(args, "user");
    const std::string key = ArgText(args, "key");
    const std::optional<std::string> path = OptionalArgText(args, "path");
    const bool manage_dir = args.find("manage_dir")->as_bool();
    const bool follow = args.find("follow")->as_bool();

    AuthorizedKeysRequest req;
    req.keys = key;
    req.present = ArgText(args, "state") == "present";
    req.exclusive = args.find("exclusive")->as_bool();
    req.key_options = OptionalArgText(args, "key_options");
    req.comment = OptionalArgText(args, "comment");
    if (key.rfind("http", 0) == 0) {
      Result<std::string> fetched =
          FetchKeyOnController(key, args.find("validate_certs")->as_bool());
      if (!fetched) return Failed(fetched.error().message);
      req.keys = *fetched;
    }

    Result<KeyFileState> state = ReadKeyFile(ctx, user, path, follow);
    if (!state) return Failed(state.error().message);
    if (!state->user_exists && !(ctx.check_mode && path)) {
      if (ctx.check_mode)
        return Failed(
            "Either user must exist or you must provide full path to key file in check mode");
      return Failed("Failed to lookup user " + user + ": \"getpwnam(): name not found: '" + user +
                    "'\"");
    }
    Result<AuthorizedKeysEdit> edit = EditAuthorizedKeys(state->content, req);
    if (!edit) return Failed(edit.error().message);

    Map result;
    for (const auto& [name, value] : args) result.set(name, value);
    result.set("keyfile", Value(state->keyfile));
    result.set("changed", edit->changed);
    // exit_json adds the path's attributes when `path` was given.
    auto with_path_info = [&](Map res) -> Result<Map> {
      if (!path) return res;
      if (Status st = AddPathInfo(ctx, *path, &res); !st) return st.take_error();
      return res;
    };
    if (!edit->changed) return with_path_info(result);
    // Ansible's check mode never follows the link for after_header when
    // `path` is given without `follow`; the target is what it writes.
    if (ctx.diff_mode) {
      result.set("diff", Value(Map{{"before_header", Value(state->keyfile)},
                                   {"after_header", Value(state->target)},
                                   {"before", Value(state->content)},
                                   {"after", Value(edit->content)}}));
      result.set("_drover_diff",
                 Value(UnifiedDiff(state->content, edit->content, state->keyfile, state->target)));
    }
    if (ctx.check_mode) return with_path_info(result);
    Result<std::optional<Map>> failure = WriteKeyFile(ctx, *state, path, manage_dir, edit->content);
    if (!failure) return failure.take_error();
    if (*failure) return **failure;
    return with_path_info(result);
  }
};

}  // namespace

const Module& AuthorizedKeyModule() {
  static const AuthorizedKey m;
  return m;
}

}  // namespace drover::modules
