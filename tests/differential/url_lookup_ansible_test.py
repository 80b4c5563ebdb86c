#!/usr/bin/env python3
"""The url lookup against ansible-playbook 2.14 (issue 17): drover and
Ansible fetch from one small HTTP server started here on 127.0.0.1 (a free
port), which also answers as an HTTP proxy, and must agree on the exit code,
the recap and every debug message (semantics_lib.py): split_lines (bytes
splitlines: \\n, \\r\\n, \\r), split_lines=False, wantlist, query, headers,
force, http_agent, basic auth after a 401, redirects (followed; refused with
follow_redirects=none), use_proxy with http_proxy/no_proxy, validate_certs
accepted, and the errors: 404 (the host fails, exit 2), a refused
connection, errors=ignore.
"""
import base64
import http.server
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semantics_lib  # noqa: E402

BODY = b"line one\nline two\r\n\rlast"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path.startswith("http://"):  # asked as a proxy
            return self.send(200, ("proxied " + path).encode())
        if path == "/data.txt":
            return self.send(200, BODY)
        if path == "/echo":
            text = "agent=%s cache=%s x=%s" % (self.headers.get("User-Agent"),
                                               self.headers.get("cache-control"),
                                               self.headers.get("X-Test"))
            return self.send(200, text.encode())
        if path == "/auth":
            want = "Basic " + base64.b64encode(b"alice:s3cret").decode()
            if self.headers.get("Authorization") != want:
                return self.send(401, b"no", [("WWW-Authenticate", 'Basic realm="t"')])
            return self.send(200, b"welcome alice")
        if path == "/redirect":
            return self.send(302, b"", [("Location", "/echo")])
        return self.send(404, b"missing")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def play(port, tasks):
    return ("- hosts: h1\n  gather_facts: false\n  vars:\n    base: http://127.0.0.1:%d\n"
            "  tasks:\n%s" % (port, tasks))


def cases(port, closed):
    ok = """\
    - debug: msg="{{ lookup('url', base ~ '/data.txt') }}"
    - debug: msg="{{ query('url', base ~ '/data.txt', split_lines=False) }}"
    - debug: msg="{{ lookup('ansible.builtin.url', base ~ '/data.txt', wantlist=True) }}"
    - debug: msg="{{ q('url', base ~ '/data.txt', base ~ '/echo') }}"
    - debug:
        msg: "{{ lookup('url', base ~ '/echo', headers={'X-Test': 'yes'}, force=True,
                 http_agent='drover-diff') }}"
    - debug: msg="{{ lookup('url', base ~ '/auth', username='alice', password='s3cret') }}"
    - debug: msg="{{ lookup('url', base ~ '/redirect', validate_certs=False, timeout=5) }}"
    - set_fact: got="{{ item }}"
      with_url: ["{{ base }}/echo"]
    - debug: var=got
"""
    return [
        ("fetch, split_lines, headers, auth, redirect, with_url",
         {"site.yml": play(port, ok)}, [], {}),
        ("404 fails the host",
         {"site.yml": play(port, """\
    - debug: msg="{{ lookup('url', base ~ '/nope') }}"
    - debug: msg=after
""")}, [], {}),
        ("redirect not followed",
         {"site.yml": play(port, """\
    - debug: msg="{{ lookup('url', base ~ '/redirect', follow_redirects='none') }}"
      ignore_errors: true
    - debug: msg=after
""")}, [], {}),
        ("connection refused, errors=ignore",
         {"site.yml": play(port, """\
    - debug: msg="{{ lookup('url', 'http://127.0.0.1:%d/x') }}"
      ignore_errors: true
    - debug: msg="{{ lookup('url', 'http://127.0.0.1:%d/x', errors='ignore') | default('none', true) }}"
""" % (closed, closed))}, [], {}),
        ("use_proxy and no_proxy",
         {"site.yml": play(port, """\
    - debug: msg="{{ lookup('url', 'http://drover-diff.invalid/p') }}"
    - debug: msg="{{ lookup('url', base ~ '/echo') }}"
    - debug: msg="{{ lookup('url', 'http://drover-diff.invalid/p', use_proxy=False, errors='ignore') | default('none', true) }}"
""")}, [], {"http_proxy": "http://127.0.0.1:%d" % port, "no_proxy": "127.0.0.1"}),
    ]


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    closed = free_port()
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        os.environ.pop(k, None)
    try:
        return semantics_lib.main("url lookup", cases(port, closed))
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
