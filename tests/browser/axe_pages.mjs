// axe_pages.mjs — accessibility as a gate (issue 12): axe-core (pinned in
// tools/browser/package-lock.json) runs in Debian's headless Chromium on
// every page type of the example site — home, story, photo page, tag,
// place, publications, licence form, about, 404 — in the light and the
// dark colour scheme, and the test fails on any violation. The site is
// built from a copy with the stand-in photos and served over a loopback
// HTTP server of this script (404.html for a missing path, as hosts do).
// With --screenshots DIR it also keeps screenshots of the home page, a
// photo page, a tag page and the Atom feed as Chromium shows it, at
// desktop (1280×800) and phone (390×844) width.
//
// Must never: touch anything outside its temporary folder (and DIR), or
// pass without having run axe on every page type.
//
// usage: node axe_pages.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { browserTools } from './common.mjs';

const [ts, standin, src, flag, shotDir] = process.argv.slice(2);
if (!ts || !standin || !src) {
  console.error('usage: node axe_pages.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]');
  process.exit(2);
}
// a missing prerequisite is a skip (77), or a failure under CI
const { chromium, axeSource } = browserTools(src, 'axe_pages');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-axe-'));
let failures = 0;
function check(name, ok, detail) {
  console.log(ok ? `ok   ${name}` : `FAIL ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures++;
}

const site = path.join(tmp, 'site');
fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
fs.rmSync(path.join(site, 'public'), { recursive: true, force: true });
fs.rmSync(path.join(site, '.tearsheet'), { recursive: true, force: true });
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
let r = spawnSync(standin, [path.join(site, 'stories/kim-ryon-hui')], { env });
if (r.status === 0) r = spawnSync(ts, ['build', site], { env });
if (r.status !== 0) {
  console.log(`FAIL build: ${r.stderr}`);
  process.exit(1);
}
const pub = path.join(site, 'public');

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.jpg': 'image/jpeg', '.webp': 'image/webp', '.avif': 'image/avif', '.xml': 'application/xml',
  '.json': 'application/json', '.txt': 'text/plain' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let f = path.join(pub, p);
  if (!f.startsWith(pub)) { res.writeHead(400); res.end(); return; }
  if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f = path.join(f, 'index.html');
  let status = 200;
  if (!fs.existsSync(f)) { f = path.join(pub, '404.html'); status = 404; }
  res.writeHead(status, { 'content-type': types[path.extname(f)] || 'application/octet-stream' });
  fs.createReadStream(f).pipe(res);
});
await new Promise(ok => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

// one page of each type; the tag and place are the example's own
const tag = fs.readdirSync(path.join(pub, 'tags')).find(d => d !== 'index.html' && d.includes('korea')) ||
  fs.readdirSync(path.join(pub, 'tags')).find(d => d !== 'index.html');
const place = fs.readdirSync(path.join(pub, 'places')).find(d => d !== 'index.html');
const pages = {
  home: '', story: 'kim-ryon-hui/', 'photo page': 'kim-ryon-hui/kim-ryon-hui-01/',
  tag: `tags/${encodeURIComponent(tag)}/`, 'tag index': 'tags/', place: `places/${encodeURIComponent(place)}/`,
  publications: 'publications/', 'licence form': 'license/kim-ryon-hui/kim-ryon-hui-01/',
  about: 'about/', '404': 'no-such-page/',
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'] });
try {
  for (const scheme of ['light', 'dark']) {
    const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    for (const [name, rel] of Object.entries(pages)) {
      await page.goto(base + rel, { waitUntil: 'load' });
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () =>
        await window.axe.run(document, { resultTypes: ['violations'] }));
      const v = result.violations;
      check(`axe ${scheme}: ${name} (/${rel}) has no violations`, v.length === 0,
        v.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));
    }
    await ctx.close();
  }
  if (flag === '--screenshots' && shotDir) {
    fs.mkdirSync(shotDir, { recursive: true });
    const shots = { home: '', photo: 'kim-ryon-hui/kim-ryon-hui-01/', tag: `tags/${encodeURIComponent(tag)}/`,
      feed: 'feed.xml' };
    for (const [w, h, label] of [[1280, 800, 'desktop'], [390, 844, 'phone']]) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      for (const [name, rel] of Object.entries(shots)) {
        await page.goto(base + rel, { waitUntil: 'networkidle' });
        const out = path.join(shotDir, `share-${name}-${label}.png`);
        await page.screenshot({ path: out });
        console.log(`screenshot ${out}`);
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
