// lib.mjs — what the Chromium tests share: their prerequisites (a
// missing one is a skip, exit 77, or a failure under CI=true, as
// tests/lib/skip.sh), a check that prints and counts, and a free
// loopback port for a server the test starts.
//
// Must never: let a test pass that could not run (a missing
// prerequisite exits 77, never 0).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// playwright-core's chromium (and axe-core's source when asked for),
// from tools/browser/node_modules, and Debian's /usr/bin/chromium.
export function browserPrereqs(src, name, { axe = false } = {}) {
  const require = createRequire(path.join(src, 'tools/browser/package.json'));
  let chromium, axeSource = null;
  try {
    ({ chromium } = require('playwright-core'));
    if (axe) axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch (e) {
    console.log(`SKIPPED: ${name} needs playwright-core${axe ? ' and axe-core' : ''} ` +
      `(npm ci in tools/browser): ${e.message}`);
    process.exit(process.env.CI === 'true' ? 1 : 77);
  }
  if (!fs.existsSync('/usr/bin/chromium')) {
    console.log(`SKIPPED: ${name} needs /usr/bin/chromium (scripts/deps.sh --browser)`);
    process.exit(process.env.CI === 'true' ? 1 : 77);
  }
  return { chromium, axeSource };
}

export const results = { pass: 0, fail: 0 };
export function check(name, ok, detail) {
  if (ok) { results.pass++; console.log(`ok   ${name}`); }
  else { results.fail++; console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`); }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
