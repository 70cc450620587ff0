// serve_watch.mjs — `tearsheet serve --watch` as a writer uses it, in
// Debian's headless Chromium (playwright-core from tools/browser/): the
// example site is copied to a temporary folder and served on a free
// loopback port. First without --watch: no page carries the watch
// script and /_tearsheet/ is not there. Then with --watch: the story
// is opened, story.md is saved (a temporary file renamed over it, as
// editors do) and the open page shows the new text without the test
// reloading it; a broken front matter (and a story folder whose name
// is HTML) puts the errors over the page, as text; the fix clears them.
// axe-core finds nothing on the page with the errors shown (light and
// dark), no Content-Security-Policy report is raised, the built files
// hold nothing of the watch, and SIGTERM stops the server at once.
// With --screenshots DIR it keeps the overlay as docs/serve-watch-error.png.
//
// Must never: touch anything outside its temporary folder (and DIR),
// or wait without a bound.
//
// usage: node serve_watch.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { browserTools, checker, freePort } from './common.mjs';

const [ts, standin, src, flag, shotDir] = process.argv.slice(2);
if (!ts || !standin || !src) {
  console.error('usage: node serve_watch.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]');
  process.exit(2);
}
const { chromium, axeSource } = browserTools(src, 'serve_watch');
const { check, counts: results } = checker();

// Starts `tearsheet serve SITE ...` and waits (bounded) until it answers.
async function startServer(site, extra) {
  const port = await freePort();
  const root = `http://127.0.0.1:${port}/`;
  const proc = spawn(ts, ['serve', site, '--listen', `127.0.0.1:${port}`, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { proc, root, log: '' };
  proc.stdout.on('data', b => { s.log += b; });
  proc.stderr.on('data', b => { s.log += b; });
  const end = Date.now() + 180 * 1000;
  while (Date.now() < end && proc.exitCode === null) {
    try { if ((await fetch(root)).ok) return s; } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`server ${extra.join(' ')} did not start: ${s.log.slice(-2000)}`);
}

// SIGTERM, then the exit (bounded): its status and how long it took.
async function stopServer(s) {
  const t0 = Date.now();
  // the signal's name when a signal ended it, so a failure says which
  const exited = new Promise(r => s.proc.once('exit', (code, signal) => r(code ?? signal)));
  s.proc.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise(r => setTimeout(() => r('timeout'), 15000))]);
  if (code === 'timeout') s.proc.kill('SIGKILL');
  return { code, ms: Date.now() - t0 };
}

// What an editor does: the new text to a temporary file, renamed over.
function save(file, text) {
  const tmpFile = path.join(path.dirname(file), `.${path.basename(file)}.swp`);
  fs.writeFileSync(tmpFile, text);
  fs.renameSync(tmpFile, file);
}

// Every file of the built site that mentions the watch's script or stream.
function watchTraces(dir) {
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...watchTraces(p));
    else if (/\/_tearsheet\/|watch\.js|text\/event-stream|EventSource/.test(fs.readFileSync(p, 'latin1')))
      found.push(p);
  }
  return found;
}

