// license_flow.mjs — the licence inquiry as a reader does it, in Debian's
// headless Chromium (driven by playwright-core from tools/browser/): the
// example site is built and served by `tearsheet serve` on a free
// loopback port; the test opens the story, follows "License this photo"
// on the first photo, checks the form names that photo, fills every
// field, waits out the token's minimum age, submits, expects the thanks
// page, then asks `tearsheet inquiries list` that the inquiry is stored.
// The site asks for a proof of work (site.yaml proof_of_work), which the
// form's script computes on submit; the server refuses a post without it.
//
// Must never: touch anything outside its temporary folder, or pass
// without the inquiry stored: any answer but the thanks page fails.
//
// usage: node license_flow.mjs TEARSHEET STANDIN SOURCE_DIR
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTools, checker, finish, freePort, waitForServer } from './common.mjs';

const [ts, standin, src] = process.argv.slice(2);
if (!ts || !standin || !src) {
  console.error('usage: node license_flow.mjs TEARSHEET STANDIN SOURCE_DIR');
  process.exit(2);
}
// a missing prerequisite is a skip (77), or a failure under CI
const { chromium } = browserTools(src, 'license_flow');
const { check, counts } = checker();

// Fills every field by its label, as a keyboard or screen-reader user
// finds it, waits out the token's minimum age (the server refuses a
// token younger than 3 s: a bot's speed), then submits.
let lastResponse = null;
async function fillAndSend(page, describe, loaded) {
  await page.getByLabel('Name').fill('Erika Mustermann');
  await page.getByLabel('Organisation').fill('Beispiel Verlag');
  await page.getByLabel('Email').fill('erika@example.org');
  await page.getByLabel('Country').fill('Germany');
  await page.getByLabel('Type of use').selectOption('editorial');
  await page.getByLabel('Territory').fill('Germany, Austria');
  await page.getByLabel('Print', { exact: true }).check();
  await page.getByLabel('Web', { exact: true }).check();
  await page.getByLabel('Size and placement').fill('Half page, inside');
  await page.getByLabel('Print run or audience').fill('120,000 copies');
  await page.getByLabel('Start date').fill('2027-01-15');
  await page.getByLabel('Duration').fill('One year');
  await page.getByLabel('Not exclusive').check();
  await page.getByLabel('Deadline').fill('2026-12-20');
  await page.getByLabel('Budget').fill('EUR 400');
  await page.getByLabel(describe).fill('A portrait for a feature on divided families, print and web.');
  await page.getByLabel(/I agree that my details are stored/).check();
  check(`form is valid in the browser (${describe})`,
        await page.locator('form.inquiry').evaluate(f => f.checkValidity()));
  const wait = 3500 - (Date.now() - loaded);
  if (wait > 0) await new Promise(r => setTimeout(r, wait));
  [lastResponse] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Send inquiry' }).click(),
  ]);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-browser-'));
const site = path.join(tmp, 'site');
let server = null, browser = null, log = '';
try {
  fs.cpSync(path.join(src, 'examples/site'), site, { recursive: true });
  for (const d of ['public', '.tearsheet']) fs.rmSync(path.join(site, d), { recursive: true, force: true });
  // with the optional proof of work on, so the form's script must find
  // the answer before the server takes the inquiry
  const yamlPath = path.join(site, 'site.yaml');
  const yaml = fs.readFileSync(yamlPath, 'utf8');
  check('example site.yaml shows proof_of_work', /^proof_of_work: 0$/m.test(yaml));
  fs.writeFileSync(yamlPath, yaml.replace(/^proof_of_work: 0$/m, 'proof_of_work: 16'));
  const story = path.join(site, 'stories/kim-ryon-hui');
  const made = spawnSync(standin, [story], { encoding: 'utf8' });
  // judged by the photos, not the exit status: a leak report from a
  // system library (fontconfig) under a run without the LSan
  // suppressions must not hide whether the photos are there
  check('stand-in photos made', ['kim-ryon-hui-01.jpg', 'kim-ryon-hui-02.jpg']
        .every(f => fs.existsSync(path.join(story, f))), made.stderr);

  const port = await freePort();
  const root = `http://127.0.0.1:${port}/`;
  server = spawn(ts, ['serve', site, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', b => { log += b; });
  server.stderr.on('data', b => { log += b; });
  const up = await waitForServer(root, server, 120);
  check('tearsheet serve answers', up, log.slice(-2000));
  if (!up) throw new Error('server did not start');

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${root}kim-ryon-hui/`);
  await page.getByRole('link', { name: 'License this photo' }).first().click();
  await page.waitForURL('**/license/kim-ryon-hui/kim-ryon-hui-01/');
  const loaded = Date.now();
  const token = await page.locator('input[name=token]').inputValue();
  check('"License this photo" opens the first photo\'s form', page.url() === `${root}license/kim-ryon-hui/kim-ryon-hui-01/`, page.url());
  check('form names the photo',
        await page.locator('input[name=photo_id]').inputValue() === 'kim-ryon-hui/kim-ryon-hui-01');
  check('form shows the photo\'s headline',
        (await page.locator('.photo-summary h2').textContent()) === 'Kim Ryon-hui at her home in Seoul');
  check('thumbnail loaded', await page.locator('.photo-summary img').evaluate(i => i.complete && i.naturalWidth > 0));
  // off-screen rather than display:none, which some bots know to skip
  const hp = await page.locator('input[name=website]').boundingBox();
  check('honeypot out of sight', hp && (hp.x + hp.width <= 0 || hp.width <= 1), JSON.stringify(hp));
  check('form asks for a 16-bit proof of work',
        await page.locator('form.inquiry').getAttribute('data-pow-bits') === '16');
  check('honeypot out of the tab order', await page.locator('input[name=website]').getAttribute('tabindex') === '-1');

  await fillAndSend(page, 'How would you use this photograph?', loaded);
  const response = lastResponse;
  const status = response ? response.status() : 0;
  {
    check('submission lands on the thanks page', page.url().startsWith(`${root}licensing/thanks/`), `${status} ${page.url()}`);
    check('thanks page says the inquiry was received',
          (await page.locator('main').textContent()).includes('Your inquiry was received'));
    const list = spawnSync(ts, ['inquiries', 'list'], { cwd: site, encoding: 'utf8' });
    check('`tearsheet inquiries list` works', list.status === 0, `${list.status} ${list.stderr}`);
    check('inquiry is in the store (tearsheet inquiries list)',
          list.stdout.includes('erika@example.org') || list.stdout.includes('Erika Mustermann'), list.stdout);
    check('the served form carried a token from the server', token !== '', token);
    // the general form at the end of the licensing page
    await page.goto(`${root}licensing/`);
    const t0 = Date.now();
    check('general form: photo_id is "general"',
          await page.locator('input[name=photo_id]').inputValue() === 'general');
    await fillAndSend(page, 'Which photographs, and how would you use them?', t0);
    check('general form lands on the thanks page', page.url().startsWith(`${root}licensing/thanks/`),
          `${lastResponse && lastResponse.status()} ${page.url()}`);
  }
} catch (e) {
  check('the flow ran to its end', false, e.message);
}
await finish(counts, { browser, server, tmp });
