// The app's configuration: the environment, completed from the `.env` file
// in the app's directory (KEY=VALUE lines, as the deployment templates it).
// Values already in the environment win over the file.
'use strict';
const fs = require('fs');
const path = require('path');

const appDir = path.resolve(__dirname, '..');

function parseEnvFile(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    values[match[1]] = value;
  }
  return values;
}

function load() {
  const file = path.join(appDir, '.env');
  const fromFile = fs.existsSync(file) ? parseEnvFile(fs.readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

module.exports = { appDir, load, parseEnvFile };
