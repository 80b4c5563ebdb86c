#include "modules/http_fetch.h"

#include <cstdlib>

#include "connection/shell.h"
#include "modules/file_common.h"

namespace drover::modules {

using connection::ShellQuote;

namespace {

// A curl config string: double-quoted, with \\ \" and control escapes.
std::string CurlQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// A wgetrc value: one line, so line breaks are dropped.
std::string WgetValue(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '\n' && c != '\r') out += c;
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

void ApplyUrlCommonArgs(const Map& args, HttpRequest* req) {
  req->user = ArgText(args, "url_username");
  req->password = ArgText(args, "url_password");
  req->validate_certs = args.find("validate_certs")->as_bool();
  req->timeout = static_cast<int>(args.find("timeout")->as_int());
  req->http_agent = ArgText(args, "http_agent");
  req->use_proxy = args.find("use_proxy")->as_bool();
  req->decompress = args.find("decompress")->as_bool();
  req->client_cert = ArgText(args, "client_cert");
  req->client_key = ArgText(args, "client_key");
}

std::string HttpConfig(const HttpRequest& req) {
  std::string c;
  c += "url = " + CurlQuote(req.url) + "\n";
  if (req.method == "HEAD")
    c += "head\n";
  else if (req.method != "GET" && !(req.method == "POST" && req.body))
    c += "request = " + CurlQuote(req.method) + "\n";
  if (req.body) c += "data-raw = " + CurlQuote(*req.body) + "\n";
  for (const auto& [k, v] : req.headers) c += "header = " + CurlQuote(k + ": " + v) + "\n";
  if (!req.user.empty()) c += "user = " + CurlQuote(req.user + ":" + req.password) + "\n";
  c += "user-agent = " + CurlQuote(req.http_agent) + "\n";
  if (!req.validate_certs) c += "insecure\n";
  if (req.follow_redirects) c += "location\nmax-redirs = 10\n";
  if (!req.use_proxy) c += "noproxy = \"*\"\n";
  if (req.decompress) c += "compressed\n";
  if (!req.client_cert.empty()) c += "cert = " + CurlQuote(req.client_cert) + "\n";
  if (!req.client_key.empty()) c += "key = " + CurlQuote(req.client_key) + "\n";
  const std::string t = std::to_string(req.timeout);
  c += "connect-timeout = " + t + "\nspeed-time = " + t + "\nspeed-limit = 1\n";
  // The wget fallback's wgetrc, as comments to curl.
  for (const auto& [k, v] : req.headers) c += "#W header = " + WgetValue(k + ": " + v) + "\n";
  if (!req.user.empty())
    c += "#W http_user = " + WgetValue(req.user) +
         "\n#W http_password = " + WgetValue(req.password) + "\n";
  c += "#W user_agent = " + WgetValue(req.http_agent) + "\n";
  if (!req.validate_certs) c += "#W check_certificate = off\n";
  c += std::string("#W max_redirect = ") + (req.follow_redirects ? "10" : "0") + "\n";
  if (!req.use_proxy) c += "#W use_proxy = off\n";
  if (!req.client_cert.empty()) c += "#W certificate = " + WgetValue(req.client_cert) + "\n";
  if (!req.client_key.empty()) c += "#W private_key = " + WgetValue(req.client_key) + "\n";
  c += "#W timeout = " + t + "\n#W tries = 1\n";
  return c;
}

std::string HttpShellPrelude(bool allow_wget, const std::string& url) {
  std::string s =
      "__hx=\n"
      "for __hb in /dev/shm \"${TMPDIR:-/tmp}\"; do\n"
      "  if [ -d \"$__hb\" ] && [ -w \"$__hb\" ]; then\n"
      "    __hx=$(mktemp -d \"$__hb/drover-http.XXXXXX\" 2>/dev/null) && break\n"
      "  fi\n"
      "done\n"
      "if [ -z \"$__hx\" ]; then echo 'DROVER_FAIL|could not create a temporary directory on the "
      "host'; exit 0; fi\n"
      "__hx_tmp=\n"
      "trap 'rm -rf \"$__hx\"; [ -z \"$__hx_tmp\" ] || rm -f \"$__hx_tmp\"' EXIT\n"
      "trap 'exit 1' HUP INT TERM\n"
      "cat > \"$__hx/cfg\"\n"
      "__drover_http() {\n"
      "  __hims=\n"
      "  if [ -n \"${3:-}\" ]; then\n"
      "    __hims=\"If-Modified-Since: $(LC_ALL=C date -u -r \"$3\" '+%a, %d %b %Y %H:%M:%S "
      "GMT')\"\n"
      "  fi\n"
      "  if command -v curl >/dev/null 2>&1; then\n"
      "    if [ -n \"$__hims\" ]; then\n"
      "      __hw=$(curl -K \"$__hx/cfg\" -sS -o \"$1\" -D \"$2\" -H \"$__hims\" -w "
      "'%{http_code}|%{num_redirects}|%{url_effective}' 2>\"$__hx/err\" </dev/null)\n"
      "    else\n"
      "      __hw=$(curl -K \"$__hx/cfg\" -sS -o \"$1\" -D \"$2\" -w "
      "'%{http_code}|%{num_redirects}|%{url_effective}' 2>\"$__hx/err\" </dev/null)\n"
      "    fi\n"
      "    __hr=$?\n";
  if (allow_wget) {
    s += "  elif command -v wget >/dev/null 2>&1; then\n"
         "    sed -n 's/^#W //p' \"$__hx/cfg\" > \"$__hx/wgetrc\"\n"
         "    [ -z \"$__hims\" ] || printf 'header = %s\\n' \"$__hims\" >> \"$__hx/wgetrc\"\n"
         "    WGETRC=\"$__hx/wgetrc\" wget -S -O \"$1\" -- " +
         ShellQuote(url) +
         " 2>\"$__hx/werr\" </dev/null\n"
         "    __hr=$?\n"
         "    sed -n 's/^  //p' \"$__hx/werr\" > \"$2\"\n"
         "    grep -v '^  ' \"$__hx/werr\" > \"$__hx/err\"\n"
         "    __hcode=$(sed -n 's/^HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' \"$2\" | tail -n "
         "1)\n"
         "    __hn=$(grep -c '^HTTP/' \"$2\")\n"
         "    [ \"$__hn\" -gt 0 ] && __hn=$((__hn - 1))\n"
         "    __hw=\"${__hcode:-000}|$__hn|\"" +
         ShellQuote(url) +
         "\n"
         // wget exits 8 for HTTP errors; only a missing response is a failure.
         "    [ -z \"$__hcode\" ] || __hr=0\n";
  }
  s += "  else\n"
       "    echo 'DROVER_FAIL|" +
       std::string(allow_wget ? "neither curl nor wget is" : "curl is not") +
       " installed on the host'; exit 0\n"
       "  fi\n"
       "  printf 'DROVER_HTTP|%s|%s\\n' \"$__hr\" \"$__hw\"\n"
       "  if [ \"$__hr\" != 0 ]; then\n"
       "    printf 'DROVER_HTTP_ERR|%s\\n' \"$(grep -v '^ *$' \"$__hx/err\" | head -n 1)\"\n"
       "  fi\n"
       "}\n";
  return s;
}

std::string PrintHeadersShell(const std::string& headers_file_expr) {
  return "echo DROVER_HDRS; tr -d '\\r' < " + headers_file_expr +
         " 2>/dev/null; echo; echo DROVER_HDRS_END\n";
}

std::optional<std::string> HttpResponseHead::Get(const std::string& name) const {
  std::optional<std::string> v;
  const std::string want = Lower(name);
  for (const auto& [k, val] : headers)
    if (Lower(k) == want) v = val;
  return v;
}

HttpResponseHead ParseHeaderDump(const std::string& dump) {
  HttpResponseHead head;
  size_t pos = 0;
  bool in_block = false;
  while (pos < dump.size()) {
    size_t nl = dump.find('\n', pos);
    std::string line = dump.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? dump.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      // A new response: it replaces what came before (redirects, 100).
      head = HttpResponseHead{};
      in_block = true;
      size_t sp = line.find(' ');
      if (sp != std::string::npos) {
        head.status = std::atoi(line.c_str() + sp + 1);
        size_t sp2 = line.find(' ', sp + 1);
        if (sp2 != std::string::npos) head.reason = Trim(line.substr(sp2 + 1));
      }
      continue;
    }
    if (!in_block) continue;
    if (line.empty()) {
      in_block = false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    head.headers.push_back({Trim(line.substr(0, colon)), Trim(line.substr(colon + 1))});
  }
  return head;
}

std::optional<std::string> TaggedLine(const std::string& out, const std::string& tag) {
  const std::string t = tag + "|";
  size_t at = 0;
  while ((at = out.find(t, at)) != std::string::npos) {
    if (at == 0 || out[at - 1] == '\n') {
      size_t nl = out.find('\n', at);
      return out.substr(at + t.size(),
                        nl == std::string::npos ? std::string::npos : nl - at - t.size());
    }
    at += t.size();
  }
  return std::nullopt;
}

HttpOutcome ParseHttpOutput(const std::string& out) {
  HttpOutcome o;
  std::optional<std::string> line = TaggedLine(out, "DROVER_HTTP");
  if (!line) return o;
  o.ran = true;
  // <exit>|<status>|<redirects>|<url, may contain '|'>
  std::vector<std::string> f;
  size_t start = 0;
  while (f.size() < 3) {
    size_t bar = line->find('|', start);
    if (bar == std::string::npos) break;
    f.push_back(line->substr(start, bar - start));
    start = bar + 1;
  }
  f.push_back(line->substr(start));
  if (f.size() == 4) {
    o.tool_exit = std::atoi(f[0].c_str());
    o.status = std::atoi(f[1].c_str());
    o.redirects = std::atoi(f[2].c_str());
    o.effective_url = f[3];
  }
  if (std::optional<std::string> err = TaggedLine(out, "DROVER_HTTP_ERR")) o.error = *err;
  size_t h = out.find("DROVER_HDRS\n");
  if (h != std::string::npos) {
    size_t e = out.find("\nDROVER_HDRS_END", h);
    o.head = ParseHeaderDump(out.substr(h + 12, e == std::string::npos ? e : e - h - 12));
  }
  return o;
}

std::string UrlFilename(const std::string& url) {
  std::string rest = url;
  size_t scheme = rest.find("://");
  if (scheme != std::string::npos) {
    rest = rest.substr(scheme + 3);
    size_t slash = rest.find('/');
    rest = slash == std::string::npos ? "" : rest.substr(slash);
  }
  size_t q = rest.find_first_of("?#");
  if (q != std::string::npos) rest = rest.substr(0, q);
  size_t slash = rest.rfind('/');
  std::string base = slash == std::string::npos ? rest : rest.substr(slash + 1);
  return base.empty() ? "index.html" : base;
}

}  // namespace drover::modules
