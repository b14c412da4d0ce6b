// convplay's headless engine for JavaScript, in browsers and Node: shapes, explanations, and
// layer stacks run by the wasm (SIMD128) kernels. No UI.
//
//   import { createEngine } from './engine.mjs';
//   const engine = await createEngine();            // loads convplay_engine.js/.wasm beside this file
//   engine.shapes('v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1)');   // per-layer table (object)
//   engine.defaultState(), engine.linkState(location.hash)   // first-visit state; a link's state text
//   engine.gallery();                               // [{id, group, title, note, state}], the gallery
//   const r = engine.run('v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu');
//   r.layers[0].shape, r.layers[0].output (Float32Array, NCHW), r.layers[0].kernel, r.layers[0].ms
//
// For repeated runs (sliders, benchmarks) plan once and run many times:
//   const plan = engine.plan(state);       // throws Error(message) for an unparsable state
//   plan.input().set(myFloat32Array);      // NCHW, plan.inputSize floats (a view into wasm memory)
//   plan.drawSample();                      // or the state's built-in image again, as plan() drew it
//   const ms = plan.run();                 // all runnable layers; plan.run(k) reruns from layer k
//   plan.runOne(i); plan.update(nextState) // one layer; re-plan keeping the unchanged layers
//   plan.output(i), plan.outputRanges(i), plan.kernel(i), plan.kernelNote(i), plan.layerBytes(i), plan.ms(i),
//   plan.weights(i), plan.stats(); plan.free();
//
// Options: { moduleUrl } (browser: URL of convplay_engine.js), { modulePath } (Node: its path),
// { factory } (an already loaded createConvplayModule), { threads } (default 1: the threads each
// layer's kernel splits its work over; only the threaded build, convplay_engine_mt.js, which
// needs SharedArrayBuffer, gives more than 1: engine.threads says what was given. Outputs are
// bit-identical for any count), { moduleArgs } (passed to the factory).
//
// Layer indices in this API (explain, plan.*) count from 0; the `layer` fields of the shapes
// object and every message count from 1.

const isNode = typeof process !== 'undefined' && process.versions && process.versions.node &&
    typeof window === 'undefined';

async function loadFactory(opts) {
    if (opts.factory) return { factory: opts.factory, args: {} };
    if (isNode) {
        const { createRequire } = await import('node:module');
        const { readFileSync } = await import('node:fs');
        const { fileURLToPath } = await import('node:url');
        const path = opts.modulePath ?? fileURLToPath(new URL('./convplay_engine.js', import.meta.url));
        const require = createRequire(import.meta.url);
        // Hand the .wasm bytes over ourselves: Emscripten 3.1.6 would fetch() a file path under
        // Node 20 and fail.
        return { factory: require(path), args: { wasmBinary: readFileSync(path.replace(/\.js$/, '.wasm')) } };
    }
    if (!globalThis.createConvplayModule) {
        const url = opts.moduleUrl ?? new URL('./convplay_engine.js', import.meta.url).href;
        await loadScript(url);
    }
    return { factory: globalThis.createConvplayModule, args: {} };
}

