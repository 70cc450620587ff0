// viewer.mjs — photos drawn at the sizes they have, and the full-screen
// viewer (issue 13), in Debian's headless Chromium driven by
// playwright-core (tools/browser/). The example site is built with its
// stand-in photos plus small originals this script writes with vips (a
// 120×80 and a 90×160 JPEG; with --corpus DIR also ExifTool's 120 px
// exiftool_GPS.jpg and a 10 px folio_profimedia JPEG from the shared
// corpus), then served by `tearsheet serve` (its strict
// Content-Security-Policy: no inline script or style) on a loopback port.
//
// What it checks:
//  - the build and `tearsheet lint` warn about each small original and
//    say which width it reaches;
//  - at 1280×800, 1920×1080 and 390×844, on the story page, on every
//    photo page and in the viewer: no photo's box taller than the
//    viewport, nor wider than its largest derivative, and drawn at its
//    own ratio; the img's width/height are the largest derivative's;
//  - the viewer by keyboard only: Tab to the first figure, Enter opens,
//    → next, ← previous, Tab and Shift+Tab stay inside, the caption,
//    credit and Content Credentials mark are in it and reachable, Esc
//    closes and focus is back on the figure's link; the address follows
//    the photo (the photo page's) and Back closes; the next photo's
//    derivative is fetched before it is shown, and it is the one shown;
//    axe-core finds nothing with the viewer open;
//  - by touch (a touch-enabled phone context, CDP touch events): a tap
//    opens, a swipe left goes on, a swipe right goes back;
//  - prefers-reduced-motion: no animation; without JavaScript a click
//    opens the photo's own page; no CSP violation in the console.
// With --screenshots DIR it keeps the story at the three sizes, the
// 120 px photo in it, and the viewer open on a desktop and a phone
// (docs/viewer-*.png).
//
// Must never: touch anything outside its temporary folder (and DIR), or
// pass without having driven the viewer.
//
// usage: node viewer.mjs TEARSHEET STANDIN SOURCE_DIR [--corpus DIR] [--screenshots DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTools, checker, cspWatch, finish, launch, skip, startServe } from './common.mjs';

const [ts, standin, src, ...rest] = process.argv.slice(2);
if (!ts || !standin || !src) {
  console.error('usage: node viewer.mjs TEARSHEET STANDIN SOURCE_DIR [--corpus DIR] [--screenshots DIR]');
  process.exit(2);
}
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];

const { chromium, axeSource } = browserTools(src, 'viewer');
if (spawnSync('vips', ['--version']).status !== 0) skip('viewer', 'needs vips (libvips-tools) to write small photos');
const corpusFiles = ['exiftool_GPS.jpg', 'folio_profimedia-0701180382.jpg'];
if (opt.corpus && !corpusFiles.every(f => fs.existsSync(path.join(opt.corpus, f))))
  skip('viewer', `needs ${corpusFiles.join(' and ')} in ${opt.corpus} (the shared corpus)`);
const { check, counts } = checker();

// A small grey photo of w×h pixels, written by vips (noise, so the
// JPEG is a real photo-like file, not a flat colour).
function smallPhoto(file, w, h) {
  const noise = `${file}.v`;
  const a = spawnSync('vips', ['gaussnoise', noise, String(w), String(h), '--mean', '128', '--sigma', '40']);
  const b = a.status === 0 && spawnSync('vips', ['cast', noise, file, 'uchar']);
  fs.rmSync(noise, { force: true });
  return b && b.status === 0;
}

// Every photo's img in `scope` (a CSS selector) measured against the
// viewport and the largest derivative its srcsets name.
async function measure(page, scope) {
  return page.evaluate(async (sel) => {
    const out = [];
    for (const img of document.querySelectorAll(sel)) {
      img.scrollIntoView({ block: 'center' });
      if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
      const sets = [img, ...img.parentElement.querySelectorAll('source')]
        .map(e => e.getAttribute('srcset') || '').join(',');
      const widths = sets.split(',').map(s => parseInt((s.trim().split(/\s+/)[1] || ''), 10))
        .filter(n => n > 0);
      const r = img.getBoundingClientRect();
      out.push({ src: img.currentSrc.split('/').pop(), boxW: r.width, boxH: r.height,
        attrW: +img.getAttribute('width'), attrH: +img.getAttribute('height'),
        largest: Math.max(...widths), natW: img.naturalWidth, natH: img.naturalHeight,
        vw: innerWidth, vh: innerHeight });
    }
    return out;
  }, scope);
}

