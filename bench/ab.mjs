// A/B of two engine builds in one Node process: node bench/ab.mjs --a DIR --b DIR [options]
// (DIR holds convplay_engine.js/.wasm, e.g. a copy of build/wasm-bench before a change and the
// build after it; or name the .js itself, e.g. build/wasm-threads/convplay_engine_mt.js). With
// --a-threads / --b-threads the same threaded build can be A on 1 thread and B on 2: B/A is then
// the thread speed-up's inverse, free of the browser's other threads. Per layer of bench/layers.mjs both builds plan the same state (same seeded
// input and weights), warm up, then run alternately: pass 1 calls A then B in every pair, pass 2
// B then A, so neither build always runs right after the other. Prints min and median ms per build
// and pass, the ratio B/A of each, the load average, and the largest output difference between
// the builds relative to the output's largest value (a kernel change must keep it tiny).
//
//   --layers id,id   which layers (default: all)     --pairs N     calls per build and pass (200)
//   --state TEXT     a one-layer state of your own instead of bench/layers.mjs (repeatable), e.g.
//                    the playground's first layer 'v=1&in=3x512x512&img=noise&net=conv2d(out=16,k=5,s=2,p=2)'
//   --warmup-ms MS   warm-up per build (1000)   --a-threads N, --b-threads N   (1: the default)
import path from 'node:path';
import { loadText, median } from './node-util.mjs';
import { LAYERS } from './layers.mjs';

const opt = { a: null, b: null, layers: null, states: [], pairs: 200, warmupMs: 1000, aThreads: 1, bThreads: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
    const v = () => argv[++i];
    switch (argv[i]) {
        case '--a': opt.a = v(); break;
        case '--b': opt.b = v(); break;
        case '--layers': opt.layers = v().split(','); break;
        case '--state': opt.states.push(v()); break;
        case '--pairs': opt.pairs = Number(v()); break;
        case '--warmup-ms': opt.warmupMs = Number(v()); break;
        case '--a-threads': opt.aThreads = Number(v()); break;
        case '--b-threads': opt.bThreads = Number(v()); break;
        default: throw new Error(`unknown option ${argv[i]} (see the comment at the top of bench/ab.mjs)`);
    }
}
if (!opt.a || !opt.b) throw new Error('--a DIR and --b DIR are required');

const { createEngine } = await import('../web/engine.mjs');
const load = async (where, threads) => {
    const engine = await createEngine({ modulePath: where.endsWith('.js') ? path.resolve(where) : path.resolve(where, 'convplay_engine.js'), threads });
    if (engine.threads !== threads) throw new Error(`${where} runs ${engine.threads} thread(s), not ${threads}`);
    return engine;
};
const engines = { A: await load(opt.a, opt.aThreads), B: await load(opt.b, opt.bThreads) };
const timeCall = (plan) => { const t = performance.now(); plan.run(); return performance.now() - t; };

console.log(`A = ${opt.a} (${opt.aThreads} thread(s))\nB = ${opt.b} (${opt.bThreads} thread(s))\nload average before: ${loadText()}`);
const chosen = opt.states.length ? opt.states.map((state) => ({ id: state, state }))
                                 : LAYERS.filter((l) => !opt.layers || opt.layers.includes(l.id));
for (const layer of chosen) {
    const plans = { A: engines.A.plan(layer.state), B: engines.B.plan(layer.state) };
    for (const k of ['A', 'B']) {
        const end = performance.now() + opt.warmupMs;
        for (let n = 0; n < 5 || performance.now() < end; ++n) timeCall(plans[k]);
    }
    const a = plans.A.output(0), b = plans.B.output(0);
    let diff = 0, top = 0;
    for (let i = 0; i < a.length; ++i) diff = Math.max(diff, Math.abs(a[i] - b[i])), top = Math.max(top, Math.abs(a[i]));
    const line = [`${layer.id}: A ${plans.A.kernel(0)}, B ${plans.B.kernel(0)}, max |B - A| / max |A| ${(diff / top).toExponential(1)}`];
    for (const order of [['A', 'B'], ['B', 'A']]) {
        const t = { A: [], B: [] };
        for (let i = 0; i < opt.pairs; ++i) for (const k of order) t[k].push(timeCall(plans[k]));
        const min = { A: Math.min(...t.A), B: Math.min(...t.B) }, med = { A: median(t.A), B: median(t.B) };
        line.push(`  order ${order.join('')}: min A ${min.A.toFixed(3)} B ${min.B.toFixed(3)} ms (B/A ${(min.B / min.A).toFixed(3)}), ` +
                  `median A ${med.A.toFixed(3)} B ${med.B.toFixed(3)} ms (B/A ${(med.B / med.A).toFixed(3)})`);
    }
    console.log(line.join('\n'));
    plans.A.free(), plans.B.free();
}
console.log(`load average after: ${loadText()}`);
process.exit(0);  // a threaded build's pthreads are Workers that would keep Node alive