async function axe(page, label) {
  await page.evaluate(axeSource); // DevTools evaluation: not subject to the page's CSP
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const v = result.violations;
  check(`axe (${label}): no violations with the error overlay shown`, v.length === 0,
    v.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-watch-'));
const site = path.join(tmp, 'site');
const storyDir = path.join(site, 'stories/kim-ryon-hui');
const storyMd = path.join(storyDir, 'story.md');
const odd = path.join(site, 'stories', '<img src=x onerror=window.__xss=1>');
let server = null, browser = null;
try {
  fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
  for (const d of ['public', '.tearsheet']) fs.rmSync(path.join(site, d), { recursive: true, force: true });
  const made = spawnSync(standin, [storyDir], { encoding: 'utf8' });
  check('stand-in photos made', ['kim-ryon-hui-01.jpg', 'kim-ryon-hui-02.jpg']
    .every(f => fs.existsSync(path.join(storyDir, f))), made.stderr);
  const pub = path.join(site, 'public');

  // ---- without --watch: nothing of it ----
  server = await startServer(site, []);
  {
    const page = await (await fetch(`${server.root}kim-ryon-hui/`)).text();
    check('without --watch: the story page is served', page.includes('Kim Ryon-hui'));
    check('without --watch: no /_tearsheet/ script in the page', !page.includes('/_tearsheet/'));
    for (const rel of ['_tearsheet/watch.js', '_tearsheet/watch.css', '_tearsheet/events']) {
      const r = await fetch(server.root + rel);
      check(`without --watch: /${rel} is not served`, r.status === 404, String(r.status));
    }
  }
  let stop = await stopServer(server);
  server = null;
  check('without --watch: SIGTERM stops the server cleanly', stop.code === 0, String(stop.code));

  // ---- with --watch ----
  server = await startServer(site, ['--watch']);
  const root = server.root;
  {
    const r = await fetch(`${root}kim-ryon-hui/`);
    const page = await r.text();
    const onDisk = fs.readFileSync(path.join(pub, 'kim-ryon-hui/index.html'), 'utf8');
    check('--watch: the served page loads /_tearsheet/watch.js, naming its build',
      /<script src="\/_tearsheet\/watch\.js\?build=1" defer><\/script>\n<\/head>/.test(page));
    check('--watch: the page on disk does not', !onDisk.includes('/_tearsheet/'));
    check('--watch: pages keep the strict CSP',
      (r.headers.get('content-security-policy') || '').includes("script-src 'self'") &&
      !(r.headers.get('content-security-policy') || '').includes('unsafe-inline'));
    const js = await fetch(`${root}_tearsheet/watch.js`);
    check('--watch: watch.js is served as JavaScript',
      js.status === 200 && js.headers.get('content-type').startsWith('text/javascript'));
  }

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'] });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const cspReports = [];
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) cspReports.push(m.text()); });
  await page.goto(`${root}kim-ryon-hui/`, { waitUntil: 'load' });
  // the event stream is open once the script heard of the current build
  await page.waitForSelector('html[data-tearsheet-watch]', { timeout: 30000 });
  check('the page script connected to /_tearsheet/events', true);

  // 1. an edit reaches the open page
  const good = fs.readFileSync(storyMd, 'utf8');
  const marker = `Written while watching ${process.pid}.`;
  const edited = good.replace('Most North Koreans who reach the South', `${marker} Most North Koreans who reach the South`);
  check('the example story has the sentence the test edits', edited !== good);
  save(storyMd, edited);
  const shown = await page.waitForFunction(m => document.body.innerText.includes(m), marker, { timeout: 60000 })
    .then(() => true, () => false);
  check('after saving story.md the open page shows the new text', shown);
  check('the page reloaded itself (the test never did)',
    await page.evaluate(() => performance.getEntriesByType('navigation')[0].type) === 'reload');

  // 1b. a build that ends after a page was sent but before its stream
  // opened: the page names its build (watch.js?build=N), so it reloads
  {
    const racer = await ctx.newPage();
    let release;
    const held = new Promise(r => { release = r; });
    await racer.route('**/_tearsheet/events', async route => { await held; await route.continue(); });
    await racer.goto(`${root}kim-ryon-hui/`, { waitUntil: 'load' });
    const marker2 = `Saved between page and stream ${process.pid}.`;
    save(storyMd, edited.replace(marker, `${marker} ${marker2}`));
    let built = false;
    for (const end = Date.now() + 60000; !built && Date.now() < end;) {
      built = (await (await fetch(`${root}kim-ryon-hui/`)).text()).includes(marker2);
      if (!built) await new Promise(r => setTimeout(r, 200));
    }
    check('(the build between page and stream finished)', built);
    release();
    check('a page whose stream opened after a build reloads to it',
      await racer.waitForFunction(m => document.body.innerText.includes(m), marker2, { timeout: 30000 })
        .then(() => true, () => false));
    await racer.close();
    save(storyMd, edited);
    await page.waitForFunction(m => !document.body.innerText.includes(m), marker2, { timeout: 60000 }).catch(() => {});
  }

  // 2. a broken front matter, and a folder whose name is HTML
  save(storyMd, edited.replace(/^title: .*$/m, 'title: [unclosed, "Kim Ryon-hui'));
  fs.mkdirSync(odd);
  const overlay = page.locator('dialog.tearsheet-watch-error');
  const appeared = await overlay.waitFor({ state: 'visible', timeout: 60000 }).then(() => true, () => false);
  check('a broken front matter shows the error over the page', appeared);
  if (appeared) {
    await page.waitForFunction(() => document.querySelectorAll('dialog.tearsheet-watch-error li').length >= 2,
      null, { timeout: 30000 }).catch(() => {});
    const text = await overlay.innerText();
    check('the error names the file and the line', /stories\/kim-ryon-hui\/story\.md: line \d+/.test(text), text);
    check('the error names the folder, as text', text.includes('<img src=x onerror=window.__xss=1>'), text);
    check('nothing of the error became HTML', await overlay.locator('img').count() === 0 &&
      await page.evaluate(() => window.__xss === undefined));
    check('the overlay is modal (the stale page behind is inert)',
      await overlay.evaluate(d => d.open && d.matches(':modal')));
    check('the overlay is styled by the same-origin stylesheet',
      await overlay.evaluate(d => getComputedStyle(d).borderTopStyle === 'solid'));
    if (flag === '--screenshots' && shotDir) {
      fs.mkdirSync(shotDir, { recursive: true });
      const out = path.join(shotDir, 'serve-watch-error.png');
      await page.screenshot({ path: out });
      console.log(`screenshot ${out}`);
    }
    await axe(page, 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await axe(page, 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
  }
  {
    // a page opened while the build is broken shows the errors too
    const late = await ctx.newPage();
    await late.goto(`${root}about/`, { waitUntil: 'load' });
    check('a page opened while broken shows the errors', await late.locator('dialog.tearsheet-watch-error')
      .waitFor({ state: 'visible', timeout: 30000 }).then(() => true, () => false));
    await late.close();
  }

  // 3. fixed: the errors go, the page is the new one
  fs.rmdirSync(odd);
  save(storyMd, edited);
  const cleared = await page.waitForFunction(
    () => !document.querySelector('dialog.tearsheet-watch-error'), null, { timeout: 60000 })
    .then(() => true, () => false);
  check('the fixed front matter clears the error', cleared);
  check('and the page shows the story again', cleared &&
    await page.evaluate(m => document.body.innerText.includes(m), marker));
  check('no Content-Security-Policy report in the page', cspReports.length === 0, cspReports.join(' | '));

  // 4. a story folder made while watching is watched (its story shows
  // on the open home page); writes to the output and .tearsheet/ start
  // no build (the build writes there: it would rebuild forever)
  await page.goto(root, { waitUntil: 'load' });
  await page.waitForSelector('html[data-tearsheet-watch]', { timeout: 30000 });
  const fresh = path.join(site, 'stories/written-while-watching');
  fs.mkdirSync(fresh);
  save(path.join(fresh, 'story.md'), '---\ntitle: A story begun while watching\ndate: 2026-12-01\n---\nFirst lines.\n');
  check('a story folder made while watching reaches the open home page',
    await page.waitForFunction(() => document.body.innerText.includes('A story begun while watching'), null,
      { timeout: 60000 }).then(() => true, () => false));
  await new Promise(r => setTimeout(r, 1000));
  const builds = () => (server.log.match(/changed, building/g) || []).length;
  const before = builds();
  fs.writeFileSync(path.join(pub, 'not-a-source.html'), 'x');
  fs.writeFileSync(path.join(site, '.tearsheet', 'not-a-source'), 'x');
  await new Promise(r => setTimeout(r, 1500));
  check('writes to public/ and .tearsheet/ start no build', builds() === before, `${before} → ${builds()}`);
  fs.rmSync(path.join(pub, 'not-a-source.html'));

  // 5. nothing of the watch in the built site
  const traces = watchTraces(pub);
  check('the built files hold nothing of the watch', traces.length === 0, traces.join(', '));

  // 6. streams wait suspended, not in the server's 4 worker threads:
  // open streams up to the limit (16, the page's included; a reloaded
  // page's old stream counts until the refusal's ping frees it, so
  // once refused, wait and fill again); with them open a page is
  // answered at once
  const abort = new AbortController();
  const streams = [];
  let refusals = 0;
  for (let i = 0; i < 40 && refusals < 2; i++) {
    const r = await fetch(`${root}_tearsheet/events`, { signal: abort.signal });
    if (r.status === 503) {
      // the refusal pinged every stream: the closed ones are freed
      refusals++;
      await new Promise(ok => setTimeout(ok, 1000));
      continue;
    }
    const first = await r.body.getReader().read();
    streams.push(r);
    if (i === 0)
      check('a stream starts with the current build', r.status === 200 &&
        r.headers.get('content-type').startsWith('text/event-stream') &&
        /event: build\ndata: \{"build":\d+,"ok":true/.test(Buffer.from(first.value).toString()));
  }
  // (TCP says a peer is gone on the second write after it left, so a
  // closed page's stream may take two pings to free: between 8, twice
  // the worker threads, and the 15 beside the page are held here)
  check('at most 16 streams (the page\'s and 15), the next refused (503)',
    refusals >= 1 && streams.length >= 8 && streams.length <= 15,
    `${streams.length} open, ${refusals} refusals`);
  const t0 = Date.now();
  const busy = await fetch(`${root}kim-ryon-hui/`);
  check(`with ${streams.length} streams open a page is answered at once`,
    busy.status === 200 && (await busy.text()).includes('Kim Ryon-hui') && Date.now() - t0 < 2000,
    `${busy.status} in ${Date.now() - t0} ms`);

  // 7. SIGTERM with the page and the streams still open
  stop = await stopServer(server);
  abort.abort();
  server = null;
  check('--watch: SIGTERM with an open page stops the server cleanly and soon',
    stop.code === 0 && stop.ms < 10000, `exit ${stop.code} after ${stop.ms} ms`);
} catch (e) {
  check('the test ran to its end', false, e.message);
} finally {
  if (browser) await browser.close();
  if (server && server.proc.exitCode === null) {
    console.log(server.log.slice(-3000));
    server.proc.kill('SIGKILL');
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${results.pass} passed, ${results.fail} failed`);
process.exit(results.fail ? 1 : 0);