// Loads a classic script into the page (Emscripten's non-module builds define a global factory);
// also used by the benchmark page for its peers' scripts.
export function loadScript(url) {
    return new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = url;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${url}`));
        document.head.appendChild(s);
    });
}

// cp_shapes_json(text) -> JSON text on an instantiated module. The text is copied in through
// malloc (cwrap's 'string' would put up to 64 KiB on the wasm stack); the result is copied out at
// once (its pointer lives until the next call). The one wrapper of cp_shapes_json: the shape page,
// the tests and the benchmark use it.
export function shapesJson(M, text) {
    return withHeapString(M, text, (ptr) => M.UTF8ToString(M._cp_shapes_json(ptr)));
}

// Calls fn(pointer) with `text` copied into the wasm heap (not the stack: a state may be 64 KiB).
function withHeapString(M, text, fn) {
    const size = M.lengthBytesUTF8(text) + 1;
    const ptr = M._malloc(size);
    try {
        M.stringToUTF8(text, ptr, size);   // re-reads HEAPU8 after a possible growth
        return fn(ptr);
    } finally {
        M._free(ptr);
    }
}

export async function createEngine(opts = {}) {
    const { factory, args } = await loadFactory(opts);
    const threads = Math.max(1, Math.floor(opts.threads ?? 1));
    // The threaded build starts cpPoolSize Workers with the module (the caller is the first
    // thread); the single-thread build ignores it. At least one: Emscripten 3.1.6 waits for the
    // pool's Workers to load before the module resolves, and with none it never resolves.
    const M = await factory({ ...args, cpPoolSize: Math.max(1, threads - 1), ...(opts.moduleArgs ?? {}) });
    const api = {
        version: M.cwrap('cp_version', 'string', []),
        defaultState: M.cwrap('cp_default_state', 'string', []),
        linkState: M.cwrap('cp_link_state', 'string', ['string']),
        explain: M.cwrap('cp_explain_text', 'string', ['string', 'number']),
        gallery: M.cwrap('cp_gallery_json', 'string', []),
        lastError: M.cwrap('cp_last_error', 'string', []),
        create: M.cwrap('cp_plan_create', 'number', ['string', 'number']),
        free: M.cwrap('cp_plan_free', null, ['number']),
        runnable: M.cwrap('cp_plan_runnable', 'number', ['number']),
        layers: M.cwrap('cp_plan_layers', 'number', ['number']),
        input: M.cwrap('cp_plan_input', 'number', ['number']),
        inputSize: M.cwrap('cp_plan_input_size', 'number', ['number']),
        drawSample: M.cwrap('cp_plan_draw_sample', 'number', ['number']),
        run: M.cwrap('cp_plan_run', 'number', ['number', 'number']),
        runOne: M.cwrap('cp_plan_run_one', 'number', ['number', 'number']),
        update: M.cwrap('cp_plan_update', 'number', ['number', 'number']),
        output: M.cwrap('cp_plan_output', 'number', ['number', 'number']),
        outputSize: M.cwrap('cp_plan_output_size', 'number', ['number', 'number']),
        outputRanges: M.cwrap('cp_plan_output_ranges', 'number', ['number', 'number']),
        outputShape: M.cwrap('cp_plan_output_shape', 'string', ['number', 'number']),
        kernel: M.cwrap('cp_plan_kernel', 'string', ['number', 'number']),
        kernelNote: M.cwrap('cp_plan_kernel_note', 'string', ['number', 'number']),
        layerBytes: M.cwrap('cp_plan_layer_bytes', 'number', ['number', 'number']),
        ms: M.cwrap('cp_plan_ms', 'number', ['number', 'number']),
        weight: M.cwrap('cp_plan_weight', 'number', ['number', 'number']),
        weightSize: M.cwrap('cp_plan_weight_size', 'number', ['number', 'number']),
        weightShape: M.cwrap('cp_plan_weight_shape', 'string', ['number', 'number']),
        bias: M.cwrap('cp_plan_bias', 'number', ['number', 'number']),
        biasSize: M.cwrap('cp_plan_bias_size', 'number', ['number', 'number']),
        bytes: M.cwrap('cp_plan_bytes', 'number', ['number']),
        stats: M.cwrap('cp_plan_stats', 'string', ['number']),
        imageData: M.cwrap('cp_image_data', 'number', []),
        imageSize: M.cwrap('cp_image_size', 'number', []),
        imageDims: M.cwrap('cp_image_dims', 'string', []),
        imageMessage: M.cwrap('cp_image_message', 'string', []),
        imageRanges: M.cwrap('cp_image_ranges', 'number', []),
        imageBrowserFormat: M.cwrap('cp_image_browser_format', 'string', []),
        runTrace: M.cwrap('cp_run_trace', 'string', ['number']),
    };
    // Views into wasm memory must be made after any growth: always build them fresh.
    const view = (ptr, n) => new Float32Array(M.HEAPF32.buffer, ptr, n);
    const dims = (s) => (s ? s.split('x').map(Number) : []);
    // Calls decode(pointer) with `bytes` copied into the wasm heap, and reads the decoder's
    // result (cp_image_*).
    const withHeapBytes = (bytes, decode) => {
        const p = M._malloc(Math.max(1, bytes.length));
        try {
            M.HEAPU8.set(bytes, p);
            if (!decode(p)) return { ok: false, message: api.imageMessage(), browserFormat: api.imageBrowserFormat() };
            const shape = dims(api.imageDims());
            return { ok: true, data: view(api.imageData(), api.imageSize()).slice(), shape,
                     ranges: ranges(api.imageRanges(), shape), notice: api.imageMessage() };
        } finally {
            M._free(p);
        }
    };
    // Per-plane ranges (engine/ranges.hpp) at `ptr` of a tensor shaped `d`: lo of its N*C planes, then hi.
    const ranges = (ptr, d) => view(ptr, 2 * d[0] * d[1]).slice();

    function plan(state, { reference = false } = {}) {
        const h = api.create(state, reference ? 1 : 0);
        if (!h) throw new Error(api.lastError());
        let alive = true;
        const check = (i) => {
            if (!alive) throw new Error('this plan was freed');
            if (i !== undefined && !(i >= 0 && i < api.runnable(h))) throw new Error(`layer ${i} did not run`);
        };
        return {
            handle: h,
            layerCount: api.layers(h),
            runnable: api.runnable(h),
            inputSize: api.inputSize(h),
            bytes: api.bytes(h),
            input() { check(); return view(api.input(h), api.inputSize(h)); },
            setInput(data) {
                check();
                if (data.length !== this.inputSize) throw new Error(`input has ${data.length} values, the plan needs ${this.inputSize}`);
                this.input().set(data);
            },
            // The state's built-in image drawn into the input again (as plan() did; after an
            // update() that returned 0 it is zeros); false for img=upload.
            drawSample() { check(); return api.drawSample(h) === 1; },
            run(from = 0) { check(); return api.run(h, from); },
            // Layer i alone (layer i-1's output must be current); its milliseconds.
            runOne(i) { check(i); return api.runOne(h, i); },
            // Re-plans for a new state keeping every layer before the first that differs; returns
            // that layer's index (0: the input must be set again). Throws for a refused state
            // (the plan is then unchanged).
            update(next) {
                check();
                const first = withHeapString(M, next, (p) => api.update(h, p));
                if (first < 0) throw new Error(api.lastError());
                this.runnable = api.runnable(h);
                this.layerCount = api.layers(h);
                this.inputSize = api.inputSize(h);
                this.bytes = api.bytes(h);
                return first;
            },
            shape(i) { check(i); return dims(api.outputShape(h, i)); },
            outputView(i) { check(i); return view(api.output(h, i), api.outputSize(h, i)); },
            output(i) { return this.outputView(i).slice(); },
            // min and max of each of its N*C planes: Float32Array [lo..., hi...]
            outputRanges(i) { check(i); return ranges(api.outputRanges(h, i), this.shape(i)); },
            kernel(i) { check(i); return api.kernel(h, i); },
            // why a layer runs on a fallback kernel ('' on the fast path)
            kernelNote(i) { check(i); return api.kernelNote(h, i); },
            // bytes held for layer i: output, weights (made + packed), scratch
            layerBytes(i) { check(i); return api.layerBytes(h, i); },
            ms(i) { check(i); return api.ms(h, i); },
            weights(i) {
                check(i);
                const w = api.weight(h, i);
                if (!w) return null;
                const b = api.bias(h, i);
                return {
                    weight: view(w, api.weightSize(h, i)).slice(),
                    weightShape: dims(api.weightShape(h, i)),
                    bias: b ? view(b, api.biasSize(h, i)).slice() : null,
                };
            },
            // what re-planning made and kept so far: {weightsMade, weightsKept, kernelsMade,
            // layersKept, outputsMade, outputsKept}
            stats() { check(); return JSON.parse(api.stats(h)); },
            free() { if (alive) { api.free(h); alive = false; } },
        };
    }

    return {
        module: M,
        version: api.version(),
        // The threads every plan of this engine runs its kernels on: 1 in the single-thread build.
        threads: M._cp_set_threads(threads),
        defaultState: api.defaultState,
        // The state text of a link, fragment ("#v=1&...") or bare state, percent-decoded by the codec.
        linkState: (text) => api.linkState(text),
        shapesJson: (state) => shapesJson(M, state),
        shapes: (state) => JSON.parse(shapesJson(M, state)),
        explain: (state, layer) => api.explain(state, layer),
        // The classic cases and odd-size examples (core/gallery): [{id, group, title, note, state}]
        gallery: () => JSON.parse(api.gallery()),
        plan,
        // The benchmark's view of the threads (cp_run_trace): runTrace(true) records every
        // threaded kernel call from then on, runTrace(false) stops; both return the last call
        // recorded, {chunks, threads: [{join, end, chunks}]} (ms from the call's start; thread 0
        // is the caller; a thread of 0 chunks never joined).
        runTrace: (on) => JSON.parse(api.runTrace(on ? 1 : 0)),
        // An image file's bytes (Uint8Array) decoded as the playground decodes an upload (its pixel
        // budget, downscaled beyond it) to `channels` (1, 3, 4) planes in [0, 1]:
        // { ok: true, data: Float32Array, shape: [1, C, H, W], ranges, notice } or
        // { ok: false, message, browserFormat } (ranges: each plane's min and max, as
        // plan.outputRanges; browserFormat: 'WebP' or 'AVIF' when only the engine's decoder lacks
        // the format, and the browser's should be tried: then imageFromRgba).
        decodeImage(bytes, channels, name) {
            return withHeapBytes(bytes, (p) => withHeapString(M, name, (n) => M._cp_image_decode(p, bytes.length, channels, n)));
        },
        // RGBA pixels (Uint8ClampedArray or Uint8Array, width * height * 4: a browser-decoded
        // WebP or AVIF) to planes with the same budget and conversions; the same results.
        imageFromRgba(rgba, width, height, channels, name) {
            return withHeapBytes(rgba, (p) => withHeapString(M, name, (n) => M._cp_image_from_rgba(p, width, height, channels, n)));
        },
        // One-shot: plan, optionally set the input, run, copy every output, free.
        run(state, input, { reference = false } = {}) {
            const info = JSON.parse(shapesJson(M, state));
            let p;
            try {
                p = plan(state, { reference });
            } catch (e) {
                return { ok: false, error: e.message, info };
            }
            try {
                if (input) p.setInput(input);
                p.run();
                const layers = [];
                for (let i = 0; i < p.runnable; ++i)
                    layers.push({ index: i, name: info.layers[i].name, shape: p.shape(i), kernel: p.kernel(i),
                                  kernelNote: p.kernelNote(i), bytes: p.layerBytes(i), ms: p.ms(i),
                                  output: p.output(i) });
                const ok = p.runnable === p.layerCount;
                return { ok, error: ok ? null : info.layers[p.runnable].error, info, layers };
            } finally {
                p.free();
            }
        },
    };
}
