// What an edit costs the engine Worker: issue #10's "app-side work per edit", its layers part.
// The default stack at 512x512, re-planned and re-run as web/engine_worker.js does (plan.update,
// then from the first changed layer: runOne, its ranges, the output copied out), alternating
// between two values of one parameter: of the first layer (kernel_size 3 <-> 5: every layer
// reruns) and of the last (output_padding 0 <-> 1: only it reruns). On 1 thread (the
// single-thread build) and on N threads (the threaded build) in one Node process, the two
// alternating edit by edit. Median and worst (ms), and the median of each step.
//
//   node bench/edit_cost.mjs [--site build/site] [--threads 2] [--edits 100] [--base DIR] [--gap MS]
//
// --gap MS: an idle pause before each edit, as a user's edits come apart: the threads fall
// asleep in it, and on some machines a woken thread waits milliseconds for a CPU
// (bench/README.md, "Waking a thread").
//
// --base DIR: also the builds of another site (an older commit's build/site), edit by edit in
// turn with this one's, copying each output into a new buffer (slice) as the Worker did before
// the page gave its buffers back and read the threaded build's shared memory itself; then the
// paired ratio this / base of each edit's time (median), which holds up better than absolute
// times on a busy machine.
//
// The page's part of an edit (taking the arrived outputs, texture uploads, the windows) is
// measured in Chromium by tests/web/ui_timing.mjs ("layers + uploads + windows"); an edit's
// app-side work is the sum of the two.
import path from 'node:path';
import { loadText, median } from './node-util.mjs';
import { createEngine } from '../web/engine.mjs';

const opt = { site: 'build/site', threads: 2, edits: 100, base: null, gap: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
    const v = () => argv[++i];
    switch (argv[i]) {
        case '--site': opt.site = v(); break;
        case '--threads': opt.threads = Number(v()); break;
        case '--edits': opt.edits = Number(v()); break;
        case '--base': opt.base = v(); break;
        case '--gap': opt.gap = Number(v()); break;
        default: throw new Error(`unknown option ${argv[i]} (see the comment at the top of bench/edit_cost.mjs)`);
    }
}
if (!(opt.gap >= 0)) throw new Error(`--gap takes milliseconds >= 0, not ${opt.gap}`);

// name -> {engine, fresh}: fresh copies (the Worker before buffers were given back) for --base.
const engines = {};
async function load(site, suffix, fresh) {
    engines[`1 thread${suffix}`] = { fresh, engine: await createEngine({ modulePath: path.resolve(site, 'convplay_engine.js') }) };
    engines[`${opt.threads} threads${suffix}`] = {
        fresh, engine: await createEngine({ modulePath: path.resolve(site, 'convplay_engine_mt.js'), threads: opt.threads }) };
}
await load(opt.site, '', false);
if (opt.base) await load(opt.base, ' (base)', true);
const base = engines['1 thread'].engine.defaultState().replace(/in=3x\d+x\d+/, 'in=3x512x512');
const swap = (from, to) => {
    if (!base.includes(from)) throw new Error(`the default state changed: ${base} has no ${from}`);
    return base.replace(from, to);
};
const CASES = [
    ['first layer, kernel_size 3 <-> 5 (every layer reruns)', base, swap('conv2d(out=16,k=3,', 'conv2d(out=16,k=5,')],
    ['first layer, seed 0 <-> 7 (every layer reruns, the same work each time)', base, swap('conv2d(out=16,k=3,s=2,p=1)', 'conv2d(out=16,k=3,s=2,p=1,seed=7)')],
    ['last layer, output_padding 0 <-> 1 (only it reruns)', base, swap('convT2d(out=3,k=3,s=2,p=1)', 'convT2d(out=3,k=3,s=2,p=1,op=1)')],
];

// One edit as the Worker makes it: its milliseconds, and where they went ({update, layer i,
// ranges i, copy i}). The output is copied into a buffer of an earlier edit, as the Worker does
// once the page gives its buffers back (engine_worker.js, a request's `recycle`); not at all from the
// threaded build's shared memory, which the page reads itself.
const kept = new Map();   // plan -> [Float32Array per layer]
function edit(plan, state, parts, fresh) {
    const t0 = performance.now();
    let t = t0;
    const lap = (name) => { const now = performance.now(); parts[name] = (parts[name] || 0) + now - t; t = now; };
    const first = plan.update(state);
    lap('update');
    const bufs = kept.get(plan) || [];
    kept.set(plan, bufs);
    for (let i = first; i < plan.runnable; i++) {
        plan.runOne(i);
        lap(`layer ${i + 1} (${plan.kernel(i)})`);
        plan.outputRanges(i);
        lap(`ranges ${i + 1}`);
        const view = plan.outputView(i);
        // The threaded build's memory is shared: the page copies from it, the Worker copies nothing.
        if (fresh || !(view.buffer instanceof SharedArrayBuffer)) {
            if (fresh || !bufs[i] || bufs[i].length !== view.length) bufs[i] = new Float32Array(view.length);
            bufs[i].set(view);
            lap(`copy ${i + 1}`);
        }
    }
    return performance.now() - t0;
}
// Node's main thread may block (it is not a browser's): the pause before an edit, idle.
const pause = (ms) => { if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

console.log(`state: ${base}\nload average before: ${loadText()}`);
for (const [name, a, b] of CASES) {
    const plans = Object.fromEntries(Object.entries(engines).map(([k, e]) => {
        const p = e.engine.plan(a);
        p.run();
        return [k, p];
    }));
    const keys = Object.keys(plans);
    const times = Object.fromEntries(keys.map((k) => [k, []]));
    const parts = Object.fromEntries(keys.map((k) => [k, []]));
    for (let i = 0; i < opt.edits + 10; ++i)
        for (let j = 0; j < keys.length; ++j) {
            const k = keys[(i + j) % keys.length];   // each build first in turn
            const split = {};
            pause(opt.gap);
            const ms = edit(plans[k], i % 2 ? a : b, split, engines[k].fresh);
            if (i >= 10) times[k].push(ms), parts[k].push(split);   // the first 10 warm up
        }
    console.log(name);
    for (const [k, t] of Object.entries(times)) {
        console.log(`  ${k.padEnd(18)} median ${median(t).toFixed(2)} ms, worst ${Math.max(...t).toFixed(2)} ms (${t.length} edits)`);
        const names = [...new Set(parts[k].flatMap(Object.keys))];
        console.log(`    median of each step: ${names.map((n) => `${n} ${median(parts[k].map((x) => x[n] || 0)).toFixed(2)}`).join(', ')}`);
        const b = times[`${k} (base)`];
        if (b) console.log(`    this / base, paired edit by edit: median ${median(t.map((x, n) => x / b[n])).toFixed(2)}`);
    }
    Object.values(plans).forEach((p) => p.free());
}
console.log(`load average after: ${loadText()}`);
process.exit(0);  // the threaded build's pthreads are Workers that would keep Node alive
