// The `url` lookup (ansible.builtin.url): each term is fetched on the
// controller, by the controller's curl through the request script the uri
// and get_url modules run on hosts (modules/http_fetch.h: the request,
// credentials and headers travel on curl's stdin, never on a command line),
// so http and https (the system's CAs), http_proxy/https_proxy/no_proxy and
// redirects behave as curl does. Results as Ansible 2.14's plugin: the body
// split into lines (bytes.splitlines) or whole with split_lines=False; a
// status of 300 and above is "Received HTTP error for URL : HTTP Error N:
// reason", a failed connection "Failed lookup url for URL : <urlopen error
// ...>" (Python's wording for refused, unknown name and timeout).
// Refused clearly: use_gssapi, unix_socket, ca_path, unredirected_headers,
// ciphers. Partial: credentials are sent at once (as force_basic_auth), not
// after the server's 401; use_netrc and the upper-case HTTP_PROXY variable
// are not read (curl's rules).
#include <cmath>
#include <string>

#include "connection/local_connection.h"
#include "executor/lookup_plugins.h"
#include "modules/http_fetch.h"
#include "template/template.h"

namespace drover::executor {

namespace {

[[noreturn]] void Unhandled(std::string message) {
  throw LookupFailure{LookupFailure::kUnhandled, std::move(message)};
}

std::string OptionText(const Map& options, std::string_view key, std::string fallback) {
  const Value* v = options.find(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_string()) return v->as_string();
  if (v->is_int()) return std::to_string(v->as_int());
  return fallback;
}

// The request for `url` from the plugin's options (Ansible's defaults).
modules::HttpRequest Request(const std::string& url, const Map& o) {
  for (const char* unsupported :
       {"use_gssapi", "unix_socket", "ca_path", "unredirected_headers", "ciphers"}) {
    const Value* v = o.find(unsupported);
    if (v && !v->is_null() && v->truthy())
      throw LookupFailure{
          LookupFailure::kOptions,
          std::string("the url lookup's option '") + unsupported + "' is not supported by drover"};
  }
  modules::HttpRequest req;
  req.url = url;
  req.validate_certs = OptionBool(o, "validate_certs", true);
  req.use_proxy = OptionBool(o, "use_proxy", true);
  req.user = OptionText(o, "username", "");
  req.password = OptionText(o, "password", "");
  req.http_agent = OptionText(o, "http_agent", "ansible-httpget");
  req.decompress = false;  // open_url hands the body over as sent
  if (const Value* t = o.find("timeout"); t && !t->is_null()) {
    double seconds = t->is_int()     ? static_cast<double>(t->as_int())
                     : t->is_float() ? t->as_float()
                                     : std::atof(OptionText(o, "timeout", "10").c_str());
    req.timeout = std::max(1, static_cast<int>(std::ceil(seconds)));
  }
  const std::string follow = OptionText(o, "follow_redirects", "urllib2");
  const Value* fv = o.find("follow_redirects");
  req.follow_redirects = !(follow == "none" || follow == "no" || follow == "false" ||
                           follow == "False" || (fv && fv->is_bool() && !fv->as_bool()));
  if (const Value* h = o.find("headers"); h && h->is_map())
    for (const auto& [k, v] : h->as_map())
      req.headers.push_back({k, v.is_string() ? v.as_string() : tmpl::PyStr(v)});
  if (OptionBool(o, "force", false)) req.headers.push_back({"cache-control", "no-cache"});
  return req;
}

// Python's wording (urllib's URLError) for curl's common failures.
std::string UrlopenError(int curl_exit, const std::string& curl_error) {
  switch (curl_exit) {
    case 6: return "<urlopen error [Errno -2] Name or service not known>";
    case 7: return "<urlopen error [Errno 111] Connection refused>";
    case 28: return "<urlopen error timed out>";
    default: return "<urlopen error " + curl_error + ">";
  }
}

// bytes.splitlines(): \n, \r\n and \r end lines; no empty last line.
List SplitLines(const std::string& body) {
  List out;
  std::string line;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\n' || c == '\r') {
      out.push_back(Value(line));
      line.clear();
      if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      line += c;
    }
  }
  if (!line.empty()) out.push_back(Value(line));
  return out;
}

std::string Fetch(const std::string& url, const Map& options) {
  const modules::HttpRequest req = Request(url, options);
  std::string script = modules::HttpShellPrelude(false, url) +
                       "__drover_http \"$__hx/body\" \"$__hx/hdr\"\n" +
                       modules::PrintHeadersShell("\"$__hx/hdr\"") +
                       "echo DROVER_BODY; cat \"$__hx/body\" 2>/dev/null\n";
  const std::string config = modules::HttpConfig(req);
  Result<connection::ExecResult> run = connection::RunLocalShell(script, &config);
  if (!run) Unhandled("Failed lookup url for " + url + " : " + run.error().message);
  const std::string& out = run->stdout_data;
  const size_t body_at = out.find("DROVER_BODY\n");
  const std::string head = out.substr(0, body_at);
  if (std::optional<std::string> fail = modules::TaggedLine(head, "DROVER_FAIL"))
    Unhandled("the url lookup runs curl on the controller: " +
              (*fail == "curl is not installed on the host" ? "curl is not installed" : *fail));
  modules::HttpOutcome got = modules::ParseHttpOutput(head);
  if (!got.ran) Unhandled("Failed lookup url for " + url + " : " + run->stderr_data);
  if (got.tool_exit != 0 && got.status == 0)
    Unhandled("Failed lookup url for " + url + " : " + UrlopenError(got.tool_exit, got.error));
  if (got.tool_exit == 60 || got.tool_exit == 35)
    Unhandled("Error validating the server's certificate for " + url + ": " + got.error);
  if (got.status < 200 || got.status >= 300)
    Unhandled("Received HTTP error for " + url + " : HTTP Error " + std::to_string(got.status) +
              ": " + got.head.reason);
  return body_at == std::string::npos ? "" : out.substr(body_at + 12);
}

List Url(const LookupCall& c) {
  const bool split = OptionBool(c.options, "split_lines", true);
  List out;
  for (const Value& term : c.terms) {
    const std::string url = term.is_string() ? term.as_string() : tmpl::PyStr(term);
    std::string body = Fetch(url, c.options);
    if (!split) {
      out.push_back(Value(std::move(body)));
      continue;
    }
    for (Value& line : SplitLines(body)) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

void AddUrlPlugin(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["url"] = Url;
}

}  // namespace drover::executor