function checkSizes(where, list) {
  check(`${where}: photos found`, list.length > 0);
  for (const m of list) {
    const name = `${where}: ${m.src} (box ${m.boxW.toFixed(0)}×${m.boxH.toFixed(0)}, largest ${m.largest} px)`;
    check(`${name} no taller than the viewport`, m.boxH <= m.vh + 0.5, `viewport ${m.vw}×${m.vh}`);
    check(`${name} no wider than its largest derivative`, m.boxW <= m.largest + 0.5);
    check(`${name} at its own ratio`,
      Math.abs(m.boxW / m.boxH - m.attrW / m.attrH) < 0.02 * (m.attrW / m.attrH) + 1 / m.boxH,
      `attributes ${m.attrW}×${m.attrH}`);
    check(`${name} width/height attributes are the largest derivative's`, m.attrW === m.largest);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-viewer-'));
const site = path.join(tmp, 'site');
const story = path.join(site, 'stories/kim-ryon-hui');
let server = null, browser = null;
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
try {
  fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
  for (const d of ['public', '.tearsheet']) fs.rmSync(path.join(site, d), { recursive: true, force: true });
  const made = spawnSync(standin, [story], { encoding: 'utf8', env });
  check('stand-in photos made', ['kim-ryon-hui-01.jpg', 'kim-ryon-hui-02.jpg']
    .every(f => fs.existsSync(path.join(story, f))), made.stderr);
  const small = [['small-wide.jpg', 120, 80], ['small-tall.jpg', 90, 160]];
  check('vips wrote the small photos', small.every(([f, w, h]) => smallPhoto(path.join(story, f), w, h)));
  let md = '\n![A grey test pattern, 120 pixels wide](small-wide.jpg)\n\n' +
    '![A grey test pattern, 90 pixels wide and 160 high](small-tall.jpg)\n';
  if (opt.corpus) {
    fs.copyFileSync(path.join(opt.corpus, corpusFiles[0]), path.join(story, 'gps.jpg'));
    fs.copyFileSync(path.join(opt.corpus, corpusFiles[1]), path.join(story, 'folio.jpg'));
    md += '\n![ExifTool\'s GPS sample, 120 pixels wide](gps.jpg)\n\n![A folio photo, 10 pixels wide](folio.jpg)\n';
    small.push(['gps.jpg', 120, 0], ['folio.jpg', 10, 0]);
  }
  fs.appendFileSync(path.join(story, 'story.md'), md);

  // the build and lint say which width each small original reaches
  const built = spawnSync(ts, ['build', site], { encoding: 'utf8', env });
  check('the site builds', built.status === 0, built.stderr.slice(-2000));
  // a rebuild that skips the pages says it again (the page warnings of manifest.c)
  const rebuilt = spawnSync(ts, ['build', site], { encoding: 'utf8', env });
  const lint = spawnSync(ts, ['lint', site], { encoding: 'utf8', env });
  for (const [f, w] of small) {
    const said = `the original is ${w} px wide, narrower than the site's largest width (2400 px): ` +
      `its largest derivative is ${w} px wide`;
    const times = text => text.split('\n').filter(l => l.includes(f) && l.includes(said)).length;
    check(`build warns once that ${f} reaches ${w} px`, times(built.stderr) === 1, built.stderr.slice(-1500));
    check(`a no-op rebuild warns once that ${f} reaches ${w} px`, times(rebuilt.stderr) === 1,
      rebuilt.stderr.slice(-1500));
    check(`lint warns that ${f} reaches ${w} px`,
      lint.stdout.split('\n').some(l => l.includes(f) && l.includes(': width: warning: ' + said)),
      lint.stdout.slice(-1500));
  }
  check('no width warning for the stand-ins (2400 and 3600 px wide)',
    !/kim-ryon-hui-0[12]\.jpg.*px wide, narrower/.test(built.stderr + lint.stdout));

  const srv = await startServe(ts, site, env, check);
  server = srv.server;
  if (!srv.up) throw new Error('server did not start');
  const root = srv.root;
  const storyUrl = `${root}kim-ryon-hui/`;

  browser = await launch(chromium);
  const { errors: cspErrors, watch } = cspWatch();

  // 1. sizes, at the three viewports: story, photo pages, viewer
  const photoPages = [];
  for (const [w, h] of [[1280, 800], [1920, 1080], [390, 844]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await ctx.newPage();
    watch(page);
    await page.goto(storyUrl, { waitUntil: 'load' });
    checkSizes(`${w}×${h} story`, await measure(page, 'article.story figure.photo img'));
    if (!photoPages.length)
      photoPages.push(...await page.$$eval('.story-body a.photo-link', as => as.map(a => a.href)));
    for (const href of photoPages) {
      await page.goto(href, { waitUntil: 'load' });
      checkSizes(`${w}×${h} ${href.slice(root.length)}`, await measure(page, 'figure.photo img'));
    }
    // the same boxes before the files arrive (held back until measured):
    // nothing moves when a photo loads
    {
      // a context of its own: nothing in its memory cache
      const slowCtx = await browser.newContext({ viewport: { width: w, height: h } });
      const slow = await slowCtx.newPage();
      let release;
      const held = new Promise(ok => { release = ok; });
      await slow.route(/\.(webp|jpg|avif)$/, async r => { await held; await r.continue(); });
      await slow.goto(storyUrl, { waitUntil: 'domcontentloaded' });
      const boxes = () => slow.$$eval('article.story figure.photo img', l => l.map(i => {
        const r = i.getBoundingClientRect();
        return { w: Math.round(r.width), h: Math.round(r.height), done: i.complete };
      }));
      const before = await boxes();
      release();
      await slow.waitForLoadState('load');
      await measure(slow, 'article.story figure.photo img');
      const after = await boxes();
      check(`${w}×${h} story: photo boxes before their files arrive`, before.length && before.every(b => !b.done),
        JSON.stringify(before));
      check(`${w}×${h} story: each photo's box is the same before and after it loads`,
        JSON.stringify(before.map(b => [b.w, b.h])) === JSON.stringify(after.map(b => [b.w, b.h])),
        `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      await slowCtx.close();
    }
    // the viewer: each photo in turn
    await page.goto(storyUrl, { waitUntil: 'load' });
    await page.locator('.story-body a.photo-link').first().click();
    const inViewer = [];
    for (let i = 0; i < photoPages.length; i++) {
      if (i) await page.keyboard.press('ArrowRight');
      inViewer.push(...await measure(page, 'dialog.viewer .viewer-stage img'));
    }
    checkSizes(`${w}×${h} viewer`, inViewer);
    check(`${w}×${h} viewer showed every photo`, inViewer.length === photoPages.length,
      `${inViewer.length} of ${photoPages.length}`);
    if (opt.screenshots) {
      fs.mkdirSync(opt.screenshots, { recursive: true });
      await page.goto(storyUrl, { waitUntil: 'networkidle' });
      const out = path.join(opt.screenshots, `viewer-story-${w}x${h}.png`);
      await page.screenshot({ path: out });
      console.log(`screenshot ${out}`);
      if (w === 1280) { // the 120 px photo, drawn at its own size
        await page.locator('#small-wide').scrollIntoViewIfNeeded();
        await page.evaluate(() => document.querySelector('#small-wide').scrollIntoView({ block: 'center' }));
        const small = path.join(opt.screenshots, 'viewer-small-1280x800.png');
        await page.screenshot({ path: small });
        console.log(`screenshot ${small}`);
      }
    }
    await ctx.close();
  }
  const count = photoPages.length;

  // 2. keyboard only
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    watch(page);
    const fetched = [];
    page.on('request', r => fetched.push(r.url()));
    await page.goto(storyUrl, { waitUntil: 'load' });
    const isFirstFigure = () => page.evaluate(() => {
      const a = document.activeElement;
      return !!a && a.matches('.story-body a.photo-link') &&
        a === document.querySelector('.story-body a.photo-link');
    });
    let tabs = 0;
    while (!(await isFirstFigure()) && tabs < 80) { await page.keyboard.press('Tab'); tabs++; }
    check(`Tab reaches the first figure of the story (${tabs} presses)`, await isFirstFigure());
    const state = () => page.evaluate(() => {
      const d = document.querySelector('dialog.viewer');
      const img = d.querySelector('.viewer-stage img');
      return { open: d.open, url: location.href, count: d.querySelector('.viewer-count').textContent,
        alt: img ? img.alt : null, src: img ? img.currentSrc : null,
        focusInside: d.contains(document.activeElement),
        caption: (d.querySelector('.viewer-caption .caption') || {}).textContent || '',
        credit: (d.querySelector('.viewer-caption .credit') || {}).textContent || '',
        mark: !!d.querySelector('.viewer-caption details.credentials summary .cr-mark'),
        preload: [...d.querySelectorAll('.viewer-preload img')].map(i => i.currentSrc) };
    });
    const figures = await page.$$eval('.story-body figure.photo', fs => fs.map(f => ({
      href: f.querySelector('a.photo-link').href, alt: f.querySelector('img').alt,
      caption: (f.querySelector('.caption') || {}).textContent || '' })));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('dialog.viewer').open);
    await page.waitForFunction(() => { const i = document.querySelector('.viewer-stage img'); return i && i.complete; });
    let s = await state();
    check('Enter opens the viewer', s.open);
    check('the address is the first photo\'s page', s.url === figures[0].href, s.url);
    check(`the viewer says "Photo 1 of ${count}"`, s.count === `Photo 1 of ${count}`, s.count);
    check('the viewer shows the first photo', s.alt === figures[0].alt, s.alt);
    check('focus is inside the viewer', s.focusInside);
    check('its caption is in the viewer', s.caption !== '' && s.caption === figures[0].caption, s.caption);
    check('its credit is in the viewer', /Jun Michael Park/.test(s.credit), s.credit);
    check('its Content Credentials mark is in the viewer', s.mark);
    // the next photo's file is fetched while this one is shown, at the
    // size the viewer will show it
    await page.waitForFunction(() => { const i = document.querySelector('.viewer-preload img'); return i && i.complete; });
    s = await state();
    const preloaded = s.preload[0];
    check('the next photo is preloaded', preloaded && fetched.includes(preloaded), preloaded);

    // axe with the viewer open (light scheme; the viewer is dark in both)
    // through the DevTools protocol: the server's CSP refuses an inline <script>
    await page.evaluate(axeSource);
    const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    check('axe-core: no violations with the viewer open', axe.violations.length === 0,
      axe.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => { const i = document.querySelector('.viewer-stage img'); return i && i.complete; });
    s = await state();
    check('→ shows the second photo', s.alt === figures[1].alt && s.count === `Photo 2 of ${count}`, `${s.alt} ${s.count}`);
    check('the address follows (the second photo\'s page)', s.url === figures[1].href, s.url);
    check('the second photo is the file that was preloaded', s.src === preloaded, `${s.src} vs ${preloaded}`);
    if (opt.screenshots) {
      await page.waitForTimeout(400); // the fade-in's end
      const out = path.join(opt.screenshots, 'viewer-open-1280x800.png');
      await page.screenshot({ path: out });
      console.log(`screenshot ${out}`);
    }
    await page.keyboard.press('ArrowLeft');
    s = await state();
    check('← shows the first photo again', s.alt === figures[0].alt && s.count === `Photo 1 of ${count}`, `${s.alt} ${s.count}`);
    check('the address follows back', s.url === figures[0].href, s.url);

    // focus stays inside, both ways; the credentials mark is on the way
    let inside = true, reachedMark = false, reachedLicense = false, outside = '';
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        return { inside: document.querySelector('dialog.viewer').contains(a), what: a ? a.outerHTML.slice(0, 80) : 'none',
          mark: !!a && a.matches('summary') && !!a.querySelector('.cr-mark'),
          license: !!a && a.matches('a.license') };
      });
      inside &&= f.inside;
      if (!f.inside) outside = f.what;
      reachedMark ||= f.mark;
      reachedLicense ||= f.license;
    }
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Shift+Tab');
      const a = await page.evaluate(() => document.querySelector('dialog.viewer').contains(document.activeElement) ||
        (document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : 'none'));
      if (a !== true) { inside = false; outside = a; }
    }
    check('Tab and Shift+Tab stay inside the viewer', inside, `focus on ${outside}`);
    check('Tab reaches the Content Credentials mark', reachedMark);
    check('Tab reaches "License this photo"', reachedLicense);

    await page.keyboard.press('Escape');
    // the address goes back through history.back(), which is asynchronous
    await page.waitForURL(storyUrl, { timeout: 5000 }).catch(() => {});
    s = await state();
    check('Esc closes the viewer', !s.open);
    check('the address is the story\'s again', s.url === storyUrl, s.url);
    check('focus is back on the figure that opened it', await isFirstFigure());

    // Back closes
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('dialog.viewer').open);
    await page.keyboard.press('ArrowRight');
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('dialog.viewer').open);
    s = await state();
    check('Back closes the viewer', !s.open);
    check('Back leaves the address at the story', s.url === storyUrl, s.url);
    check('focus is back on the figure after Back', await isFirstFigure());
    // the address the viewer showed is the photo's own page
    await page.goto(figures[1].href, { waitUntil: 'load' });
    check('the second photo\'s address opens its photo page',
      (await page.locator('.photo-page').count()) === 1);
    await ctx.close();
  }

  // 3. touch: a phone with a touch screen
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await ctx.newPage();
    watch(page);
    await page.goto(storyUrl, { waitUntil: 'load' });
    // read before the viewer opens: afterwards the address is a photo page's
    const hrefs = await page.$$eval('.story-body a.photo-link', as => as.map(a => a.href));
    const link = page.locator('.story-body a.photo-link').first();
    await link.scrollIntoViewIfNeeded();
    await link.tap();
    await page.waitForFunction(() => document.querySelector('dialog.viewer').open);
    const cdp = await ctx.newCDPSession(page);
    async function swipe(fromX, toX) {
      const y = 400;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: fromX, y }] });
      for (let k = 1; k <= 5; k++)
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove',
          touchPoints: [{ x: fromX + (toX - fromX) * k / 5, y }] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
    const where = () => page.evaluate(() => ({ url: location.href,
      count: document.querySelector('.viewer-count').textContent }));
    let s = await where();
    check('a tap opens the viewer at the first photo', s.url === hrefs[0] && s.count === `Photo 1 of ${count}`, JSON.stringify(s));
    await swipe(320, 60);
    s = await where();
    check('a swipe left shows the next photo', s.url === hrefs[1] && s.count === `Photo 2 of ${count}`, JSON.stringify(s));
    const bar = await page.evaluate(() => {
      const b = document.querySelector('.viewer-bar').getBoundingClientRect();
      return [...document.querySelectorAll('.viewer-bar button')].every(e => {
        const r = e.getBoundingClientRect();
        return r.top >= b.top && r.bottom <= b.bottom && r.right <= innerWidth;
      });
    });
    check('on a phone the viewer\'s buttons fit its bar', bar);
    if (opt.screenshots) {
      await page.waitForFunction(() => { const i = document.querySelector('.viewer-stage img'); return i && i.complete; });
      await page.waitForTimeout(400); // the fade-in's end
      const out = path.join(opt.screenshots, 'viewer-open-390x844.png');
      await page.screenshot({ path: out });
      console.log(`screenshot ${out}`);
    }
    await swipe(60, 320);
    s = await where();
    check('a swipe right shows the previous photo', s.url === hrefs[0] && s.count === `Photo 1 of ${count}`, JSON.stringify(s));
    await swipe(200, 190);
    s = await where();
    check('a short move is no swipe', s.count === `Photo 1 of ${count}`, JSON.stringify(s));
    await ctx.close();
  }

  // axe with the viewer open in the dark scheme too (its caption and
  // buttons on the viewer's own dark palette)
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await ctx.newPage();
    await page.goto(storyUrl, { waitUntil: 'load' });
    await page.locator('.story-body a.photo-link').nth(1).click();
    await page.waitForFunction(() => document.querySelector('dialog.viewer').open);
    await page.evaluate(axeSource);
    const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    check('axe-core, dark scheme: no violations with the viewer open', axe.violations.length === 0,
      axe.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`).join('; '));
    await ctx.close();
  }

  // 4. reduced motion, and a page without JavaScript
  for (const reducedMotion of ['reduce', 'no-preference']) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
    const page = await ctx.newPage();
    await page.goto(storyUrl, { waitUntil: 'load' });
    await page.locator('.story-body a.photo-link').first().click();
    const anim = await page.evaluate(() => getComputedStyle(document.querySelector('.viewer-stage img')).animationName);
    check(`prefers-reduced-motion: ${reducedMotion} → animation ${reducedMotion === 'reduce' ? 'none' : 'viewer-in'}`,
      anim === (reducedMotion === 'reduce' ? 'none' : 'viewer-in'), anim);
    await ctx.close();
  }
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(storyUrl, { waitUntil: 'load' });
    const href = await page.locator('.story-body a.photo-link').first().evaluate(a => a.href);
    await page.locator('.story-body a.photo-link').first().click();
    await page.waitForURL(href);
    check('without JavaScript a click opens the photo\'s own page',
      page.url() === href && (await page.locator('.photo-page').count()) === 1, page.url());
    await ctx.close();
  }
  check('no Content-Security-Policy violation', cspErrors.length === 0, cspErrors.join(' | '));
} catch (e) {
  check('the suite ran to its end', false, e.stack || e.message);
}
await finish(counts, { browser, server, tmp });
