// The page of `node bench/browser.mjs --spin`: every threaded engine of the threaded table on one
// layer (ours on N threads, XNNPACK with setThreadsCount(N), ORT with numThreads = N as it comes
// and with the session option session.intra_op.allow_spinning = 0), each callable from the
// runner (window.__spin.call(name)). The runner reads how much CPU the page's Worker threads use after each call has returned: a thread
// that keeps a core while nothing runs is what the threaded table's pause between calls is for;
// then how long our call takes right after each engine's calls, against after a pause.
import { convModel } from './onnx.mjs';
import { loadThreadedEngine, loadTf, loadOrt } from './page-util.mjs';

const log = (s) => { document.getElementById('log').textContent += `\n${s}`; };
async function main() {
    const q = new URLSearchParams(location.search);
    const threads = Number(q.get('threads') ?? 2);
    const state = q.get('state');
    if (!globalThis.crossOriginIsolated) throw new Error('the page is not cross-origin isolated');
    const { createEngine } = await import('/web/engine.mjs');
    const engine = await loadThreadedEngine(createEngine, threads);
    const plan = engine.plan(state);
    const li = engine.shapes(state).layers[0];
    const [cin, h, w] = li.in.slice(1), [cout, outH, outW] = li.out.slice(1);
    const a = li.axes[0], k = a.kernel, s = a.stride, d = a.dilation, p = a.pad_before;
    const { weight, weightShape, bias } = plan.weights(0);
    const input = plan.input().slice();
    const calls = { ours: () => { plan.run(); } };

    const tf = await loadTf(threads);
    const x = tf.tensor4d(new Float32Array(h * w * cin), [1, h, w, cin]);
    const f = tf.tensor4d(new Float32Array(k * k * cin * cout), [k, k, cin, cout]);
    const pad = p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]];
    calls.xnnpack = () => { tf.fused.conv2d({ x, filter: f, strides: [s, s], pad, dilations: [d, d] }).dispose(); };

    const ort = await loadOrt(threads);
    const model = convModel({ transposed: false, cin, cout, h, w, k, s, d, g: 1, pads: [p, p, p, p], op: 0, outH, outW, weight, weightShape, bias });
    // 'ort0' asks for no spinning; onnxruntime-web runs its sessions on the env's global thread
    // pool, which this per-session option may not reach: the /proc figures say whether it does.
    const variants = { ort: null, ort0: { session: { intra_op: { allow_spinning: '0' } } } };
    for (const [name, extra] of Object.entries(variants)) {
        const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all',
                                                                    executionMode: 'sequential', ...(extra ? { extra } : {}) });
        const feeds = { x: new ort.Tensor('float32', input, [1, cin, h, w]) };
        calls[name] = async () => { const r = await session.run(feeds); for (const t of Object.values(r)) t.dispose?.(); };
    }
    // Warm up (V8 tiers the hot wasm up) and let every Worker start.
    for (let i = 0; i < 20; ++i) for (const c of Object.values(calls)) await c();
    log(`ready: ${Object.keys(calls).join(', ')} on ${threads} threads, ${state}`);
    const call = async (name) => { for (let i = 0; i < 3; ++i) await calls[name](); };
    // The same in time: our call right after `name`'s calls, or after a pause of `pauseMs` (ms).
    const oursAfter = async (name, pauseMs) => {
        await call(name);
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
        const t = performance.now();
        plan.run();
        return performance.now() - t;
    };
    return { names: Object.keys(calls), call, oursAfter };
}

main().then((api) => { window.__spin = api; }, (e) => { log(`FAILED: ${e?.stack ?? e}`); window.__spinError = String(e?.stack ?? e); });
