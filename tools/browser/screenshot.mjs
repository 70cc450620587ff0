// screenshot.mjs — a page as a reader sees it: Debian's Chromium, a
// 1280×900 window (so `vh` units mean what they mean on a laptop), lazy
// images loaded by scrolling through the page once, then a screenshot of
// the viewport or (with "full") the whole page.
// usage: node screenshot.mjs URL OUT.png [WIDTH HEIGHT] [full]
import { chromium } from 'playwright-core';
const [url, out, w, h, full] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox','--disable-gpu','--disable-quic','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: +w || 1280, height: +h || 900 } });
await page.goto(url, { waitUntil: 'networkidle' });
// load lazy images by scrolling through the page
await page.evaluate(async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) { window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50)); } window.scrollTo(0, 0); });
await page.waitForLoadState('networkidle');
await page.screenshot({ path: out, fullPage: full === 'full' });
await browser.close();
