// credentials_pin.mjs — the Content Credentials pin (issue 14): the C2PA
// "cr" mark over each signed photo's top right corner, opening the first
// level of the panel (signer, software, date), in Debian's headless
// Chromium driven by playwright-core (tools/browser/). The example site
// is built with its stand-in photos and served by `tearsheet serve` (its
// strict Content-Security-Policy) on a loopback port.
//
// What it checks, at 1280×800 and 390×844, on the story page and each
// photo page:
//  - every photo with credentials has one pin, its box inside the
//    photo's box and within 24 px of its top right corner; the pin
//    keeps the mark's shape (a circle in a square box, its lower-right
//    corner square) and is not rotated;
//  - Tab reaches the pin and Enter opens it; the first level shows the
//    signer, software and date `tearsheet verify --json` reports for the
//    published file the panel offers for download; "All details" opens
//    the full panel; a click on the pin opens it and not the viewer;
//  - axe-core finds nothing with the first level open, light and dark;
//  - the Korean story's pin is named from the ko catalogue;
//  - without JavaScript the pin still opens; the viewer still shows the
//    mark; no CSP violation in the console;
//  - a build without `signing_key:` has no pin.
// With --screenshots DIR it keeps the story with the pin closed and
// open at both sizes (docs/credentials-pin-*.png).
//
// Must never: touch anything outside its temporary folder (and DIR), or
// pass without having opened a pin.
//
// usage: node credentials_pin.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTools, checker, cspWatch, finish, launch, startServe } from './common.mjs';

const [ts, standin, src, flag, shotDir] = process.argv.slice(2);
if (!ts || !standin || !src) {
  console.error('usage: node credentials_pin.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]');
  process.exit(2);
}
const screenshots = flag === '--screenshots' ? shotDir : null;
const { chromium, axeSource } = browserTools(src, 'credentials_pin');
const { check, counts } = checker();
const NEAR_PX = 24; // "at the corner": the pin's inset (0.5rem) and a margin

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-pin-'));
const site = path.join(tmp, 'site');
let server = null, browser = null;
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };

// What the pins of a page look like: for each figure with one, the
// boxes of its photo and its summary, the mark's corner radii and
// transform, and whether the figure has credentials at all.
async function pins(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const fig of document.querySelectorAll('figure.photo')) {
      const img = fig.querySelector('img');
      img.scrollIntoView({ block: 'center' });
      if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
      const summary = fig.querySelector('details.cr-pin > summary');
      const mark = summary && summary.querySelector('.cr-mark');
      const i = img.getBoundingClientRect();
      const p = summary ? summary.getBoundingClientRect() : null;
      const cs = mark ? getComputedStyle(mark) : null;
      out.push({ id: fig.id, cover: !!fig.closest('.cover'),
        credentials: !!fig.querySelector('details.credentials') || !fig.querySelector('figcaption'),
        count: fig.querySelectorAll('details.cr-pin').length,
        img: { l: i.left, t: i.top, r: i.right, b: i.bottom },
        pin: p && { l: p.left, t: p.top, r: p.right, b: p.bottom },
        radii: cs && [cs.borderTopLeftRadius, cs.borderTopRightRadius, cs.borderBottomRightRadius,
          cs.borderBottomLeftRadius],
        transform: cs && cs.transform,
        mark: mark && [mark.getBoundingClientRect().width, mark.getBoundingClientRect().height] });
    }
    return out;
  });
}

function checkPins(where, list) {
  const withPin = list.filter(f => f.count);
  check(`${where}: photos with a pin found`, withPin.length > 0, JSON.stringify(list.map(f => f.id)));
  for (const f of list) {
    const name = `${where}: ${f.id}${f.cover ? ' (cover)' : ''}`;
    check(`${name} has one pin`, f.count === 1, `${f.count} pins`);
    if (!f.pin) continue;
    const inside = f.pin.l >= f.img.l - 0.5 && f.pin.r <= f.img.r + 0.5 && f.pin.t >= f.img.t - 0.5 &&
      f.pin.b <= f.img.b + 0.5;
    check(`${name}: the pin is over the photo`, inside, JSON.stringify(f));
    check(`${name}: the pin is at its top right corner`,
      f.img.r - f.pin.r <= NEAR_PX && f.pin.t - f.img.t <= NEAR_PX, JSON.stringify(f));
    const [tl, tr, br, bl] = f.radii;
    check(`${name}: the mark keeps its shape (a circle, square lower-right corner only), unrotated`,
      parseFloat(br) === 0 && [tl, tr, bl].every(r => r === '50%') && f.transform === 'none' &&
      Math.abs(f.mark[0] - f.mark[1]) < 0.5, `${f.radii.join(' ')} ${f.transform} ${f.mark.join('×')}`);
  }
}

