// example_site.mjs — what the Chromium suites that look at the example
// site share (axe_pages.mjs, languages.mjs): their prerequisites
// (playwright-core and axe-core from tools/browser/, Debian's chromium;
// a missing one is a skip, 77, or a failure under CI=true), the example
// site built with its stand-in photos in a temporary folder, served over
// a loopback HTTP server (404.html for a missing path, as hosts do), and
// the ok/FAIL lines.
//
// Must never: touch anything outside its temporary folder, or listen
// anywhere but 127.0.0.1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { browserTools, checker } from './common.mjs';

// The suite's arguments (TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]),
// playwright's chromium and axe-core's source; exits 2, 77 or 1 when
// they are missing.
export function prerequisites(suite) {
  const [ts, standin, src, flag, shotDir] = process.argv.slice(2);
  if (!ts || !standin || !src) {
    console.error(`usage: node ${suite}.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]`);
    process.exit(2);
  }
  const { chromium, axeSource } = browserTools(src, suite);
  return { ts, standin, src, shotDir: flag === '--screenshots' ? shotDir : null, chromium, axeSource };
}

const { check: checkLine, counts } = checker();
export const check = checkLine;
export function failed() {
  return counts.fail;
}

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.jpg': 'image/jpeg', '.webp': 'image/webp', '.avif': 'image/avif', '.xml': 'application/xml',
  '.json': 'application/json', '.txt': 'text/plain' };

// Copies examples/site, makes its stand-in photos and builds it; serves
// public/ on a free loopback port. Returns {tmp, site, pub, base, env,
// close()}; a failed build is a FAIL line and exit 1.
export async function serveExample({ ts, standin, src }, prefix) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const site = path.join(tmp, 'site');
  fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
  fs.rmSync(path.join(site, 'public'), { recursive: true, force: true });
  fs.rmSync(path.join(site, '.tearsheet'), { recursive: true, force: true });
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
  let r = spawnSync(standin, [path.join(site, 'stories/kim-ryon-hui')], { env });
  if (r.status === 0) r = spawnSync(ts, ['build', site], { env });
  if (r.status !== 0) {
    console.log(`FAIL build: ${r.stderr}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
  const pub = path.join(site, 'public');
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let f = path.join(pub, p);
    if (!f.startsWith(pub)) { res.writeHead(400); res.end(); return; }
    if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f = path.join(f, 'index.html');
    let status = 200;
    if (!fs.existsSync(f)) { f = path.join(pub, '404.html'); status = 404; }
    res.writeHead(status, { 'content-type': types[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', ok));
  return {
    tmp, site, pub, env,
    base: `http://127.0.0.1:${server.address().port}/`,
    close() {
      server.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export { launch } from './common.mjs';

// axe-core on each of `pages` ({name: path from the root}) in the light
// and the dark colour scheme at 1280×800: a FAIL line per page with
// violations.
export async function axePages(browser, base, pages, axeSource) {
  for (const scheme of ['light', 'dark']) {
    const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    for (const [name, rel] of Object.entries(pages)) {
      await page.goto(base + rel, { waitUntil: 'load' });
      await axeCheck(page, axeSource, `${scheme}: ${name} (/${rel})`);
    }
    await ctx.close();
  }
}

// axe-core on the page as loaded: a FAIL line when it finds violations.
async function axeCheck(page, axeSource, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { resultTypes: ['violations'] }));
  const v = result.violations;
  check(`axe ${label} has no violations`, v.length === 0,
    v.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));
}
