// axe_pages.mjs — accessibility as a gate (issue 12): axe-core (pinned in
// tools/browser/package-lock.json) runs in Debian's headless Chromium on
// every page type of the example site — home, story, photo page, tag,
// place, publications, licence form, about, content credentials, 404 —
// in the light and the dark colour scheme, and the test fails on any
// violation. The site is
// built from a copy with the stand-in photos and served over a loopback
// HTTP server (tests/browser/example_site.mjs, shared with languages.mjs).
// With --screenshots DIR it also keeps screenshots of the home page, a
// photo page, a tag page and the Atom feed as Chromium shows it, at
// desktop (1280×800) and phone (390×844) width.
//
// Must never: touch anything outside its temporary folder (and DIR), or
// pass without having run axe on every page type.
//
// usage: node axe_pages.mjs TEARSHEET STANDIN SOURCE_DIR [--screenshots DIR]
import fs from 'node:fs';
import path from 'node:path';
import { prerequisites, failed, serveExample, launch, axePages } from './example_site.mjs';

const pre = prerequisites('axe_pages');
const { shotDir, axeSource } = pre;
const ex = await serveExample(pre, 'ts-axe-');
const { pub, base } = ex;

// one page of each type; the tag and place are the example's own
const tag = fs.readdirSync(path.join(pub, 'tags')).find(d => d !== 'index.html' && d.includes('korea')) ||
  fs.readdirSync(path.join(pub, 'tags')).find(d => d !== 'index.html');
const place = fs.readdirSync(path.join(pub, 'places')).find(d => d !== 'index.html');
const pages = {
  home: '', story: 'kim-ryon-hui/', 'photo page': 'kim-ryon-hui/kim-ryon-hui-01/',
  tag: `tags/${encodeURIComponent(tag)}/`, 'tag index': 'tags/', place: `places/${encodeURIComponent(place)}/`,
  publications: 'publications/', 'licence form': 'license/kim-ryon-hui/kim-ryon-hui-01/',
  about: 'about/', 'content credentials': 'content-credentials/', '404': 'no-such-page/',
};

const browser = await launch(pre.chromium);
try {
  await axePages(browser, base, pages, axeSource);
  if (shotDir) {
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
  ex.close();
}
console.log(failed() ? `${failed()} failed` : 'all passed');
process.exit(failed() ? 1 : 0);
