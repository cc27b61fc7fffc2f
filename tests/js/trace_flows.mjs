#!/usr/bin/env node
// Check a Chrome trace (Trace Event Format, object form {"traceEvents":[...]})
// with the real Chrome DevTools trace engine (npm `@paulirish/trace_engine`)
// and report how many flow arrows it would draw.
//
// Usage:   node tests/js/trace_flows.mjs TRACE.json
// Engine:  npm install -g --no-fund --no-audit @paulirish/trace_engine
//          (found under `npm root -g`; TRACE_ENGINE_DIR=<package dir> overrides)
// Output:  one JSON line on stdout, exit 0:
//   {"flow_events":  s+f events in the input,
//    "flows_total":  distinct flow ids among s/t/f events in the input,
//    "flows_linked": flows the engine bound to >= 2 trace entries (arrows drawn),
//    "slices":       input 'X' events that landed in the engine's thread tracks,
//    "errors":       [engine console errors/warnings, unlinked flow ids, ...]}
//   Exit 2 (message on stderr) if the file or the engine cannot parse it.
//
// How DevTools binds flows (models/trace/handlers/FlowsHandler.js):
//  * s/t/f events are grouped into one flow by `${cat}-$-${name}-$-${id}`,
//    processed in INPUT order (not sorted): an `f`/`t` before its `s` is dropped.
//  * each s/t/f event binds to the FIRST non-flow event (any phase, in input
//    order) with exactly the same ts, pid, tid and cat. `bp`, enclosing-slice
//    ranges, `id2`, `bind_id`, `flow_in/flow_out` are all ignored.
//  * bound entries are then grouped by `id` alone (reusing an id merges flows)
//    and keyed by ts (entries at equal ts collapse); a flow with fewer than two
//    entries left is discarded.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

function die(msg) {
  process.stderr.write(`trace_flows: ${msg}\n`);
  process.exit(2);
}

// Locate and load the engine (its package "main" is models/trace/trace.js).
async function loadEngine() {
  let dir = process.env.TRACE_ENGINE_DIR;
  if (!dir) {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    dir = path.join(root, '@paulirish', 'trace_engine');
  }
  const entry = path.join(dir, 'models', 'trace', 'trace.js');
  if (!fs.existsSync(entry)) die(`trace engine not found at ${entry}`);
  return import(pathToFileURL(entry).href);
}

const file = process.argv[2];
if (!file) die('usage: node trace_flows.mjs TRACE.json');

let events;
try {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  events = Array.isArray(json) ? json : json.traceEvents;
  if (!Array.isArray(events)) throw new Error('no "traceEvents" array');
} catch (e) {
  die(`cannot read ${file}: ${e.message}`);
}

// Count flows in the raw input before the engine sees (and mutates) it.
const flowEvents = events.filter(e => e && ['s', 't', 'f'].includes(e.ph));
const flowIds = new Set(flowEvents.map(e => String(e.id)));
const inputX = new Set(events.filter(e => e && e.ph === 'X'));

// The engine reports problems through console.*; keep stdout to one JSON line.
const errors = [];
const saved = { ...console };
console.error = console.warn = (...a) => errors.push(a.map(String).join(' '));
console.log = console.info = console.debug = (...a) => saved.error(...a);

let data;
try {
  const Trace = await loadEngine();
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  await model.parse(events);
  data = model.parsedTrace().data;  // {Flows, Renderer, Meta, ...} by handler
} catch (e) {
  Object.assign(console, saved);
  die(`engine failed to parse ${file}: ${e && e.stack || e}`);
}
Object.assign(console, saved);

// Flows.flows: one array of bound trace events per linked flow.
const flows = data.Flows.flows;
const key = e => `${e.ts}|${e.pid}|${e.tid}|${e.cat}`;  // the engine's binding tuple
const boundKeys = new Set();
for (const flow of flows) {
  for (const ev of flow) {
    boundKeys.add(key(ev));
    if (ev.ph !== 'X') errors.push(`flow bound to non-X event ph=${ev.ph} name=${ev.name} ts=${ev.ts}`);
  }
}
// A flow id counts as linked if one of its s/t/f events sits on a bound entry.
const linkedIds = new Set(flowEvents.filter(e => boundKeys.has(key(e))).map(e => String(e.id)));
for (const id of flowIds) {
  if (!linkedIds.has(id)) errors.push(`flow id ${id} not linked by the engine`);
}

// Slices: input X events present in the engine's per-thread entry lists.
let slices = 0;
for (const proc of data.Renderer.processes.values()) {
  for (const thread of proc.threads.values()) {
    for (const ev of thread.entries) if (inputX.has(ev)) slices++;
  }
}

process.stdout.write(JSON.stringify({
  flow_events: flowEvents.filter(e => e.ph === 's' || e.ph === 'f').length,
  flows_total: flowIds.size,
  flows_linked: flows.length,
  slices,
  errors,
}) + '\n');
