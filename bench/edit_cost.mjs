// What an edit costs the engine Worker: issue #10's "app-side work per edit", its layers part.
// The default stack at 512x512, re-planned and re-run as web/engine_worker.js does (plan.update,
// then from the first changed layer: runOne, the output copied out, its ranges), alternating
// between two values of one parameter: of the first layer (kernel_size 3 <-> 5: every layer
// reruns) and of the last (output_padding 0 <-> 1: only it reruns). On 1 thread (the
// single-thread build) and on N threads (the threaded build) in one Node process, the two
// alternating edit by edit. Median and worst (ms).
//
//   node bench/edit_cost.mjs [--site build/site] [--threads 2] [--edits 100]
//
// The page's part of an edit (taking the arrived outputs, texture uploads, the windows) is
// measured in Chromium by tests/web/ui_timing.mjs ("layers + uploads + windows"); an edit's
// app-side work is the sum of the two.
import path from 'node:path';
import { loadText, median } from './node-util.mjs';
import { createEngine } from '../web/engine.mjs';

const opt = { site: 'build/site', threads: 2, edits: 100 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
    const v = () => argv[++i];
    switch (argv[i]) {
        case '--site': opt.site = v(); break;
        case '--threads': opt.threads = Number(v()); break;
        case '--edits': opt.edits = Number(v()); break;
        default: throw new Error(`unknown option ${argv[i]} (see the comment at the top of bench/edit_cost.mjs)`);
    }
}

const engines = {
    '1 thread': await createEngine({ modulePath: path.resolve(opt.site, 'convplay_engine.js') }),
    [`${opt.threads} threads`]: await createEngine({ modulePath: path.resolve(opt.site, 'convplay_engine_mt.js'), threads: opt.threads }),
};
const base = engines['1 thread'].defaultState().replace(/in=3x\d+x\d+/, 'in=3x512x512');
const swap = (from, to) => {
    if (!base.includes(from)) throw new Error(`the default state changed: ${base} has no ${from}`);
    return base.replace(from, to);
};
const CASES = [
    ['first layer, kernel_size 3 <-> 5 (every layer reruns)', base, swap('conv2d(out=16,k=3,', 'conv2d(out=16,k=5,')],
    ['last layer, output_padding 0 <-> 1 (only it reruns)', base, swap('convT2d(out=3,k=3,s=2,p=1)', 'convT2d(out=3,k=3,s=2,p=1,op=1)')],
];

// One edit as the Worker makes it; its milliseconds.
function edit(plan, state) {
    const t = performance.now();
    const first = plan.update(state);
    for (let i = first; i < plan.runnable; i++) {
        plan.runOne(i);
        plan.output(i);
        plan.outputRanges(i);
    }
    return performance.now() - t;
}

console.log(`state: ${base}\nload average before: ${loadText()}`);
for (const [name, a, b] of CASES) {
    const plans = Object.fromEntries(Object.entries(engines).map(([k, e]) => {
        const p = e.plan(a);
        p.run();
        return [k, p];
    }));
    const times = Object.fromEntries(Object.keys(plans).map((k) => [k, []]));
    for (let i = 0; i < opt.edits + 10; ++i)
        for (const [k, p] of Object.entries(plans)) {
            const ms = edit(p, i % 2 ? a : b);
            if (i >= 10) times[k].push(ms);   // the first 10 warm up
        }
    console.log(name);
    for (const [k, t] of Object.entries(times))
        console.log(`  ${k.padEnd(10)} median ${median(t).toFixed(2)} ms, worst ${Math.max(...t).toFixed(2)} ms (${t.length} edits)`);
    Object.values(plans).forEach((p) => p.free());
}
console.log(`load average after: ${loadText()}`);
process.exit(0);  // the threaded build's pthreads are Workers that would keep Node alive
