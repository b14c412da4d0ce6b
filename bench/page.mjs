// The benchmark in a browser page (bench/page.html, served by bench/browser.mjs). Query:
//   ?build=/build/wasm-bench&runs=15&warmup=5&warmupMs=1000&layers=a,b&readback=1&peers=0&threads=2
// threads=N (a cross-origin isolated page): ours is the threaded build from /build-threads/ on N
// threads, our single-thread build runs beside it, and the peers get N threads too.
// Loads the wasm spy first, then our engine, the ceiling module, tfjs + its wasm backend (classic
// scripts from node_modules) and onnxruntime-web (ES module), runs harness.mjs, and leaves the
// result in window.__benchResult (or the error in window.__benchError).
import { installWasmSpy, wasmLoaded, runBench } from './harness.mjs';
import { formatReport } from './report.mjs';

const logEl = document.getElementById('log');
const lines = [];
const show = (s) => { lines.push(s); logEl.textContent = lines.join('\n'); };
const log = (s) => { console.log(s); show(s); };  // progress: also to the console (browser.mjs forwards it)

function loadScript(src) {
    return new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.appendChild(s);
    });
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
        const mt = new URL('/build-threads/convplay_engine_mt.js', location.href).href;
        await loadScript(mt);
        engine = await createEngine({ factory: globalThis.createConvplayModule, threads, moduleArgs: { mainScriptUrlOrBlob: mt } });
        if (engine.threads !== threads) throw new Error(`the threaded engine gave ${engine.threads} threads, not ${threads}`);
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
        await loadScript('/node_modules/@tensorflow/tfjs/dist/tf.min.js');
        await loadScript('/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
        tf = globalThis.tf;
        // Single thread: no cross-origin isolation, so no threads anyway; the flag makes it
        // explicit. Threaded: the threaded SIMD build (tfjs-backend-wasm-threaded-simd.wasm).
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
        tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
        if (threads > 1) {
            // tfjs caps XNNPACK's pool at half the logical cores (it assumes two hardware threads
            // per core), so on a 2-core machine setThreadsCount(2) runs 1 thread. The page says
            // it has twice the threads asked for; the check after tf.ready() says if it took.
            Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
            tf.wasm.setThreadsCount(threads);
        }
        tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
        if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
        await tf.ready();
        if (threads > 1 && tf.wasm.getThreadsCount() !== threads)
            throw new Error(`tfjs runs XNNPACK on ${tf.wasm.getThreadsCount()} threads, not ${threads}`);
        details.tfjs = `${tf.version.tfjs}, backend ${tf.getBackend()}, SIMD flag ${tf.env().get('WASM_HAS_SIMD_SUPPORT')}, ` +
                       `threads flag ${tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')}` +
                       (threads > 1 ? `, threads ${tf.wasm.getThreadsCount?.() ?? '?'}` : '');
    }
    if (peers.includes('ort')) {
        ort = await import('/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs');
        ort.env.wasm.numThreads = threads;
        ort.env.wasm.simd = true;
        ort.env.wasm.proxy = false;
        ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
        const { convModel } = await import('./onnx.mjs');
        const s = await ort.InferenceSession.create(convModel({ transposed: false, cin: 1, cout: 1, h: 1, w: 1, k: 1, s: 1, d: 1, g: 1,
            pads: [0, 0, 0, 0], op: 0, outH: 1, outW: 1, weight: [2], weightShape: [1, 1, 1, 1], bias: [1] }), { executionProviders: ['wasm'] });
        const y = (await s.run({ x: new ort.Tensor('float32', new Float32Array([3]), [1, 1, 1, 1]) })).y.data[0];
        if (y !== 7) throw new Error(`onnxruntime-web: 1x1 conv self-test gave ${y}, not 7`);
        await s.release();
        details.ort = `${ort.env.versions?.web ?? '?'}, wasm numThreads ${ort.env.wasm.numThreads}, simd ${ort.env.wasm.simd}`;
    }
    const peerWasm = await wasmLoaded(spy);
    if (threads > 1) details.ours = `threaded build on ${engine.threads} threads, single-thread build beside it`;
    const result = await runBench({ engine, engine1, tf, ort, ceiling }, opts, log);
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
