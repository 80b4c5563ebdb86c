// uri (ansible.builtin.uri): one HTTP request made *on the host* through
// curl (see http_fetch.h), in one round trip. Returns Ansible's keys:
// status, msg ("OK (N bytes)" or "HTTP Error N: reason"), url, redirected,
// elapsed, cookies, cookies_string, every response header lower-cased with
// '-' turned into '_', content (return_content), json (a JSON response),
// and path plus the file's attributes with dest. Fails when the status is
// not in status_code, with Ansible's message.
//
// As Ansible, uri does not support check mode (the task is skipped), and
// dest is written (atomically, only when its content differs) whenever the
// status is acceptable, so a dest download reports changed unless the
// server answers 304 to the If-Modified-Since an existing dest sends.
// Partial: src, unix_socket, ca_path, ciphers, use_gssapi, use_netrc,
// unredirected_headers and body_format form-multipart are not implemented
// (the first three and form-multipart fail clearly; the rest are ignored).
#include <chrono>

#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Python's urllib.parse.quote_plus.
std::string QuotePlus(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Text(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  return ToJson(v);
}

// Ansible's form_urlencoded for a dict (values may be lists) or a list of
// pairs.
std::string FormUrlencoded(const Value& body) {
  std::vector<std::pair<std::string, Value>> kv;
  if (body.is_map()) {
    for (const auto& [k, v] : body.as_map()) kv.push_back({k, v});
  } else if (body.is_list()) {
    for (const Value& item : body.as_list())
      if (item.is_list() && item.as_list().size() == 2)
        kv.push_back({Text(item.as_list()[0]), item.as_list()[1]});
  }
  std::string out;
  auto add = [&](const std::string& k, const Value& v) {
    if (v.is_null()) return;
    if (!out.empty()) out += '&';
    out += QuotePlus(k) + "=" + QuotePlus(Text(v));
  };
  for (const auto& [k, v] : kv) {
    if (v.is_list())
      for (const Value& e : v.as_list()) add(k, e);
    else
      add(k, v);
  }
  return out;
}

// Python's repr of a list of ints: "[200, 201]".
std::string IntListRepr(const std::vector<int>& codes) {
  std::string s = "[";
  for (size_t i = 0; i < codes.size(); ++i) s += (i ? ", " : "") + std::to_string(codes[i]);
  return s + "]";
}

// Ansible's absolute_location.
std::string AbsoluteLocation(const std::string& url, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  if (!location.empty() && location[0] == '/') {
    size_t scheme = url.find("://");
    size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
    return (path == std::string::npos ? url : url.substr(0, path)) + location;
  }
  size_t slash = url.rfind('/');
  return (slash == std::string::npos ? std::string() : url.substr(0, slash)) + "/" + location;
}

class Uri : public Module {
 public:
  std::string_view Name() const override { return "uri"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"url", ArgType::kStr, {}, true, {}, {}},
        {"dest", ArgType::kPath, {}, false, {}, {}},
        {"url_username", ArgType::kStr, {}, false, {"user"}, {}},
        {"url_password", ArgType::kStr, {}, false, {"password"}, {}},
        {"body", ArgType::kRaw, {}, false, {}, {}},
        {"body_format",
         ArgType::kStr,
         Value("raw"),
         false,
         {},
         {"form-urlencoded", "json", "raw", "form-multipart"}},
        {"src", ArgType::kPath, {}, false, {}, {}},
        {"method", ArgType::kStr, Value("GET"), false, {}, {}},
        {"return_content", ArgType::kBool, Value(false), false, {}, {}},
        {"follow_redirects",
         ArgType::kStr,
         Value("safe"),
         false,
         {},
         {"all", "no", "none", "safe", "urllib2", "yes"}},
        {"creates", ArgType::kPath, {}, false, {}, {}},
        {"removes", ArgType::kPath, {}, false, {}, {}},
        {"status_code", ArgType::kList, Value(List{Value(200)}), false, {}, {}},
        {"timeout", ArgType::kInt, Value(30), false, {}, {}},
        {"headers", ArgType::kDict, Value(Map{}), false, {}, {}},
        {"unix_socket", ArgType::kPath, {}, false, {}, {}},
        {"remote_src", ArgType::kBool, Value(false), false, {}, {}},
        {"ca_path", ArgType::kPath, {}, false, {}, {}},
        {"unredirected_headers", ArgType::kList, Value(List{}), false, {}, {}},
        {"decompress", ArgType::kBool, Value(true), false, {}, {}},
        {"ciphers", ArgType::kList, {}, false, {}, {}},
        {"use_netrc", ArgType::kBool, Value(true), false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"http_agent", ArgType::kStr, Value("ansible-httpget"), false, {}, {}},
        {"use_proxy", ArgType::kBool, Value(true), false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"force_basic_auth", ArgType::kBool, Value(false), false, {}, {}},
        {"client_cert", ArgType::kPath, {}, false, {}, {}},
        {"client_key", ArgType::kPath, {}, false, {}, {}},
        {"use_gssapi", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (ctx.check_mode)
      return Map{{"changed", false},
                 {"msg", "remote module (uri) does not support check mode"},
                 {"skipped", true}};
    const auto started = std::chrono::steady_clock::now();
    const std::string url = ArgText(args, "url");
    const std::string dest = ArgText(args, "dest");
    const std::string method = ArgText(args, "method");
    const bool return_content = args.find("return_content")->as_bool();
    const std::string body_format = Lower(ArgText(args, "body_format"));
    for (const char* unsupported : {"src", "unix_socket", "ca_path"})
      if (!ArgText(args, unsupported).empty())
        return Failed(std::string("uri: ") + unsupported + " is not implemented by drover yet");
    if (body_format == "form-multipart")
      return Failed("uri: body_format form-multipart is not implemented by drover yet");
    if (method.empty() ||
        method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
      return Failed("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    std::vector<int> codes;
    for (const Value& c : args.find("status_code")->as_list()) {
      std::string t = c.is_int() ? std::to_string(c.as_int()) : Text(c);
      const std::string digits = !t.empty() && t[0] == '-' ? t.substr(1) : t;
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        return Failed("Elements value for option 'status_code' is of type " +
                      std::string(c.type_name()) + " and we were unable to convert to int");
      codes.push_back(std::atoi(t.c_str()));
    }

    HttpRequest req;
    req.url = url;
    req.method = method;
    bool has_content_type = false;
    for (const auto& [k, v] : args.find("headers")->as_map()) {
      req.headers.push_back({k, Text(v)});
      if (Lower(k) == "content-type") has_content_type = true;
    }
    const Value& body = *args.find("body");
    if (!body.is_null()) {
      if (body_format == "json") {
        req.body = body.is_string() ? body.as_string() : ToJson(body);
        if (!has_content_type) req.headers.push_back({"Content-Type", "application/json"});
      } else if (body_format == "form-urlencoded") {
        req.body = body.is_string() ? body.as_string() : FormUrlencoded(body);
        if (!has_content_type)
          req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
      } else {
        req.body = Text(body);
      }
    }
    ApplyUrlCommonArgs(args, &req);
    const std::string follow = ArgText(args, "follow_redirects");
    req.follow_redirects = follow == "all" || follow == "yes" || follow == "urllib2" ||
                           (follow == "safe" && (method == "GET" || method == "HEAD"));

    std::string codes_words = " ";
    for (int c : codes) codes_words += std::to_string(c) + " ";
    Result<connection::ExecResult> res =
        ctx.Exec(Script(url, dest, ArgText(args, "creates"), ArgText(args, "removes"), codes_words,
                        return_content),
                 HttpConfig(req));
    if (!res) return res.take_error();
    const int64_t elapsed =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count();
    const std::string& out = res->stdout_data;
    if (std::optional<std::string> c = TaggedLine(out, "DROVER_CREATES"))
      return Map{{"stdout", Value("skipped, since '" + *c + "' exists")}, {"changed", false}};
    if (std::optional<std::string> r = TaggedLine(out, "DROVER_REMOVES"))
      return Map{{"stdout", Value("skipped, since '" + *r + "' does not exist")},
                 {"changed", false}};
    if (std::optional<std::string> f = TaggedLine(out, "DROVER_FAIL")) return Failed(*f);
    HttpOutcome http = ParseHttpOutput(out);
    if (!http.ran) return Failed("uri: the request script failed on the host: " + res->stderr_data);

    std::string content;
    bool have_content = false;
    if (size_t at = out.find("\nDROVER_BODY|\n"); at != std::string::npos) {
      content = out.substr(at + 14);
      have_content = true;
    }

    Map r;
    const int status = http.tool_exit != 0 ? -1 : http.status;
    if (http.tool_exit == 0)
      for (const auto& [k, v] : http.head.headers) r.set(Lower(k), Value(v));
    // Cookies, as Ansible's fetch_url collects them.
    Map cookies;
    std::string cookies_string;
    for (const auto& [k, v] : http.head.headers) {
      if (Lower(k) != "set-cookie") continue;
      std::string pair = v.substr(0, v.find(';'));
      size_t eq = pair.find('=');
      if (eq == std::string::npos) continue;
      cookies.set(pair.substr(0, eq), Value(pair.substr(eq + 1)));
    }
    for (const auto& [k, v] : cookies)
      cookies_string += (cookies_string.empty() ? "" : "; ") + k + "=" + v.as_string();
    if (status >= 200 && status < 300) {  // urllib's errors carry none
      r.set("cookies_string", Value(cookies_string));
      r.set("cookies", Value(std::move(cookies)));
    }
    const std::string final_url = http.redirects > 0 ? http.effective_url : url;
    if (status == -1) {
      r.set("msg", Value("Request failed: " + http.error));
    } else if (status >= 200 && status < 300) {
      r.set("msg", Value("OK (" + http.head.Get("Content-Length").value_or("unknown") + " bytes)"));
    } else {
      r.set("msg", Value("HTTP Error " + std::to_string(status) + ": " + http.head.reason));
    }
    r.set("url", Value(final_url));
    r.set("status", Value(status));
    r.set("redirected", final_url != url);
    r.set("elapsed", Value(elapsed));
    r.set("changed", false);

    // The content type decides whether the body is JSON.
    std::string ctype = Lower(http.head.Get("Content-Type").value_or("application/octet-stream"));
    ctype = ctype.substr(0, ctype.find(';'));
    ctype = ctype.substr(0, ctype.find(','));
    while (!ctype.empty() && ctype.back() == ' ') ctype.pop_back();
    std::string sub = ctype.find('/') == std::string::npos ? "" : ctype.substr(ctype.find('/') + 1);
    if (sub.find('+') != std::string::npos) sub = sub.substr(sub.find('+') + 1);
    const bool maybe_json = sub == "json" || sub == "javascript";
    const bool accepted = std::find(codes.begin(), codes.end(), status) != codes.end();
    const bool maybe_output = maybe_json || return_content || !accepted;

    if (!dest.empty() && http.tool_exit == 0) {
      std::string path = TaggedLine(out, "DROVER_DEST").value_or(dest);
      if (std::optional<std::string> f = TaggedLine(out, "DROVER_WRITE_FAIL")) {
        r.set("failed", true);
        r.set("msg", Value(*f));
        return r;
      }
      if (accepted && status != 304) r.set("changed", true);
      if (std::optional<RemoteStat> st = ParseStatOutput(out); st && st->exists) {
        // Owner, group and mode, fixed in a second round trip when they differ.
        Result<std::optional<unsigned>> mode = ResolveMode(*args.find("mode"), st->Perms(), false);
        if (!mode) return Failed(mode.error().message);
        std::optional<unsigned> new_mode = (*mode && **mode != st->Perms()) ? *mode : std::nullopt;
        const std::string owner = ArgText(args, "owner"), group = ArgText(args, "group");
        const bool od = OwnerDiffers(owner, *st), gd = GroupDiffers(group, *st);
        if (accepted && status != 304 && (od || gd || new_mode)) {
          Result<connection::ExecResult> fix =
              ctx.Exec(AttrsScript(path, od ? owner : "", gd ? group : "", new_mode) +
                       StatShellFunction(false) + "__drover_stat " + ShellQuote(path) + " ''\n");
          if (!fix) return fix.take_error();
          if (fix->exit_status != 0) return Failed(fix->stderr_data);
          if (std::optional<RemoteStat> now = ParseStatOutput(fix->stdout_data)) st = now;
        }
        AddPathAttrs(*st, &r);
      }
      r.set("path", Value(path));
    }

    // Headers with '-' become '_' (a header named like a result key is
    // overwritten by it, as in Ansible).
    Map u;
    for (const auto& [k, v] : r) {
      std::string key = k;
      for (char& c : key)
        if (c == '-') c = '_';
      u.set(key, v);
    }
    if (const Value* loc = u.find("location"); loc && loc->is_string())
      u.set("location", Value(AbsoluteLocation(url, loc->as_string())));
    if (maybe_output && have_content && maybe_json) {
      if (Result<Value> js = ParseJson(content); js) u.set("json", *js);
    }
    if (!maybe_output && status >= 300) u.set("body", Value(content));
    if (!accepted) {
      const Value* m = u.find("msg");
      u.set("msg", Value("Status code was " + std::to_string(status) + " and not " +
                         IntListRepr(codes) + ": " + (m ? m->as_string() : "")));
      u.set("failed", true);
    }
    if (return_content) u.set("content", have_content ? Value(content) : Value());
    return u;
  }

 private:
  static std::string Script(const std::string& url, const std::string& dest,
                            const std::string& creates, const std::string& removes,
                            const std::string& codes_words, bool return_content) {
    std::string s = HttpShellPrelude(false, url) + StatShellFunction(false);
    s += "__ud=" + ShellQuote(dest) + "\n__ucodes=" + ShellQuote(codes_words) + "\n";
    if (!creates.empty())
      s += "if [ -e " + ShellQuote(creates) + " ]; then printf 'DROVER_CREATES|%s\\n' " +
           ShellQuote(creates) + "; exit 0; fi\n";
    if (!removes.empty())
      s += "if [ ! -e " + ShellQuote(removes) + " ]; then printf 'DROVER_REMOVES|%s\\n' " +
           ShellQuote(removes) + "; exit 0; fi\n";
    s += R"SH(__uims=
if [ -n "$__ud" ] && [ -f "$__ud" ]; then __uims=$__ud; fi
__drover_http "$__hx/body" "$__hx/hdr" "$__uims"
)SH";
    s += PrintHeadersShell("\"$__hx/hdr\"");
    if (!dest.empty()) {
      s += R"SH(__ucode=${__hw%%|*}
if [ "$__hr" = 0 ]; then
  case $__ucodes in *" $__ucode "*) if [ "$__ucode" != 304 ]; then
    if [ -d "$__ud" ]; then
      __uf=$(sed -n 's/^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Dd][Ii][Ss][Pp][Oo][Ss][Ii][Tt][Ii][Oo][Nn]:.*filename="\{0,1\}\([^";]*\).*$/\1/p' "$__hx/hdr" | tr -d '\r' | tail -n 1)
      if [ -z "$__uf" ]; then
        __uu=${__hw#*|*|}; __uu=${__uu%%\?*}; __uu=${__uu%%#*}
        case $__uu in *://*/*) __uu=${__uu#*://*/};; *) __uu=;; esac
        __uu=${__uu%/}; __uf=${__uu##*/}
      fi
      [ -n "$__uf" ] || __uf=index.html
      __ud=${__ud%/}/$__uf
      printf 'DROVER_DEST|%s\n' "$__ud"
    fi
    __udir=$(dirname -- "$__ud")
    __un=$(sha1sum < "$__hx/body"); __uo=
    [ -f "$__ud" ] && __uo=$(sha1sum < "$__ud")
    if [ "$__un" != "$__uo" ]; then
      if ! __hx_tmp=$(mktemp "$__udir/.drover-uri.XXXXXX" 2>/dev/null) || ! cat "$__hx/body" > "$__hx_tmp"; then
        printf 'DROVER_WRITE_FAIL|Destination dir %s not writable\n' "$__udir"
      else
        if [ -e "$__ud" ]; then chmod "$(stat -L -c %a -- "$__ud")" "$__hx_tmp"
        else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$__hx_tmp"; fi
        mv -f -- "$__hx_tmp" "$__ud" && __hx_tmp=
      fi
    fi
  fi;; esac
  if [ -e "$__ud" ]; then __drover_stat "$__ud"; fi
fi
)SH";
    }
    // The body goes last; with dest it is sent only when asked for.
    if (dest.empty() || return_content)
      s += "printf '\\nDROVER_BODY|\\n'; cat \"$__hx/body\" 2>/dev/null\n";
    return s;
  }
};

}  // namespace

const Module& UriModule() {
  static const Uri m;
  return m;
}

}  // namespace drover::modules
