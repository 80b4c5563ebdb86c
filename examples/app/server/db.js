// A PostgreSQL client configured from the app's settings (DATABASE_URL, or
// the PG* variables libpq and `pg` understand).
'use strict';
const { Client } = require('pg');

async function connect(config) {
  const client = new Client(config.DATABASE_URL ? { connectionString: config.DATABASE_URL } : {});
  await client.connect();
  return client;
}

// The newest migration applied, or null before the first `npm run migrate`.
async function migrationVersion(client) {
  const exists = await client.query("SELECT to_regclass('schema_migrations') AS t");
  if (!exists.rows[0].t) return null;
  const result = await client.query('SELECT max(version) AS v FROM schema_migrations');
  return result.rows[0].v;
}

module.exports = { connect, migrationVersion };
