// The benchmark itself, the same code in Node and in headless Chromium: our engine against
// tfjs-backend-wasm (XNNPACK) and onnxruntime-web (wasm, 1 thread) on the layers of layers.mjs,
// plus the measured SIMD128 ceiling. The callers (node.mjs, page.mjs) load the modules and hand
// them in; nothing here imports a package, so it runs unchanged in both environments.
//
// Method (bench/README.md says more):
// - one process, one thread; every engine gets the same input and the same weights;
// - per layer, each engine is warmed up (>= opts.warmup calls and >= opts.warmupMs of calls, so
//   V8 has tiered the hot wasm functions up from Liftoff to TurboFan), then timed for opts.runs
//   rounds; within a round the engines run one after the other, in an order that rotates from
//   round to round, so load from other processes hits every engine alike;
// - every call is timed the same way, performance.now() just before and just after it (awaited
//   for ORT, whose run() returns a promise); the figure is the median, and min/quartiles are kept;
// - outputs are checked: ours against our reference (scalar) kernels, and each peer against ours;
// - the SIMD128 ceiling and the streaming memory bandwidth are measured at the start and the end,
//   and also inside every layer's timed rounds (a ~20 ms call of the best ceiling variant, and a
//   stream over the layer's own input and output sizes, per round), so the layer's roofline bound
//   comes from figures taken under the same machine load.

import { convModel } from './onnx.mjs';

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const DEFAULTS = {
    runs: 21,          // timed rounds per layer (>= 10)
    warmup: 5,         // minimum warm-up calls per engine and layer (>= 3)
    warmupMs: 1000,    // ... and at least this long
    readback: false,   // also copy the output into a JS array inside the timed call (see README)
    layers: null,      // ids to run (null: all)
    sampleMs: 10,      // calls shorter than this are timed in batches of back-to-back calls
    ceilingMs: 150,    // length of one ceiling measurement
    tolerance: 1e-4,   // max |ours - reference| / max |reference|
    peerTolerance: 1e-4,
    // A pause after every engine's call in the timed rounds (and after its warm-up), so threads
    // that keep a core after the call returned (ORT's workers spin) have stopped before the next
    // engine is timed; null: THREAD_SETTLE_MS in threaded runs, 0 otherwise.
    settleMs: null,
};
// How long a pause the threaded rounds make between calls (see settleMs): ORT's workers keep a
// core for up to about 100 ms after its run returns (`node bench/browser.mjs --threads 2 --spin`
// reads it from /proc: bench/README.md, "The threaded table"), ours and XNNPACK's for none.
export const THREAD_SETTLE_MS = 120;

