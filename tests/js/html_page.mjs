#!/usr/bin/env node
// Open HTML pages written by dataprep-lineage in headless Chromium and
// report what a person would meet: the DOM, script errors, network
// requests, and what selecting a stage does.
//
// Usage:   node tests/js/html_page.mjs [--screenshot OUT.png --width W] PAGE.html...
// Driver:  npm install -g puppeteer-core (PUPPETEER_SKIP_DOWNLOAD=1; it drives
//          Debian's Chromium: CHROMIUM=/path overrides `chromium`), found under
//          `npm root -g`.
// Output:  one JSON line per page on stdout, exit 0:
//   {"page": path,
//    "requests": [urls other than the page itself],
//    "errors": [page errors, console errors and warnings, CSP reports],
//    "title", "nodes": lineage nodes (g.n), "stage_nodes": g.n[data-s],
//    "root_cause_nodes": g.n.rc, "edges": path.e, "bars": timeline bars (g.b),
//    "svgs": the pictures (top-level svg elements), "causes": article.cause, "rows": tr[data-s],
//    "scripts": script elements, "text": the body's text,
//    "clicked": null, or after clicking the first lineage stage node:
//      {"stage": its data-s, "details_shown": the details panel visible,
//       "detail": the visible detail's text, "marked": elements marked .sel,
//       "up": nodes marked upstream, "down": nodes marked downstream}}
//   Exit 2 (message on stderr) when the driver or the browser is missing.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

function driver() {
  const roots = [];
  try {
    roots.push(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim());
  } catch (_) { /* no npm */ }
  for (const root of roots) {
    for (const p of [path.join(root, 'puppeteer-core'),
                     path.join(root, '@mermaid-js/mermaid-cli/node_modules/puppeteer-core')]) {
      if (fs.existsSync(path.join(p, 'package.json'))) return p;
    }
  }
  return null;
}

const args = process.argv.slice(2);
let screenshot = null;
let width = 1280;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--screenshot') screenshot = args[++i];
  else if (args[i] === '--width') width = Number(args[++i]);
  else pages.push(args[i]);
}
const dir = driver();
if (!dir) {
  console.error('puppeteer-core not found under `npm root -g`');
  process.exit(2);
}
const puppeteer = (await import(pathToFileURL(path.join(dir, 'lib/esm/puppeteer/puppeteer-core.js')).href)).default;
function which(cmd) {
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(d, cmd);
    if (fs.existsSync(p)) return p;
  }
  return null;
}
const executablePath = process.env.CHROMIUM || which('chromium') || which('chromium-browser') || 'chromium';
let browser;
try {
  browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
} catch (e) {
  console.error(`cannot start ${executablePath}: ${e.message}`);
  process.exit(2);
}

for (const file of pages) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  const url = pathToFileURL(path.resolve(file)).href;
  const requests = [];
  const errors = [];
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => { if (r.url() !== url) errors.push(`requestfailed: ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });
  const report = await page.evaluate(() => {
    const n = (s) => document.querySelectorAll(s).length;
    return {
      title: document.title,
      nodes: n('svg g.n'),
      stage_nodes: n('svg g.n[data-s]'),
      root_cause_nodes: n('svg g.n.rc'),
      edges: n('svg path.e'),
      bars: n('svg g.b'),
      svgs: n('.pic > svg'),
      causes: n('details.cause'),
      rows: n('tr[data-s]'),
      scripts: n('script'),
      text: document.body.innerText,
    };
  });
  report.page = file;
  report.requests = requests;
  report.errors = errors;
  report.clicked = null;
  const target = await page.$('svg g.n[data-s]');
  if (target) {
    const stage = await target.evaluate((e) => e.getAttribute('data-s'));
    await target.click();
    report.clicked = await page.evaluate((s) => {
      const panel = document.getElementById('details');
      const shown = [...document.querySelectorAll('.detail')].filter((d) => !d.hidden);
      return {
        stage: s,
        details_shown: !!panel && !panel.hidden && getComputedStyle(panel).display !== 'none',
        detail: shown.map((d) => d.innerText).join('\n'),
        marked: document.querySelectorAll('.sel').length,
        up: document.querySelectorAll('g.n.up').length,
        down: document.querySelectorAll('g.n.down').length,
      };
    }, stage);
  }
  if (screenshot) {
    if (target) {
      await page.keyboard.press('Escape');
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
    }
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  process.stdout.write(JSON.stringify(report) + '\n');
  await page.close();
}
await browser.close();
