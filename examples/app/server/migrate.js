// npm run migrate: applies migrations/NNN_name.sql in order, each once and
// in its own transaction, and records it in schema_migrations.
'use strict';
const fs = require('fs');
const path = require('path');
const config = require('./config');
const db = require('./db');

const dir = path.join(config.appDir, 'migrations');

async function main() {
  const client = await db.connect(config.load());
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const files = fs.readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
    let applied = 0;
    for (const file of files) {
      const version = file.split('_')[0];
      if (done.has(version)) continue;
      await client.query('BEGIN');
      await client.query(fs.readFileSync(path.join(dir, file), 'utf8'));
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      await client.query('COMMIT');
      console.log(`applied ${file}`);
      applied++;
    }
    console.log(`migration version ${await db.migrationVersion(client)} (${applied} applied)`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(`migrate: ${err.message}`);
  process.exit(1);
});
