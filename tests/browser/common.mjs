// common.mjs — what the Chromium suites share: playwright-core and
// axe-core from tools/browser/ (a missing one is a skip: exit 77 and
// "SKIPPED:", a failure under CI=true, as tests/lib/skip.sh), one line
// a check, a free loopback port, and waiting for `tearsheet serve`.
//
// Must never: bind anything but the loopback.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export function skip(suite, why) {
  console.log(`SKIPPED: ${suite} ${why}`);
  process.exit(process.env.CI === 'true' ? 1 : 77);
}

// { chromium, axeSource } from SOURCE_DIR/tools/browser, or a skip.
export function browserTools(src, suite) {
  const require = createRequire(path.join(path.resolve(src), 'tools/browser/package.json'));
  try {
    const { chromium } = require('playwright-core');
    const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    if (!fs.existsSync('/usr/bin/chromium')) skip(suite, 'needs /usr/bin/chromium (scripts/deps.sh --browser)');
    return { chromium, axeSource };
  } catch (e) {
    skip(suite, `needs playwright-core and axe-core (npm ci in tools/browser): ${e.message}`);
  }
}

// check(name, ok, detail) prints one line; counts.pass, counts.fail.
export function checker() {
  const counts = { pass: 0, fail: 0 };
  const check = (name, ok, detail) => {
    if (ok) { counts.pass++; console.log(`ok   ${name}`); }
    else { counts.fail++; console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`); }
  };
  return { check, counts };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function waitForServer(url, server, seconds) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (server.exitCode !== null) return false;
    try { const r = await fetch(url); if (r.ok) return true; } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 250));
  }
  return false;
}

// `tearsheet serve SITE` on a free loopback port, with its real
// Content-Security-Policy: { server, root, up } once it answers (up
// false after `seconds`), said by `check` with the server's output.
export async function startServe(ts, site, env, check, seconds = 120) {
  const port = await freePort();
  const root = `http://127.0.0.1:${port}/`;
  let log = '';
  const server = spawn(ts, ['serve', site, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env });
  server.stdout.on('data', b => { log += b; });
  server.stderr.on('data', b => { log += b; });
  const up = await waitForServer(root, server, seconds);
  check('tearsheet serve answers', up, log.slice(-2000));
  return { server, root, up };
}

// Debian's Chromium, headless, nothing fetched in the background.
export function launch(chromium) {
  return chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'] });
}

// { errors, watch(page) }: the CSP refusals a watched page logs.
export function cspWatch() {
  const errors = [];
  const watch = page => page.on('console', m => {
    if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  return { errors, watch };
}

// Closes what a suite started, removes its folder, prints the counts
// and exits 1 on any failure.
export async function finish(counts, { browser, server, tmp }) {
  if (browser) await browser.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${counts.pass} passed, ${counts.fail} failed`);
  process.exit(counts.fail ? 1 : 0);
}
