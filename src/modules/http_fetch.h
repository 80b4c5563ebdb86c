// What get_url and uri share: one HTTP request made *on the host* with the
// tools a minimal Debian host has (curl; wget as a fallback for plain
// downloads), and the parsing of what it reports.
//
// Secrets (url_password, headers) never go on a command line: the request
// travels as a curl config file on the script's stdin, which the script
// saves in a private temporary directory (0700, under /dev/shm when
// writable) removed when the script exits.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace drover::modules {

struct HttpRequest {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string user, password;  // url_username / url_password; empty user: none
  bool validate_certs = true;
  int timeout = 10;  // seconds without progress (Ansible's socket timeout)
  bool follow_redirects = true;
  std::string http_agent = "ansible-httpget";
  bool use_proxy = true;
  bool decompress = true;
  std::string client_cert, client_key;
  std::optional<std::string> body;  // sent as is
};

// Fills `req` from the arguments get_url and uri share (Ansible's
// url_argument_spec): url_username, url_password, validate_certs, timeout,
// http_agent, use_proxy, decompress, client_cert, client_key. `args` have
// been parsed against a spec that has all of them.
void ApplyUrlCommonArgs(const Map& args, HttpRequest* req);

// The curl config (one option per line, values double-quoted and escaped)
// for `req`, followed by "#W "-prefixed wgetrc lines the wget fallback uses
// (curl reads them as comments).
std::string HttpConfig(const HttpRequest& req);

// Shell text that must run first in a script whose stdin is HttpConfig():
// makes the private directory "$__hx" (trap removes it on exit), saves the
// config there, and defines
//   __drover_http BODY_FILE HEADERS_FILE [IF_MODIFIED_SINCE_PATH]
// which makes the request (curl, else wget when `allow_wget`) writing the
// body and the raw response headers, and prints
//   DROVER_HTTP|<tool exit code>|<status or 000>|<redirects>|<effective url>
// and, when the tool failed, DROVER_HTTP_ERR|<its first error line>.
// With a path as third argument the request is conditional on that file's
// mtime (If-Modified-Since), as Ansible's last_mod_time. On exit the
// script's own "$__hx_tmp" (a temp file path, when set) is removed too.
std::string HttpShellPrelude(bool allow_wget, const std::string& url);

// Prints the response headers file ($1) between DROVER_HDRS and
// DROVER_HDRS_END lines, without carriage returns.
std::string PrintHeadersShell(const std::string& headers_file_expr);

// The final response of a header dump (curl -D or wget -S; redirects and
// 100-continue responses come first and are skipped).
struct HttpResponseHead {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  // The last value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string> Get(const std::string& name) const;
};
HttpResponseHead ParseHeaderDump(const std::string& dump);

// The parsed DROVER_HTTP line of a script's output.
struct HttpOutcome {
  bool ran = false;  // the DROVER_HTTP line was found
  int tool_exit = 0;
  int status = 0;
  int redirects = 0;
  std::string effective_url;
  std::string error;  // DROVER_HTTP_ERR text
  HttpResponseHead head;
};
HttpOutcome ParseHttpOutput(const std::string& out);

// The text of a tagged line "TAG|value" in `out`, or nullopt.
std::optional<std::string> TaggedLine(const std::string& out, const std::string& tag);

// Ansible's filename for a URL: the basename of its path, or "index.html".
std::string UrlFilename(const std::string& url);

}  // namespace drover::modules
