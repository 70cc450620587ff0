// languages.mjs — the example site in Korean, as a reader sees it in
// Debian's headless Chromium (docs/site.md "Languages"): the Korean
// story page is lang="ko" and every caption on it is the ko entry of its
// photo's XMP Lang Alt (read back with `tearsheet meta --json`, so the
// whole path from the stand-in photo's metadata to the page is checked);
// hreflang alternates name both versions; the language switcher, clicked,
// lands on the same story in English and back; Hangul is drawn with a
// font that has it (Chromium's own account of the fonts it used, not
// tofu); axe-core finds nothing on the Korean home, story and photo
// pages, light and dark. With --screenshots DIR it keeps the Korean
// story at 1280×800: its text (DIR/i18n-story-ko.png) and a photo with
// its Korean caption (DIR/i18n-caption-ko.png).
//
// Must never: touch anything outside its temporary folder (and DIR), or
// pass without having looked at every Korean page type.
//
// usage: node languages.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prerequisites, check, failed, serveExample, launch, axePages } from './example_site.mjs';

const pre = prerequisites('languages');
const { ts, shotDir, axeSource } = pre;
const ex = await serveExample(pre, 'ts-lang-browser-');
const { env, base } = ex;
// what the photos say, in Korean, as tearsheet reads them
const story = path.join(ex.site, 'stories/kim-ryon-hui');
const koCaptions = [];
for (const f of fs.readdirSync(story).filter(n => n.endsWith('.jpg')).sort()) {
  const m = spawnSync(ts, ['meta', '--json', path.join(story, f)], { env, encoding: 'utf8' });
  const ko = m.status === 0 ? JSON.parse(m.stdout).description_langs?.ko : undefined;
  check(`the stand-in ${f} carries a ko caption in XMP`, !!ko, m.stderr);
  if (ko) koCaptions.push(ko);
}
const pages = { 'Korean home': 'ko/', 'Korean story': 'ko/kim-ryon-hui/',
  'Korean photo page': 'ko/kim-ryon-hui/kim-ryon-hui-02/' };

const browser = await launch(pre.chromium);
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const url = base + pages['Korean story'];
  await page.goto(url, { waitUntil: 'networkidle' });
  check('the Korean story is <html lang="ko">', await page.getAttribute('html', 'lang') === 'ko');
  const shown = await page.$$eval('.story-body figure .caption', ps =>
    ps.map(p => ({ text: p.textContent, lang: p.getAttribute('lang') })));
  check('the story shows one caption per photo', shown.length === koCaptions.length && shown.length > 0,
    JSON.stringify(shown));
  check("every caption is its photo's ko Lang Alt entry, none marked another language",
    shown.every((c, i) => c.text === koCaptions[i] && c.lang === null), JSON.stringify(shown));
  const alts = await page.$$eval('link[rel="alternate"][hreflang]', ls =>
    Object.fromEntries(ls.map(l => [l.getAttribute('hreflang'), new URL(l.href).pathname])));
  check('hreflang names the English, the Korean and the x-default version',
    alts.en === '/kim-ryon-hui/' && alts.ko === '/ko/kim-ryon-hui/' && alts['x-default'] === '/kim-ryon-hui/',
    JSON.stringify(alts));
  // Hangul drawn with a font that has it: Chromium says which it used
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.story-header h1' });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  // every Hangul syllable of the title from a font that has Hangul (the
  // spaces and the colon may come from the Latin font before it)
  const hangul = (await page.textContent('.story-header h1')).match(/[\uAC00-\uD7A3]/g).length;
  const drawn = fonts.filter(f => /CJK|KR|Gothic|Nanum|Hangul/i.test(f.familyName))
    .reduce((n, f) => n + f.glyphCount, 0);
  check('the Korean title is drawn with a Hangul font (no tofu)', hangul > 0 && drawn >= hangul,
    `${hangul} syllables: ${JSON.stringify(fonts)}`);
  check('Korean text keeps words whole (word-break: keep-all)',
    await page.$eval('.story-body p', p => getComputedStyle(p).wordBreak) === 'keep-all');
  if (shotDir) {
    fs.mkdirSync(shotDir, { recursive: true });
    // the title and text, then a photo's Korean caption
    await page.$eval('.story-header', e => window.scrollTo(0, e.offsetTop - 16));
    let out = path.join(shotDir, 'i18n-story-ko.png');
    await page.screenshot({ path: out });
    console.log(`screenshot ${out}`);
    await page.$eval('.story-body figure:last-of-type figcaption',
      e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 500));
    out = path.join(shotDir, 'i18n-caption-ko.png');
    await page.screenshot({ path: out });
    console.log(`screenshot ${out}`);
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  // the switcher: to the same story in English, and back
  await page.click('nav.languages a[hreflang="en"]');
  await page.waitForLoadState('load');
  check('the switcher lands on the same story in English',
    new URL(page.url()).pathname === '/kim-ryon-hui/' && await page.getAttribute('html', 'lang') === 'en',
    page.url());
  await page.click('nav.languages a[hreflang="ko"]');
  await page.waitForLoadState('load');
  check('and its switcher back on the same story in Korean',
    new URL(page.url()).pathname === '/ko/kim-ryon-hui/', page.url());
  await ctx.close();

  await axePages(browser, base, pages, axeSource);
} finally {
  await browser.close();
  ex.close();
}
console.log(failed() ? `${failed()} failed` : 'all passed');
process.exit(failed() ? 1 : 0);
