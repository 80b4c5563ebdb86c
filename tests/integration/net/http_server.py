#!/usr/bin/python3
# Test HTTP server for net_modules_test.sh, bound to 127.0.0.1:
#   http_server.py PORT DOCROOT LOGFILE
# Serves DOCROOT (with If-Modified-Since) and logs "METHOD PATH" per request.
# /echo...: answers JSON {method, path, body, headers} (status=NNN in the
# path sets the status; nohdr in the path leaves the headers out); /redirect: 302 to /echo/redirected; /disp: a body
# with Content-Disposition; /text: text/plain. Other methods echo too.
import sys, json, os, http.server
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *a):
        with open(LOG, "a") as f: f.write("%s %s\n" % (self.command, self.path))
    def _echo(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        echo = {"method": self.command, "path": self.path, "body": body}
        if "nohdr" not in self.path:
            echo["headers"] = {k.lower(): v for k, v in self.headers.items()}
        out = json.dumps(echo).encode()
        self.send_response(int(self.path.split("status=")[1][:3]) if "status=" in self.path else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("X-Drover-Test", "yes")
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(out)
    def route(self):
        if self.path.startswith("/echo"): return self._echo()
        if self.path.startswith("/redirect"):
            self.send_response(302); self.send_header("Location", "/echo/redirected"); self.send_header("Content-Length", "0"); self.end_headers(); return
        if self.path.startswith("/disp"):
            data = b"disposition body\n"
            self.send_response(200); self.send_header("Content-Disposition", 'attachment; filename="named.txt"')
            self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data); return
        if self.path.startswith("/text"):
            data = b"plain text\n"
            self.send_response(200); self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data); return
        if self.command in ("GET", "HEAD"):
            return super().do_GET() if self.command == "GET" else super().do_HEAD()
        return self._echo()
    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = route
LOG = sys.argv[3]
http.server.ThreadingHTTPServer.allow_reuse_address = True
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), lambda *a, **k: H(*a, directory=sys.argv[2], **k))
s.serve_forever()