try {
  fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
  for (const d of ['public', '.tearsheet']) fs.rmSync(path.join(site, d), { recursive: true, force: true });
  const made = spawnSync(standin, [path.join(site, 'stories/kim-ryon-hui')], { encoding: 'utf8', env });
  check('stand-in photos made', made.status === 0, made.stderr);
  const built = spawnSync(ts, ['build', site], { encoding: 'utf8', env });
  check('the site builds', built.status === 0, (built.stderr || '').slice(-2000));
  if (built.status !== 0) throw new Error('no site');

  browser = await launch(chromium);
  const { errors: cspErrors, watch } = cspWatch();
  const srv = await startServe(ts, site, env, check);
  server = srv.server;
  if (!srv.up) throw new Error('server did not start');
  const root = srv.root, storyUrl = `${root}kim-ryon-hui/`;

  // 1. where the pin is, at both sizes, on the story and the photo pages
  let photoPages = [];
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await ctx.newPage();
    watch(page);
    await page.goto(storyUrl, { waitUntil: 'load' });
    checkPins(`${w}×${h} story`, await pins(page));
    if (!photoPages.length)
      photoPages = await page.$$eval('.story-body a.photo-link', as => as.map(a => a.href));
    for (const href of photoPages) {
      await page.goto(href, { waitUntil: 'load' });
      checkPins(`${w}×${h} ${href.slice(root.length)}`, await pins(page));
    }
    if (screenshots) {
      fs.mkdirSync(screenshots, { recursive: true });
      await page.goto(storyUrl, { waitUntil: 'networkidle' });
      const first = page.locator('.story-body details.cr-pin').first();
      await first.evaluate(d => d.closest('figure').scrollIntoView({ block: 'start' }));
      for (const state of ['closed', 'open']) {
        if (state === 'open') await first.locator('summary').click();
        const out = path.join(screenshots, `credentials-pin-${state}-${w}x${h}.png`);
        await page.screenshot({ path: out });
        console.log(`screenshot ${out}`);
      }
    }
    await ctx.close();
  }

  // 2. keyboard, the first level's facts against `tearsheet verify --json`
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    watch(page);
    await page.goto(storyUrl, { waitUntil: 'load' });
    const onPin = () => page.evaluate(() => {
      const a = document.activeElement;
      return !!a && a.matches('.story-body details.cr-pin > summary');
    });
    let tabs = 0;
    while (!(await onPin()) && tabs < 80) { await page.keyboard.press('Tab'); tabs++; }
    check(`Tab reaches a photo's pin in the story (${tabs} presses)`, await onPin());
    await page.keyboard.press('Enter');
    const shown = await page.evaluate(() => {
      const d = document.activeElement.closest('details.cr-pin');
      const fig = d.closest('figure');
      const panel = d.querySelector('.cr-pin-panel');
      const r = panel.getBoundingClientRect();
      const facts = {};
      for (const dt of panel.querySelectorAll('dt')) facts[dt.textContent] = dt.nextElementSibling.textContent;
      const dl = fig.querySelector('details.credentials a[download]');
      return { open: d.open, visible: r.width > 0 && r.height > 0 && r.right <= innerWidth && r.left >= 0,
        facts, name: d.querySelector('summary').textContent.replace(/^cr/, ''),
        download: dl ? dl.href : null, more: panel.querySelector('a').getAttribute('href'),
        viewer: document.querySelector('dialog.viewer').open, url: location.href };
    });
    check('Enter opens the pin', shown.open && shown.visible, JSON.stringify(shown));
    check('the pin is named from the catalogue',
      shown.name === 'Content Credentials: who signed this photo, with what software and when', shown.name);
    check('Enter on the pin does not open the viewer', !shown.viewer && shown.url === storyUrl, shown.url);
    check('the photo offers its signed file', !!shown.download);
    if (shown.download) {
      const file = path.join(site, 'public', decodeURIComponent(new URL(shown.download).pathname));
      const v = spawnSync(ts, ['verify', '--json', file], { encoding: 'utf8', env });
      let sm = {};
      try { sm = JSON.parse(v.stdout).summary || {}; } catch { /* a FAIL below */ }
      check('tearsheet verify --json reads the signed file', v.status === 0 && !!sm.generator,
        `exit ${v.status}: ${v.stdout.slice(0, 500)}`);
      const signer = sm.signer_org && sm.signer_org !== sm.signer_cn ? `${sm.signer_cn} (${sm.signer_org})`
        : (sm.signer_cn || sm.signer_org);
      check('the first level shows the signer verify reports', shown.facts['Signed by'] === signer,
        `${shown.facts['Signed by']} vs ${signer}`);
      check('the first level shows the software verify reports', shown.facts.Software === sm.generator,
        `${shown.facts.Software} vs ${sm.generator}`);
      // without a time-stamp (the example site has no tsa_url) verify
      // reports none, and the pin says so
      check('the first level shows the date verify reports',
        shown.facts.Date === (sm.when || 'not attested (no trusted time-stamp)'),
        `${shown.facts.Date} vs ${sm.when}`);
    }

    // axe-core with the first level open, through the DevTools protocol
    // (the server's CSP refuses an inline <script>)
    await page.evaluate(axeSource);
    let axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    check('axe-core: no violations with the pin open', axe.violations.length === 0,
      axe.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));

    // "All details": the full panel, opened
    await page.locator('.story-body details.cr-pin[open] .cr-pin-panel a').click();
    await page.waitForFunction(() => location.hash !== '');
    const full = await page.evaluate(() => {
      const t = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      const d = t && t.closest('details.credentials');
      return { target: !!t, open: !!d && d.open, viewer: document.querySelector('dialog.viewer').open };
    });
    check('"All details" opens the full panel', full.target && full.open && !full.viewer, JSON.stringify(full));

    // a click on another pin opens it, not the viewer
    await page.goto(storyUrl, { waitUntil: 'load' });
    const second = page.locator('.story-body details.cr-pin').nth(1);
    await second.locator('summary').click();
    const clicked = await page.evaluate(() => ({
      open: document.querySelectorAll('.story-body details.cr-pin')[1].open,
      viewer: document.querySelector('dialog.viewer').open, url: location.href }));
    check('a click on a pin opens it', clicked.open);
    check('a click on a pin does not open the viewer', !clicked.viewer && clicked.url === storyUrl,
      JSON.stringify(clicked));
    // the viewer still shows the mark
    await page.locator('.story-body a.photo-link').first().click();
    await page.waitForFunction(() => document.querySelector('dialog.viewer').open);
    check('the viewer still shows the Content Credentials mark',
      await page.evaluate(() => !!document.querySelector('dialog.viewer .viewer-caption details.credentials .cr-mark')));
    await ctx.close();
  }

  // 3. axe in the dark scheme with the pin open, on the story and a photo page
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await ctx.newPage();
    watch(page);
    for (const url of [storyUrl, photoPages[0]]) {
      await page.goto(url, { waitUntil: 'load' });
      await page.locator('details.cr-pin summary').first().click();
      await page.evaluate(axeSource);
      const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
      check(`axe-core, dark scheme: no violations with the pin open (/${url.slice(root.length)})`,
        axe.violations.length === 0,
        axe.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));
    }
    await ctx.close();
  }

  // 4. the Korean story: the pin's name from the ko catalogue
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    watch(page);
    await page.goto(`${root}ko/kim-ryon-hui/`, { waitUntil: 'load' });
    const name = await page.evaluate(() => {
      const s = document.querySelector('details.cr-pin > summary .visually-hidden');
      return s ? s.textContent : null;
    });
    check('the Korean story\'s pin is named from the ko catalogue',
      name === '콘텐츠 자격 증명: 이 사진에 누가, 어떤 소프트웨어로, 언제 서명했는지', name);
    await ctx.close();
  }

  // 5. without JavaScript the pin opens (a details element)
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(storyUrl, { waitUntil: 'load' });
    await page.locator('.story-body details.cr-pin summary').first().click();
    const open = await page.locator('.story-body details.cr-pin').first().evaluate(d => d.open);
    check('without JavaScript a click opens the pin, on the story page', open && page.url() === storyUrl, page.url());
    await ctx.close();
  }
  check('no Content-Security-Policy violation', cspErrors.length === 0, cspErrors.join(' | '));

  // 6. no credentials, no pin: the same site built without signing_key
  {
    const yaml = path.join(site, 'site.yaml');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/^signing_key:.*$/m, ''));
    const unsigned = path.join(tmp, 'unsigned');
    fs.mkdirSync(unsigned);
    const r = spawnSync(ts, ['build', site, '--output', unsigned], { encoding: 'utf8', env });
    const html = r.status === 0 ? fs.readFileSync(path.join(unsigned, 'kim-ryon-hui/index.html'), 'utf8') : '';
    check('a build without signing_key has no pin', r.status === 0 && html.includes('<figure') &&
      !html.includes('cr-pin'), (r.stderr || '').slice(-1000));
  }
} catch (e) {
  check('the suite ran to its end', false, e.stack || e.message);
}
await finish(counts, { browser, server, tmp });
