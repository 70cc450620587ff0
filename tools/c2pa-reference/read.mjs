#!/usr/bin/env node
// read.mjs — what the reference C2PA implementation (c2pa-rs 0.92,
// compiled to WebAssembly: npm @contentauth/c2pa-wasm, pinned by
// package-lock.json) says about one file, as one stable JSON object on
// stdout, for tests/fresh_c2pa_reference.sh to set beside
// `tearsheet verify --json`.
//
//   node read.mjs FILE [--trust ANCHORS.pem] [--tsa-trust TSA_ANCHORS.pem]
//
// Without --trust no anchor is configured, so a signer whose crypto holds
// is signingCredential.untrusted (state Valid); with the anchor that
// issued it, Trusted. Time-stamp authorities are trusted through a list
// of their own (c2pa-rs 0.92 settings: trust.anchors entries whose
// trust_kind is "tsa"; trust.trust_anchors serves claim signers only),
// which --tsa-trust fills: without it a TSA is timeStamp.untrusted. Exit 0 whenever JSON was printed (also "no
// manifest" and read errors, which are answers), 2 for usage or I/O.
//
// Must never: fetch anything (OCSP and remote manifests are turned off:
// a test must not depend on the network), write a file, or print
// anything but the JSON on stdout. Code sets are sorted and deduplicated
// so two runs on one file print the same bytes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const PKG = '@contentauth/c2pa-wasm';

function fail(msg) {
  process.stderr.write(`read.mjs: ${msg}\nusage: node read.mjs FILE [--trust ANCHORS.pem] [--tsa-trust TSA_ANCHORS.pem]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = { file: null, trust: null, tsaTrust: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--trust') {
      if (i + 1 >= argv.length) fail('--trust needs a PEM file');
      a.trust = argv[++i];
    } else if (argv[i] === '--tsa-trust') {
      if (i + 1 >= argv.length) fail('--tsa-trust needs a PEM file');
      a.tsaTrust = argv[++i];
    } else if (argv[i].startsWith('--')) {
      fail(`unknown option ${argv[i]}`);
    } else if (a.file) {
      fail('one FILE only');
    } else {
      a.file = argv[i];
    }
  }
  if (!a.file) fail('no FILE');
  return a;
}

// The reader wants a media type; the file's name may lie (a tampered
// copy keeps its extension), so it is taken from the first bytes. Only
// the containers tearsheet reads are named; anything else is passed as
// application/octet-stream and the reference says what it makes of it.
function mediaType(b) {
  const ascii = (from, n) => Buffer.from(b.subarray(from, from + n)).toString('latin1');
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'image/webp';
  if (ascii(4, 4) === 'ftyp') {
    const brand = ascii(8, 4);
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand.startsWith('hei')) return 'image/heic';
    return 'image/heif';
  }
  if (ascii(4, 4) === 'jumb') return 'application/c2pa';
  return 'application/octet-stream';
}

// Sorted unique codes of one {success, informational, failure} object.
function codeSets(results) {
  const set = (list) => [...new Set((Array.isArray(list) ? list : []).map((e) => e.code))].sort();
  return {
    success: set(results?.success),
    informational: set(results?.informational),
    failure: set(results?.failure),
  };
}

const args = parseArgs(process.argv.slice(2));
let bytes, anchors = null, tsaAnchors = null;
try {
  bytes = new Uint8Array(readFileSync(args.file));
  if (args.trust) anchors = readFileSync(args.trust, 'utf8');
  if (args.tsaTrust) tsaAnchors = readFileSync(args.tsaTrust, 'utf8');
} catch (e) {
  fail(e.message);
}

const require = createRequire(import.meta.url);
const wasm = await import(PKG);
wasm.initSync({ module: readFileSync(require.resolve(`${PKG}/c2pa.wasm`)) });
const version = JSON.parse(readFileSync(require.resolve(`${PKG}/package.json`), 'utf8')).version;

const context = {
  version: 1,
  verify: { verify_after_reading: true, verify_trust: true, ocsp_fetch: false, remote_manifest_fetch: false },
};
if (anchors || tsaAnchors) context.trust = {};
if (anchors) context.trust.trust_anchors = anchors;
if (tsaAnchors) context.trust.anchors = [{ trust_anchors: tsaAnchors, trust_kind: 'tsa' }];

const out = {
  reference: `${PKG}@${version}`,
  format: mediaType(bytes),
  has_manifest: false,
  error: null,
  validation_state: null,
  active_manifest: null,
  manifest_count: 0,
  codes: codeSets(null),
  ingredient_deltas: [],
};

let store = null;
try {
  const reader = await wasm.WasmReader.fromBytes(out.format, bytes, JSON.stringify(context));
  store = JSON.parse(reader.json());
  reader.free();
} catch (e) {
  // "no manifest" is an error to the reader; tearsheet reports it as
  // has_manifest false, so the two can be compared. Any other error
  // (a store it cannot parse) is kept verbatim.
  out.error = String(e?.message ?? e);
}

if (store) {
  out.has_manifest = true;
  out.validation_state = store.validation_state ?? null;
  out.active_manifest = store.active_manifest ?? null;
  out.manifest_count = Object.keys(store.manifests ?? {}).length;
  const vr = store.validation_results;
  // validation_results is the 2.x shape; a reader that only filled the
  // legacy flat validation_status still has its failures compared.
  out.codes = vr ? codeSets(vr.activeManifest) : codeSets({ failure: store.validation_status });
  out.ingredient_deltas = (vr?.ingredientDeltas ?? [])
    .map((d) => ({ ingredient_uri: d.ingredientAssertionURI ?? null, ...codeSets(d.validationDeltas) }))
    .sort((x, y) => String(x.ingredient_uri).localeCompare(String(y.ingredient_uri)));
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
