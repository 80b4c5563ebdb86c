// The API: GET /api/health answers the app's version, the git commit it runs
// and the database's migration version. Listens on API_PORT (default 3000).
'use strict';
const http = require('http');
const { execFileSync } = require('child_process');
const config = require('./config');
const db = require('./db');
const { version } = require('../package.json');

const settings = config.load();

function gitCommit() {
  if (settings.GIT_COMMIT) return settings.GIT_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: config.appDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const commit = gitCommit();

async function health() {
  const body = { status: 'ok', version, commit, migration: null, environment: settings.APP_ENV || null };
  let client;
  try {
    client = await db.connect(settings);
    body.migration = await db.migrationVersion(client);
    await client.query('INSERT INTO visits (path) VALUES ($1)', ['/api/health']).catch(() => {});
  } catch (err) {
    body.status = 'degraded';
    body.error = `database: ${err.message}`;
  } finally {
    if (client) await client.end().catch(() => {});
  }
  return body;
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/api/health') {
    const body = await health();
    return send(res, body.status === 'ok' ? 200 : 503, body);
  }
  send(res, 404, { error: 'not found' });
});

const port = Number(settings.API_PORT || 3000);
server.listen(port, settings.API_HOST || '127.0.0.1', () => {
  console.log(`api ${version} (${commit}) listening on ${port}`);
});
