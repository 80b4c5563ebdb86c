#include "modules/http_fetch.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("ParseHeaderDump keeps the final response after redirects") {
  HttpResponseHead h = ParseHeaderDump(
      "HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
      "X-Dup: a\r\nx-dup: b\r\n\r\n");
  CHECK(h.status == 200);
  CHECK(h.reason == "OK");
  CHECK(h.headers.size() == 4);
  CHECK(h.Get("content-length") == std::optional<std::string>("12"));
  CHECK(h.Get("X-DUP") == std::optional<std::string>("b"));
  CHECK(!h.Get("Location"));
}

TEST_CASE("ParseHeaderDump: a reason phrase with spaces, and no response") {
  HttpResponseHead h = ParseHeaderDump("HTTP/1.0 404 File not found\nServer: x\n");
  CHECK(h.status == 404);
  CHECK(h.reason == "File not found");
  CHECK(ParseHeaderDump("").status == 0);
}

TEST_CASE("ParseHttpOutput reads the tool's line and the headers block") {
  HttpOutcome o = ParseHttpOutput(
      "DROVER_TMP|/t\nDROVER_HTTP|0|200|1|http://h/a|b?c\n"
      "DROVER_HDRS\nHTTP/1.1 200 OK\nA: 1\n\nDROVER_HDRS_END\n");
  CHECK(o.ran);
  CHECK(o.tool_exit == 0);
  CHECK(o.status == 200);
  CHECK(o.redirects == 1);
  CHECK(o.effective_url == "http://h/a|b?c");
  CHECK(o.head.Get("a") == std::optional<std::string>("1"));
  HttpOutcome e = ParseHttpOutput("DROVER_HTTP|7|000|0|http://h/\nDROVER_HTTP_ERR|curl: (7) no\n");
  CHECK(e.tool_exit == 7);
  CHECK(e.error == "curl: (7) no");
  CHECK(!ParseHttpOutput("nothing").ran);
}

TEST_CASE("UrlFilename follows Ansible's url_filename") {
  CHECK(UrlFilename("http://h/a/b.tar.gz") == "b.tar.gz");
  CHECK(UrlFilename("http://h/a/b.txt?x=1#f") == "b.txt");
  CHECK(UrlFilename("http://h/a/") == "index.html");
  CHECK(UrlFilename("http://h") == "index.html");
  CHECK(UrlFilename("http://h/%20x") == "%20x");
}

TEST_CASE("HttpConfig quotes values for curl and keeps secrets off command lines") {
  HttpRequest r;
  r.url = "http://h/\"q\"\\";
  r.headers = {{"X-A", "v\nw"}};
  r.user = "u";
  r.password = "p\"w";
  r.method = "PUT";
  r.body = std::string("@not-a-file");
  std::string c = HttpConfig(r);
  CHECK(c.find("url = \"http://h/\\\"q\\\"\\\\\"\n") != std::string::npos);
  CHECK(c.find("header = \"X-A: v\\nw\"\n") != std::string::npos);
  CHECK(c.find("user = \"u:p\\\"w\"\n") != std::string::npos);
  CHECK(c.find("request = \"PUT\"\n") != std::string::npos);
  CHECK(c.find("data-raw = \"@not-a-file\"\n") != std::string::npos);
  CHECK(c.find("#W http_password = p\"w\n") != std::string::npos);
  CHECK(c.find("#W header = X-A: vw\n") != std::string::npos);
}

TEST_CASE("TaggedLine matches whole tags at line starts") {
  CHECK(TaggedLine("xDROVER_A|1\nDROVER_A|2\n", "DROVER_A") == std::optional<std::string>("2"));
  CHECK(!TaggedLine("DROVER_AB|1\n", "DROVER_A"));
  CHECK(TaggedLine("DROVER_A|", "DROVER_A") == std::optional<std::string>(""));
}

}  // namespace drover::modules
