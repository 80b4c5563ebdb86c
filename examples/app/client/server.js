// The client: serves client/public/ as static files on CLIENT_PORT (default
// 3001). In production nginx sits in front of it and of the API.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const config = require('../server/config');

const settings = config.load();
const root = path.join(__dirname, 'public');
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const rel = url.pathname === '/' ? 'index.html' : path.normalize(url.pathname).replace(/^[/\\]+/, '');
  const file = path.join(root, rel);
  if (!file.startsWith(root + path.sep)) {
    res.writeHead(403);
    return res.end();
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found\n');
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(data);
  });
});

const port = Number(settings.CLIENT_PORT || 3001);
server.listen(port, settings.CLIENT_HOST || '127.0.0.1', () => {
  console.log(`client listening on ${port}`);
});
