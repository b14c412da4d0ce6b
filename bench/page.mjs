// The benchmark in a browser page (bench/page.html, served by bench/browser.mjs). Query:
//   ?build=/build/wasm-bench&runs=15&warmup=5&warmupMs=1000&layers=a,b&readback=1&peers=0&threads=2&settleMs=40
// threads=N (a cross-origin isolated page): ours is the threaded build from /build-threads/ on N
// threads, our single-thread build runs beside it, and the peers get N threads too.
// Loads the wasm spy first, then our engine, the ceiling module, tfjs + its wasm backend (classic
// scripts from node_modules) and onnxruntime-web (ES module), runs harness.mjs, and leaves the
// result in window.__benchResult (or the error in window.__benchError).
import { installWasmSpy, wasmLoaded, runBench } from './harness.mjs';
import { formatReport } from './report.mjs';
import { loadScript, loadThreadedEngine, loadTf, loadOrt } from './page-util.mjs';
import { LAYERS } from './layers.mjs';

const logEl = document.getElementById('log');
const lines = [];
const show = (s) => { lines.push(s); logEl.textContent = lines.join('\n'); };
const log = (s) => { console.log(s); show(s); };  // progress: also to the console (browser.mjs forwards it)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[s.length >> 1] : NaN; };

// How our threads shared each big layer's calls (engine.runTrace), after the table's pause (a
// worker that has slept that long must be woken) and back-to-back (the pool's workers spin a
// little before they sleep): when the last worker took its first chunk, and how far apart the
// threads took their last ones, ms from the call's start, medians of `calls` calls. A worker that
// joins late or threads that end far apart are time the second core gave nothing.
async function traceThreads(engine, layers, settleMs, calls = 15) {
    const fmt = (x) => x.toFixed(3);
    log(`how our ${engine.threads} threads shared the big layers' calls (medians of ${calls} calls, ms from the call's start):`);
    for (const L of LAYERS.filter((l) => l.big && (!layers || layers.includes(l.id)))) {
        const plan = engine.plan(L.state);
        try {
            for (let i = 0; i < 5; ++i) plan.run();
            const parts = [];
            for (const pause of [settleMs, 0]) {
                const call = [], join = [], apart = [];
                let missed = 0;
                for (let i = 0; i < calls; ++i) {
                    if (pause) await sleep(pause);
                    engine.runTrace(true);
                    const t0 = performance.now();
                    plan.run();
                    call.push(performance.now() - t0);
                    const joined = engine.runTrace(false).threads.filter((t) => t.chunks > 0);
                    missed += engine.threads - joined.length;
                    join.push(Math.max(...joined.map((t) => t.join)));
                    apart.push(Math.max(...joined.map((t) => t.end)) - Math.min(...joined.map((t) => t.end)));
                }
                parts.push(`${pause ? `after a ${pause} ms pause` : 'back-to-back'}: call ${fmt(median(call))}, last worker joined at ` +
                           `${fmt(median(join))} (${missed} of ${calls * (engine.threads - 1)} never did), threads ended ${fmt(median(apart))} apart`);
            }
            log(`  ${L.id}: ${parts.join('; ')}`);
        } finally {
            plan.free();
        }
    }
}

async function main() {
    const q = new URLSearchParams(location.search);
    const build = q.get('build') ?? '/build/wasm-bench';
    const opts = {};
    if (q.has('runs')) opts.runs = Number(q.get('runs'));
    if (q.has('warmup')) opts.warmup = Number(q.get('warmup'));
    if (q.has('warmupMs')) opts.warmupMs = Number(q.get('warmupMs'));
    if (q.has('layers')) opts.layers = q.get('layers').split(',');
    if (q.get('readback') === '1') opts.readback = true;
    if (q.has('settleMs')) opts.settleMs = Number(q.get('settleMs'));
    // peers=0: none; peers=xnnpack or peers=ort: that one only; absent: both.
    const peers = q.get('peers') === '0' ? [] : (q.get('peers') ?? 'xnnpack,ort').split(',');
    const threads = Number(q.get('threads') ?? 1);
    if (threads > 1 && !globalThis.crossOriginIsolated) throw new Error('threads need a cross-origin isolated page (COOP/COEP)');

    const spy = installWasmSpy();
    const { createEngine } = await import('/web/engine.mjs');
    let engine, engine1 = null;
    if (threads > 1) {
        // Both builds define createConvplayModule: load one and start it, then the other (its
        // script assigns the global again).
        await loadScript(`${build}/convplay_engine.js`);
        engine1 = await createEngine({ factory: globalThis.createConvplayModule });
        engine = await loadThreadedEngine(createEngine, threads);
    } else {
        engine = await createEngine({ moduleUrl: `${build}/convplay_engine.js` });
    }
    await loadScript(`${build}/bench/convplay_ceiling.js`);
    const ceiling = await globalThis.createCeilingModule();
    const ours = await wasmLoaded(spy);
    spy.seen.length = 0;

    let tf = null, ort = null;
    const details = { crossOriginIsolated: String(globalThis.crossOriginIsolated),
                      SharedArrayBuffer: typeof SharedArrayBuffer };
    if (peers.includes('xnnpack')) {
        tf = await loadTf(threads);
        details.tfjs = `${tf.version.tfjs}, backend ${tf.getBackend()}, SIMD flag ${tf.env().get('WASM_HAS_SIMD_SUPPORT')}, ` +
                       `threads flag ${tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')}` +
                       (threads > 1 ? `, threads ${tf.wasm.getThreadsCount?.() ?? '?'}` : '');
    }
    if (peers.includes('ort')) {
        ort = await loadOrt(threads);
        const { ortSelfTest } = await import('./onnx.mjs');
        details.ort = await ortSelfTest(ort);
    }
    const peerWasm = await wasmLoaded(spy);
    if (threads > 1) details.ours = `threaded build on ${engine.threads} threads, single-thread build beside it`;
    const result = await runBench({ engine, engine1, tf, ort, ceiling }, opts, log);
    // (an older threaded build, e.g. --threads-build of another commit, may lack the trace)
    if (threads > 1 && engine.module._cp_run_trace) await traceThreads(engine, opts.layers, result.opts.settleMs);
    result.wasm = { ours, peers: peerWasm };
    result.pageDetails = details;
    result.userAgent = navigator.userAgent;
    show('\n' + formatReport(result, { name: navigator.userAgent, details }));  // page only: browser.mjs prints its own
    return result;
}

main().then((r) => { window.__benchResult = r; }, (e) => {
    log(`FAILED: ${e?.stack ?? e}`);
    window.__benchError = String(e?.stack ?? e);
});