// ---- small helpers ---------------------------------------------------------------------------
function quantile(sorted, q) {
    const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function stats(times) {
    const s = [...times].sort((a, b) => a - b);
    return { n: s.length, median: quantile(s, 0.5), min: s[0], max: s[s.length - 1],
             q1: quantile(s, 0.25), q3: quantile(s, 0.75), times };
}
// max |a - b| / max |ref|: the error relative to the output's largest magnitude.
export function relErr(a, ref) {
    if (a.length !== ref.length) return Infinity;
    let d = 0, m = 0;
    for (let i = 0; i < ref.length; ++i) {
        const e = Math.abs(a[i] - ref[i]);
        if (!(e <= d)) d = e;  // NaN propagates as "worse"
        const r = Math.abs(ref[i]);
        if (r > m) m = r;
    }
    return m > 0 ? d / m : d;
}
function nchwToNhwc(x, c, h, w) {
    const y = new Float32Array(x.length);
    for (let ci = 0; ci < c; ++ci)
        for (let i = 0; i < h * w; ++i) y[i * c + ci] = x[ci * h * w + i];
    return y;
}
function nhwcToNchw(x, c, h, w) {
    const y = new Float32Array(x.length);
    for (let ci = 0; ci < c; ++ci)
        for (let i = 0; i < h * w; ++i) y[ci * h * w + i] = x[i * c + ci];
    return y;
}
// PyTorch weight [A, B, kh, kw] -> [kh, kw, B, A] (conv: HWIO from OIHW; convT: [kh, kw, Cout,
// Cin] from [Cin, Cout, kh, kw], which is what tf.conv2dTranspose wants).
function oihwToHwio(w, [a, b, kh, kw]) {
    const y = new Float32Array(w.length);
    for (let i = 0; i < a; ++i)
        for (let j = 0; j < b; ++j)
            for (let y0 = 0; y0 < kh; ++y0)
                for (let x0 = 0; x0 < kw; ++x0)
                    y[((y0 * kw + x0) * b + j) * a + i] = w[((i * b + j) * kh + y0) * kw + x0];
    return y;
}

// ---- the SIMD128 ceiling ---------------------------------------------------------------------
// ceiling: the createCeilingModule() instance (bench/ceiling.cpp). Every variant is warmed up
// (many short calls, so TurboFan compiles it), then each is timed three times for ~ceilingMs;
// the best GFLOP/s of all is the ceiling.
export const CEILING_VARIANTS = ['4 fused chains', '8 fused chains', '12 fused chains', '14 fused chains',
    '5+5 split chains', '7+7 split chains', 'L1 tile 4x8', 'L1 tile 4x12', 'L1 tile 6x8', 'L1 tile 3x12'];

export async function measureCeiling(C, { ceilingMs = 150, log = () => {} } = {}) {
    const variants = C._ceiling_variants();
    if (variants !== CEILING_VARIANTS.length) throw new Error('bench/ceiling.cpp and CEILING_VARIANTS disagree');
    const small = (v) => Math.max(1, Math.round(20000 / C._ceiling_pairs(v, 1)));  // ~20k pairs, ~0.01 ms
    const t0 = now();
    while (now() - t0 < 400) for (let v = 0; v < variants; ++v) C._ceiling_run(v, small(v), 1);
    const rows = [];
    for (let v = 0; v < variants; ++v) {
        // Size one call to take about ceilingMs.
        let iters = small(v), ms = 0;
        for (;;) {
            const t = now(); C._ceiling_run(v, iters, 1); ms = now() - t;
            if (ms >= ceilingMs / 4 || iters > 1e9) break;
            iters *= 2;
        }
        iters = Math.max(1, Math.round(iters * ceilingMs / Math.max(ms, 1e-3)));
        let best = 0;
        for (let r = 0; r < 3; ++r) {
            const t = now(); C._ceiling_run(v, iters, 1 + r); const dt = now() - t;
            best = Math.max(best, C._ceiling_pairs(v, iters) * 8 / (dt * 1e6));
            await sleep(0);
        }
        rows.push({ variant: v, name: CEILING_VARIANTS[v], gflops: best });
    }
    const best = rows.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    // Iterations for one ~20 ms call of the best variant: the per-layer ceiling probe below.
    best.iters20ms = Math.max(1, Math.round(20e6 * best.gflops / (8 * C._ceiling_pairs(best.variant, 1))));
    log(`ceiling: ${rows.map((r) => `${r.name} ${r.gflops.toFixed(1)}`).join(', ')} GFLOP/s`);
    return { gflops: best.gflops, best, rows };
}

// ---- memory bandwidth (the roofline's other side) ------------------------------------------
// The ceiling module's streaming kernel (bench/ceiling.cpp: f32x4 loads through a read buffer,
// then f32x4 stores through a write buffer). GB/s = (bytes read + bytes written) / time.
// measureBandwidth: a DRAM-sized pair (well past the last-level cache) and an L2-sized pair, for
// the header; the per-layer probe below streams the layer's own sizes.
export const BANDWIDTH_SIZES = [['DRAM-sized (64+64 MiB)', 64 << 20, 64 << 20], ['L2-sized (128+128 KiB)', 128 << 10, 128 << 10]];

function streamGBs(C, iters) {
    const t = now(); C._bandwidth_run(iters, 1); const dt = now() - t;
    return { gbs: C._bandwidth_bytes(iters) / (dt * 1e6), ms: dt };
}

export async function measureBandwidth(C, { ceilingMs = 150, log = () => {} } = {}) {
    const rows = [];
    for (const [name, r, w] of BANDWIDTH_SIZES) {
        if (!C._bandwidth_reserve(r, w)) throw new Error(`bandwidth: could not allocate ${name}`);
        // Warm-up: many short calls (TurboFan), sized like the measurement below.
        const small = Math.max(1, Math.round(1e6 / (r + w)));
        const t0 = now();
        while (now() - t0 < 300) C._bandwidth_run(small, 1);
        const iters = Math.max(1, Math.round((ceilingMs * 1e-3) * 10e9 / (r + w)));  // ~ceilingMs at 10 GB/s
        let best = 0;
        for (let k = 0; k < 3; ++k) { best = Math.max(best, streamGBs(C, iters).gbs); await sleep(0); }
        rows.push({ name, readBytes: r, writeBytes: w, gbs: best });
    }
    log(`bandwidth: ${rows.map((x) => `${x.name} ${x.gbs.toFixed(1)}`).join(', ')} GB/s`);
    return { gbs: rows[0].gbs, rows };
}

// A layer's compulsory traffic: its input and weights read once, its output written once.
export function layerBytes(r) {
    const n = (shape) => shape.reduce((a, b) => a * b, 1);
    return { read: 4 * (n(r.inShape) + r.weightFloats), write: 4 * n(r.outShape) };
}

// ---- engines ---------------------------------------------------------------------------------
// Each maker returns { name, run() (sync or async), output() -> NCHW Float32Array, dispose() }.

function makeOurs(engine, L, readback, name = 'ours') {
    const plan = engine.plan(L.state);
    let internalMs = [];
    return {
        name,
        plan,
        run: readback ? () => { internalMs.push(plan.run()); plan.output(0); }
                      : () => { internalMs.push(plan.run()); },
        internal: () => internalMs,
        resetInternal: () => { internalMs = []; },
        output: () => plan.output(0),
        dispose: () => plan.free(),
    };
}

function makeTf(tf, L, readback) {
    const { cin, h, w, cout, outH, outW, k, s, d, p, op, g, weight, weightShape, bias, kind } = L;
    const x = tf.tensor4d(nchwToNhwc(L.input, cin, h, w), [1, h, w, cin]);
    const b = bias ? tf.tensor1d(bias) : null;
    const explicit = [[0, 0], [p, p], [p, p], [0, 0]];
    let filter, op4;
    if (kind === 'convT') {
        if (g !== 1) throw new Error('tfjs has no grouped transposed conv');
        if (d !== 1) throw new Error('tfjs conv2dTranspose has no dilation');
        // [Cin, Cout, kh, kw] -> [kh, kw, Cout, Cin]. tf.conv2dTranspose is TensorFlow's
        // conv2d_backprop_input: given the output shape and conv padding it is exactly PyTorch's
        // ConvTranspose2d(padding=p, output_padding=op) (checked against our reference below).
        filter = tf.tensor4d(oihwToHwio(weight, weightShape), [k, k, cout, cin]);
        // tfjs has no fused transposed conv: the bias is a second op (what a tfjs user must do).
        op4 = () => tf.tidy(() => {
            const y = tf.conv2dTranspose(x, filter, [1, outH, outW, cout], [s, s], explicit);
            return b ? tf.add(y, b) : y;
        });
    } else if (kind === 'depthwise') {
        // [C, 1, kh, kw] -> [kh, kw, C, 1]; the fused op takes the bias in the same XNNPACK call.
        const f = new Float32Array(weight.length);
        for (let c = 0; c < cin; ++c) for (let i = 0; i < k * k; ++i) f[i * cin + c] = weight[c * k * k + i];
        filter = tf.tensor4d(f, [k, k, cin, 1]);
        op4 = () => tf.fused.depthwiseConv2d({ x, filter, strides: [s, s], pad: p, dilations: [d, d], bias: b ?? undefined });
    } else {
        if (g !== 1) throw new Error('grouped conv: not mapped to tfjs');
        filter = tf.tensor4d(oihwToHwio(weight, weightShape), [k, k, cin, cout]);
        const pad = p === 0 ? 'valid' : explicit;
        op4 = () => tf.fused.conv2d({ x, filter, strides: [s, s], pad, dilations: [d, d], bias: b ?? undefined });
    }
    return {
        name: 'xnnpack',
        // The wasm backend runs its kernels synchronously inside the op call, so the op call is the
        // work; dataSync() (readback mode) copies the result out of the wasm heap.
        run: readback ? () => { const y = op4(); y.dataSync(); y.dispose(); } : () => { op4().dispose(); },
        output: () => { const y = op4(); const o = nhwcToNchw(y.dataSync(), cout, outH, outW); y.dispose(); return o; },
        dispose: () => { for (const t of [x, b, filter]) if (t) t.dispose(); },
    };
}

async function makeOrt(ort, L) {
    const { cin, h, w, cout, outH, outW, k, s, d, p, op, g, weight, weightShape, bias, kind } = L;
    const model = convModel({ transposed: kind === 'convT', cin, cout, h, w, k, s, d, g, pads: [p, p, p, p], op,
                              outH, outW, weight, weightShape, bias });
    const session = await ort.InferenceSession.create(model, {
        // One thread comes from ort.env.wasm.numThreads = 1 (set by the caller before the first
        // session): no worker threads are started.
        executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential',
    });
    const feeds = { x: new ort.Tensor('float32', L.input, [1, cin, h, w]) };
    const dispose = (r) => { for (const t of Object.values(r)) t.dispose?.(); };
    return {
        name: 'ort',
        // session.run copies the input into its wasm heap and the output out of it: that is its API.
        run: async () => { dispose(await session.run(feeds)); },
        output: async () => { const r = await session.run(feeds); const o = r.y.data.slice(); dispose(r); return o; },
        dispose: async () => { await session.release(); },
    };
}

// ---- one layer -------------------------------------------------------------------------------
async function timeCall(fn, batch = 1) {
    const t = now();
    for (let i = 0; i < batch; ++i) {
        const r = fn();
        if (r && typeof r.then === 'function') await r;
    }
    return (now() - t) / batch;
}

async function warm(e, opts) {
    const t0 = now();
    let n = 0;
    const times = [];
    while (n < opts.warmup || (now() - t0 < opts.warmupMs && n < 200)) {
        times.push(await timeCall(e.run));
        ++n;
    }
    const tail = stats(times.slice(-Math.min(5, times.length)));
    return { calls: n, ms: now() - t0, first: times[0], last: times[times.length - 1], tailMedian: tail.median };
}

function layerParams(engine, L) {
    const info = engine.shapes(L.state);
    if (!info.ok) throw new Error(`state does not plan: ${JSON.stringify(info).slice(0, 300)}`);
    const li = info.layers[0];
    const [ah, aw] = li.axes;
    for (const a of [ah, aw]) {
        if (a.pad_before !== a.pad_after) throw new Error('asymmetric padding is not mapped to the peers');
    }
    if (ah.kernel !== aw.kernel || ah.stride !== aw.stride || ah.dilation !== aw.dilation || ah.pad_before !== aw.pad_before)
        throw new Error('non-square parameters are not mapped to the peers');
    return {
        macs: li.macs, inShape: li.in, outShape: li.out,
        cin: li.in[1], h: li.in[2], w: li.in[3], cout: li.out[1], outH: li.out[2], outW: li.out[3],
        k: ah.kernel, s: ah.stride, d: ah.dilation, p: ah.pad_before, op: ah.output_padding ?? 0,
    };
}

// The ceiling as a pseudo-engine timed in the same interleaved rounds as the layer's engines, so
// it sees the same machine load: "% ceiling" divides by this layer's ceiling median.
function makeCeilingProbe(C, best) {
    const pairs = C._ceiling_pairs(best.variant, best.iters20ms);
    return { name: 'ceiling', pairs, quickWarmup: true,
             run: () => { C._ceiling_run(best.variant, best.iters20ms, 1); }, dispose: () => {} };
}

// Streams the layer's own input + weights and output sizes in its timed rounds (same load, same
// cache level as the layer): "BW GB/s" of the details table, the bandwidth of its roofline.
function makeBandwidthProbe(C, bytes) {
    if (!C._bandwidth_reserve(bytes.read, bytes.write)) throw new Error('bandwidth probe: out of memory');
    return { name: 'bandwidth', quickWarmup: true, bytes: C._bandwidth_bytes(1),
             run: () => { C._bandwidth_run(1, 1); }, dispose: () => {} };
}

async function benchLayer(L0, mods, opts, log, ceilingBest) {
    const { engine, tf, ort } = mods;
    const L = { ...L0, ...layerParams(engine, L0) };
    const res = { id: L.id, desc: L.desc, kind: L.kind, big: L.big, state: L.state, macs: L.macs,
                  inShape: L.inShape, outShape: L.outShape, engines: {}, errors: {} };

    // Ours, and our reference kernels with the same weights and input.
    const ours = makeOurs(engine, L, opts.readback);
    L.input = ours.plan.input().slice();
    const wts = ours.plan.weights(0);
    Object.assign(L, { weight: wts.weight, weightShape: wts.weightShape, bias: wts.bias });
    res.weightFloats = wts.weight.length + (wts.bias ? wts.bias.length : 0);
    L.g = L.kind === 'convT' ? L.cout / wts.weightShape[1] : L.cin / wts.weightShape[1];
    ours.run();
    res.kernel = ours.plan.kernel(0);
    // Why a fallback kernel was picked, when the engine says (newer engines only).
    res.kernelNote = typeof ours.plan.kernelNote === 'function' ? ours.plan.kernelNote(0) || null : null;
    const ourOut = ours.output();
    {
        const ref = engine.plan(L.state, { reference: true });
        try {
            const rw = ref.weights(0);
            if (relErr(rw.weight, wts.weight) !== 0 || (rw.bias && relErr(rw.bias, wts.bias) !== 0))
                throw new Error('the reference plan has different weights');
            ref.setInput(L.input);
            ref.run();
            res.refKernel = ref.kernel(0);
            res.errRef = relErr(ourOut, ref.output(0));
        } finally {
            ref.free();
        }
    }

    const engines = [ours];
    const add = async (name, make) => {
        try {
            const e = await make();
            engines.push(e);
            res.errors[name] = null;
        } catch (err) {
            res.errors[name] = String(err?.message ?? err);
            log(`  ${name}: ${res.errors[name]}`);
        }
    };
    // The threaded run (mods.engine on several threads) also times our single-thread build.
    if (mods.engine1) await add('ours1', () => {
        const e = makeOurs(mods.engine1, L, opts.readback, 'ours1');
        if (relErr(e.plan.weights(0).weight, wts.weight) !== 0) throw new Error('the single-thread plan has different weights');
        e.plan.setInput(L.input);
        e.plan.run();   // its output is compared with ours below (bit for bit: the same kernels)
        return e;
    });
    if (tf) await add('xnnpack', () => makeTf(tf, L, opts.readback));
    if (ort) await add('ort', () => makeOrt(ort, L));

    try {
        // Peers' outputs against ours (same weights, same input): proves they computed this layer.
        res.errPeer = {};
        for (const e of engines.slice(1)) {
            try {
                res.errPeer[e.name] = relErr(await e.output(), ourOut);
            } catch (err) {
                res.errPeer[e.name] = NaN;
                res.errors[e.name] = String(err?.message ?? err);
            }
        }
        // Warm-up, then interleaved timed rounds (with the ceiling probe in every round).
        const probe = makeCeilingProbe(mods.ceiling, ceilingBest);
        const bw = makeBandwidthProbe(mods.ceiling, layerBytes(res));
        const probes = [probe, bw];
        engines.push(probe, bw);
        res.warmup = {};
        const settle = async (e) => { if (opts.settleMs > 0 && !probes.includes(e)) await sleep(opts.settleMs); };
        for (const e of engines) {
            res.warmup[e.name] = await warm(e, e.quickWarmup ? { warmup: 3, warmupMs: e === bw ? 200 : 0 } : opts);
            await settle(e);
        }
        ours.resetInternal();
        // Calls shorter than opts.sampleMs are timed in back-to-back batches (same count in every
        // round), so the browser's coarse performance.now() (0.1 ms without cross-origin
        // isolation) stays below 1 % of a sample; a sample's time is divided by its batch size.
        res.batch = {};
        for (const e of engines) res.batch[e.name] = Math.max(1, Math.min(64, Math.ceil(opts.sampleMs / Math.max(res.warmup[e.name].tailMedian, 1e-3))));
        const times = Object.fromEntries(engines.map((e) => [e.name, []]));
        for (let r = 0; r < opts.runs; ++r) {
            for (let j = 0; j < engines.length; ++j) {
                const e = engines[(r + j) % engines.length];
                times[e.name].push(await timeCall(e.run, res.batch[e.name]));
                await settle(e);
            }
            await sleep(0);  // let the event loop breathe (browser: keeps the page responsive)
        }
        for (const e of engines) if (!probes.includes(e)) res.engines[e.name] = stats(times[e.name]);
        // Paired ratios: median over rounds of ours / peer within the same round (same load).
        res.paired = {};
        for (const e of engines) {
            if (probes.includes(e) || e === ours) continue;
            res.paired[e.name] = stats(times.ours.map((t, r) => t / times[e.name][r])).median;
        }
        const ct = stats(times.ceiling);
        res.ceiling = { gflops: (probe.pairs * 8) / (ct.median * 1e6), best: (probe.pairs * 8) / (ct.min * 1e6), ms: ct };
        const bt = stats(times.bandwidth);
        res.bandwidth = { gbs: bw.bytes / (bt.median * 1e6), best: bw.bytes / (bt.min * 1e6), ms: bt };
        res.ourInternal = stats(ours.internal());
    } finally {
        for (const e of engines) await e.dispose();
    }
    return res;
}

/**
 * Runs everything. mods: { engine (createEngine() result), tf (with the wasm backend set up) or
 * null, ort (configured) or null, ceiling (createCeilingModule() instance), engine1 (optional:
 * when `engine` is the threaded build, the single-thread build, timed as 'ours1') }.
 * Returns a plain object (JSON-safe) that report.mjs turns into the table.
 */
export async function runBench(mods, userOpts = {}, log = console.log) {
    const opts = { ...DEFAULTS, ...userOpts };
    opts.settleMs ??= (mods.engine.threads ?? 1) > 1 ? THREAD_SETTLE_MS : 0;
    if (opts.runs < 10) throw new Error('runs must be >= 10');
    if (opts.warmup < 3) throw new Error('warmup must be >= 3');
    const out = { opts, started: new Date().toISOString(), engineVersion: mods.engine.version, layers: [],
                  threads: mods.engine.threads ?? 1 };
    const { LAYERS } = await import('./layers.mjs');
    out.ceilingBefore = await measureCeiling(mods.ceiling, { ceilingMs: opts.ceilingMs, log });
    out.bandwidthBefore = await measureBandwidth(mods.ceiling, { ceilingMs: opts.ceilingMs, log });
    for (const L of LAYERS) {
        if (opts.layers && !opts.layers.includes(L.id)) continue;
        log(`layer ${L.id}: ${L.desc}`);
        try {
            const r = await benchLayer(L, mods, opts, log, out.ceilingBefore.best);
            const f = (n) => (r.engines[n] ? `${n} ${r.engines[n].median.toFixed(2)} ms` : `${n} -`);
            log(`  ${['ours', 'ours1', 'xnnpack', 'ort'].filter((n) => n !== 'ours1' || r.engines.ours1).map(f).join(', ')}; ceiling ${r.ceiling.gflops.toFixed(1)} GFLOP/s; ` +
                `bandwidth ${r.bandwidth.gbs.toFixed(1)} GB/s; ` +
                `kernel ${r.kernel}; err ${r.errRef.toExponential(1)}`);
            out.layers.push(r);
        } catch (err) {
            log(`  FAILED: ${err?.stack ?? err}`);
            out.layers.push({ id: L.id, desc: L.desc, kind: L.kind, big: L.big, state: L.state, failed: String(err?.message ?? err) });
        }
    }
    out.ceilingAfter = await measureCeiling(mods.ceiling, { ceilingMs: opts.ceilingMs, log });
    out.bandwidthAfter = await measureBandwidth(mods.ceiling, { ceilingMs: opts.ceilingMs, log });
    out.ceiling = Math.max(out.ceilingBefore.gflops, out.ceilingAfter.gflops);
    out.finished = new Date().toISOString();
    return out;
}

// ---- which wasm binaries were loaded ------------------------------------------------------------
// installWasmSpy() wraps WebAssembly.instantiate/compile(+Streaming) before the peers load, and
// records every module's bytes; wasmLoaded() hashes them (SHA-256) so the caller can name the file.
export function installWasmSpy(g = globalThis) {
    if (g.__wasmSpy) return g.__wasmSpy;
    const spy = { seen: [] };
    const W = g.WebAssembly;
    const record = (via, bytes, url) => {
        if (bytes instanceof W.Module) { spy.seen.push({ via, url, module: true }); return; }
        const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
            : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        spy.seen.push({ via, url, bytes: u8.slice() });
    };
    for (const fn of ['instantiate', 'compile']) {
        const orig = W[fn];
        W[fn] = function (src, ...rest) { try { record(fn, src, null); } catch {} return orig.call(this, src, ...rest); };
    }
    for (const fn of ['instantiateStreaming', 'compileStreaming']) {
        const orig = W[fn];
        if (!orig) continue;
        W[fn] = async function (src, ...rest) {
            const resp = await src;
            try { record(fn, await resp.clone().arrayBuffer(), resp.url); } catch {}
            return orig.call(this, resp, ...rest);
        };
    }
    g.__wasmSpy = spy;
    return spy;
}

export async function sha256Hex(u8) {
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', u8));
    return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function wasmLoaded(spy) {
    const out = [];
    for (const s of spy.seen) {
        if (s.module) { out.push({ via: s.via, url: s.url, module: true }); continue; }
        out.push({ via: s.via, url: s.url, bytes: s.bytes.length, sha256: await sha256Hex(s.bytes) });
    }
    return out;
}
