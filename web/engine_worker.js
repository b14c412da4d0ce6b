// convplay's engine Worker: runs the playground's layers off the page's main thread, so the page
// stays interactive whatever the stack. Started by engine_runner.js; loads the engine wasm
// (convplay_engine.js, the build web/engine.mjs wraps) and keeps one plan, re-planned for each
// state with plan.update() so unchanged layers keep their weights, buffers and outputs.
//
// page -> worker, in the Worker's name (not a message: see below), as JSON: {link, cap}, the state the
//   app will load (`link`: the page's URL fragment, or the default state when it has none or it
//   does not parse), planned and run as soon as the engine is loaded, while the app's own code
//   loads, each output (a layer whole, while they total at most `cap` floats) sent as
//   {type: 'output', pre: state, when, ...} with the state's canonical text, which the page
//   keeps for the app's first request (engine_runner.js); {type: 'start' | 'end', pre: state,
//   layer, when (start)} around each layer; then {type: 'predone', when} (also when it stopped early). The app's first request supersedes it between
//   layers like any other; what it computed is kept.
// page -> worker: {type: 'run', run, state, from, piece, inputVersion, recycle, recycleMax, input? | upload? | sample?}
//   compute the layers `from`.. (0-based) of `state` for run `run`, each output sent in pieces of
//   at most `piece` floats (recycle: the buffers of earlier pieces, transferred back once the page
//   copied them: later pieces are copied into them, not into new ones; recycleMax: how many to
//   keep at most); the input comes only when
//   `inputVersion` is new: `input` (Float32Array, the app's input values), or `upload`: the id of
//   the upload whose values this worker keeps ('keep' below; the input is that image, repeated for
//   each batch item), so the page need not copy them out of its memory again, or `sample`: the
//   state's built-in image, drawn here (plan.drawSample: the function the app draws it with).
// page -> worker: {type: 'recycle', buffers, recycleMax, piece}: more buffers of pieces the page copied,
//   given back between requests (the page gives every one back, a few at a time), kept as a
//   request's `recycle`.
// page -> worker: {type: 'decode', id, bytes, channels, name}: an uploaded file decoded by the
//   engine's decoder with the playground's budget (engine.decodeImage), between layers (WebP and
//   AVIF, which that decoder lacks, by the browser's: browserDecode below);
//   answered by {type: 'decoded', id, ok, data, shape, ranges, notice} or {type: 'decoded', id,
//   ok: false, message}.
// page -> worker: {type: 'keep', id, data}: decode `id`'s values (its `data`, transferred back once
//   the page copied them), which this worker keeps as a request's `upload` until the next keep;
//   the page names that upload in a request only after it gave them back. A request takes the
//   kept values it names when it arrives (a decode or keep after it changes nothing for it).
// worker -> page: {type: 'started', when} as this script begins; {type: 'ready', threads, isolated, build, when} once the engine is loaded (threads:
//   what each layer's kernel splits over; isolated: self.crossOriginIsolated; build: the file);
//   {type: 'output', run, layer, at, total, data, ranges?, ms?, kernel?} for each layer in order,
//   in pieces: data holds its values at..at+data.length of total (the page copies each piece
//   into its memory in a task of its own, so no task copies a whole big layer); the last piece
//   also has ranges (the min and max of each of its N*C planes, lo then hi, which the page's
//   colormap needs and would otherwise scan the values for on its main thread), ms and kernel;
//   data and ranges are transferred (data may be the start of a larger buffer), or, in the
//   threaded build, data is a view of this Worker's shared memory (sendOutput says why that is safe);
//   {type: 'start' | 'end', run, layer, when (start)} around each layer it runs; {type: 'superseded', run};
//   {type: 'done', run, ran, work, kernels, stats} (work: the run's own milliseconds in this
//   Worker, waits excluded; kernels: the part of it inside the layers' kernels; stats: its
//   counters, plan.stats() (what re-planning made and kept) and stats.run, where this run's
//   time went: {received, applyMs, rangesMs, sendMs, when} (received: when its request reached
//   this Worker; applyMs: re-planning and the input; rangesMs, sendMs: the outputs' ranges and
//   their messages; when: as it ended), which tests/web/ui_timing.mjs prints);
//   {type: 'refused', run, message} (the engine refused the state: no memory for its
//   plan, a budget; the page shows the message and keeps this Worker); {type: 'resend', run}
//   (the request named an upload this worker does not keep: the page asks again with the input's
//   values; nothing was computed); {type: 'failed', run,
//   message} (anything else: the page then runs the layers itself).
// A newer request supersedes the one running: the worker looks for it between layers (it yields
// to its event loop after each layer). Inside a layer it cannot stop (the kernels run a layer in
// one call): a layer whose values went stale and that runs on is stopped by the page, which
// replaces this worker with a fresh one (engine_runner.js).
//
// Threads: on a cross-origin isolated page (served with COOP/COEP: scripts/serve.sh) the Worker
// has SharedArrayBuffer and loads the threaded build, convplay_engine_mt.js, on
// min(hardwareConcurrency, MAX_THREADS) threads (its pthreads are Workers of this Worker).
// Anywhere else (an embed on an ordinary host page, a plain static server) it loads the
// single-thread build, quietly: no error, no warning, the same numbers.
'use strict';

// First, before any script loads: the page holds the app's start-up (its GL context, a long
// synchronous wait on the GPU process) until this Worker runs, since starting a Worker needs a
// free moment of the page's main thread (engine_runner.js, whenStarted).
// `when` (here and in 'ready', 'predone', 'start' and the link's outputs): in milliseconds since the
// epoch (performance.timeOrigin + now()), so the page can tell when it happened rather than when
// its busy main thread heard of it.
const now = () => performance.timeOrigin + performance.now();
postMessage({ type: 'started', when: now() });

// The link's state comes in this Worker's name, which it has from its first moment. A message
// would not: the page's messages to a Worker wait (in the page) until the page's main thread has
// heard that the Worker's script ran, and the app's start-up holds that thread for 300-800 ms
// (its GL context), while this Worker would sit idle with its engine loaded. Only that Worker
// has a name (the JSON of {link, cap}); the page's other Workers have none.

// A cap, as each thread is a Worker with its own instance of the engine (and its stack, started
// with the page). 4 is a judgement, not a measurement: the machines here have 2 cores.
const MAX_THREADS = 4;
const ISOLATED = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
const SINGLE = 'convplay_engine.js', THREADED = 'convplay_engine_mt.js';

// The build this Worker loads: the threaded one only where it can run.
function loadBuild() {
    if (wantsThreads) {
        try {
            importScripts(THREADED);
            return THREADED;
        } catch (e) {
            console.warn(`convplay: ${THREADED} did not load (${e && e.message || e}); one thread`);
        }
    }
    importScripts(SINGLE);
    return SINGLE;
}
// The engine's wasm is fetched and compiled from here on, while its scripts load (their fetches
// would otherwise come one after another: convplay_engine.js, engine.mjs, then the wasm).
const compiling = new Map();   // script file -> a promise of its compiled module (null: none)
function compileWasm(file) {
    if (!compiling.has(file)) {
        const url = file.replace(/\.js$/, '.wasm');
        const streamed = typeof WebAssembly.compileStreaming === 'function'
            ? WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }))
            : Promise.reject(new Error('no compileStreaming'));
        // Not served as application/wasm: compiled from its bytes; a failure leaves the loading to
        // Emscripten's own loader, which reports it.
        compiling.set(file, streamed
            .catch(() => fetch(url, { credentials: 'same-origin' })
                .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.arrayBuffer(); })
                .then((bytes) => WebAssembly.compile(bytes)))
            .catch(() => null));
    }
    return compiling.get(file);
}
const wantsThreads = ISOLATED && (navigator.hardwareConcurrency || 1) > 1;
compileWasm(wantsThreads ? THREADED : SINGLE);
const engineModule = import('./engine.mjs');
engineModule.catch(() => {});   // reported where it is awaited
let build = loadBuild();

let engine = null;
let plan = null;
let computed = 0;          // layers of `plan` whose outputs match its state and input
let inputVersion = -1;
const PRE = 'pre';         // inputVersion of a plan the link's early run made (its input: the state's image)
let ms = [];
let next = null;           // the newest request not started yet
let kept = null;           // {id, data}: the upload whose values came back last (keep), a request's `upload`
let awaitingKeep = 0;      // the last decode whose values went to the page: the only id a keep may bring
let running = false;
if (self.name !== '') {
    try {
        const { link, cap } = JSON.parse(self.name);
        next = { pre: true, link: String(link), cap: Number(cap) || 0 };
    } catch (e) {
        // Not ours: nothing runs before the app asks.
    }
}
// piecesShared: output pieces sent as views of the shared memory; buffersMade / buffersReused:
// pieces copied into a new buffer / into one the page gave back; buffersNotKept: buffers the page
// gave back that were not kept (recycle).
const stats = { runs: 0, layersRun: 0, superseded: 0, piecesShared: 0, buffersMade: 0, buffersReused: 0, buffersNotKept: 0 };

// A macrotask turn, cheaper than setTimeout's clamp: lets a newer request's message in.
const channel = new MessageChannel();
const turns = [];
channel.port1.onmessage = () => turns.shift()();
const yieldTurn = () => new Promise((resolve) => { turns.push(resolve); channel.port2.postMessage(0); });

// The engine refusing a state (not enough memory for its plan, a budget): the page shows the
// message in place of the outputs and keeps asking this Worker. An update that is refused leaves
// the plan at its previous state.
class Refusal extends Error {}
// A request naming an upload this worker does not keep (it was swapped in, or the page named one
// it never gave back): nothing is changed, and the page sends the input's values instead.
class Resend extends Error {}

function apply(req) {
    if (req.upload && !req.uploadData) throw new Resend(`upload ${req.upload} is not kept here`);
    let fresh = false, first = 0;
    try {
        if (!plan) {
            plan = engine.plan(req.state);   // its input: the state's image (or zeros for img=upload)
            computed = 0;
            fresh = true;
        } else {
            first = plan.update(req.state);
            computed = Math.min(computed, first);
        }
    } catch (e) {
        throw new Refusal(String(e && e.message || e));
    }
    if (req.upload) {
        // The app's input: the image repeated for each batch item (Session::fill_input).
        const input = plan.input(), item = req.uploadData;
        for (let at = 0; at < input.length; at += item.length) input.set(item.subarray(0, Math.min(item.length, input.length - at)), at);
    }
    if (req.input) plan.setInput(req.input);
    // The state's image: drawn unless the plan has it already (made just now, or by 'pre' for a
    // state whose input is the same: an update that kept any layer kept the input's size, image
    // and seed).
    const drawn = req.sample && !fresh && !(inputVersion === PRE && first > 0);
    if (drawn) plan.drawSample();
    if (req.input || req.upload || req.sample) {
        inputVersion = req.inputVersion;
        if (req.input || req.upload || drawn) computed = 0;
    } else if (req.inputVersion !== inputVersion) {
        throw new Error(`input ${req.inputVersion} was never sent (the worker has ${inputVersion})`);
    }
    ms.length = plan.runnable;
}

// The link's early run (the Worker's name): the state the app is about to load, run before it asks (see the top). A
// state the engine refuses is left for the app's request to report.
async function preRun(req) {
    try {
        await preLayers(req);
    } finally {
        if (!req.told) postMessage({ type: 'predone', when: now() });
    }
}

async function preLayers(req) {
    let shapes = engine.shapes(req.link);
    if (typeof shapes.state !== 'string') shapes = engine.shapes(engine.defaultState());   // as the app falls back
    const state = shapes.state;
    // A link never carries an uploaded image: the app shows another image then (Session::load_text).
    if (/(^|&)img=upload(&|$)/.test(state)) return;
    try {
        plan = engine.plan(state);
    } catch (e) {
        return;
    }
    computed = 0;
    inputVersion = PRE;
    ms.length = plan.runnable;
    let sent = 0;   // floats sent; the page keeps at most req.cap of them
    for (let i = 0; i < plan.runnable; i++) {
        const n = plan.outputView(i).length;
        if (!req.told && sent + n > req.cap) {
            // This layer and the rest come when the app asks: the page need not wait for them.
            postMessage({ type: 'predone', when: now() });
            req.told = true;
        }
        postMessage({ type: 'start', pre: state, layer: i, when: now() });
        ms[i] = plan.runOne(i);
        computed = i + 1;
        stats.layersRun++;
        postMessage({ type: 'end', pre: state, layer: i });
        if (!req.told) {
            sent += n;
            sendOutput({ run: 0, pre: state, piece: n }, i);
        }
        await yieldTurn();
        if (next) return;
    }
}

async function runRequest(req) {
    if (req.pre) return preRun(req);
    stats.runs++;
    // This run's own time (ms): re-planning, layers, ranges, output copies; not its waits.
    let work = 0, kernels = 0, since = performance.now();
    const spent = { received: req.received, applyMs: 0, rangesMs: 0, sendMs: 0 };
    try {
        apply(req);
        spent.applyMs = performance.now() - since;
    } catch (e) {
        if (e instanceof Refusal) {
            // The request's input, if it had one, was not taken: the page sends it again.
            postMessage({ type: 'refused', run: req.run, message: e.message });
            return;
        }
        if (e instanceof Resend) {
            postMessage({ type: 'resend', run: req.run });
            return;
        }
        // The plan is dropped: the next request starts from a fresh one.
        if (plan) plan.free();
        plan = null;
        inputVersion = -1;
        postMessage({ type: 'failed', run: req.run, message: String(e && e.message || e) });
        return;
    }
    let ran = 0;
    for (let i = Math.min(req.from, computed); i < plan.runnable; i++) {
        if (i >= computed) {
            postMessage({ type: 'start', run: req.run, layer: i, when: now() });
            ms[i] = plan.runOne(i);
            kernels += ms[i];
            computed = i + 1;
            ran++;
            stats.layersRun++;
            postMessage({ type: 'end', run: req.run, layer: i });
        }
        if (i >= req.from) sendOutput(req, i, spent);
        work += performance.now() - since;
        await yieldTurn();
        since = performance.now();
        if (next) {
            stats.superseded++;
            postMessage({ type: 'superseded', run: req.run });
            return;
        }
    }
    work += performance.now() - since;
    spent.when = now();
    postMessage({ type: 'done', run: req.run, ran, work, kernels, stats: { ...stats, plan: plan.stats(), run: spent } });
}

// Buffers the page gave back once it had copied a piece out of them (every one: a request's
// `recycle`, or a 'recycle' message between them): the next pieces are copied into them, so an
// edit does not allocate (and fault in, page by page) a fresh buffer for each layer. At most
// recycleMax are kept (the largest); the rest are this Worker's garbage, collected on its thread,
// not the page's.
const spares = [];
let spareMax = 0, pieceFloats = 0;
function recycle(buffer) {
    // Too big for any piece (pieceArray takes at most twice a piece's bytes): the link's early
    // layers, sent whole, would otherwise stay here for good as the largest kept.
    if (!(buffer instanceof ArrayBuffer) || !buffer.byteLength) return;
    if (buffer.byteLength > 8 * pieceFloats) {
        stats.buffersNotKept++;
        return;
    }
    spares.push(buffer);
    while (spares.length > spareMax) {
        spares.splice(spares.indexOf(spares.reduce((a, b) => (b.byteLength < a.byteLength ? b : a))), 1);
        stats.buffersNotKept++;
    }
}
// The buffers of pieces the page copied (a request's `recycle`, or a 'recycle' message's `buffers`).
function takeBack(d, buffers) {
    spareMax = Math.max(0, Math.min(64, Number(d.recycleMax) || 0));
    // A 'recycle' message can come before the first request (a link's early layers taken).
    if (Number(d.piece) > 0) pieceFloats = Number(d.piece);
    if (Array.isArray(buffers)) buffers.forEach(recycle);
}
// A Float32Array of n floats: in the smallest kept buffer that holds them, unless that would hand
// the page more than twice the bytes; else a new one.
function pieceArray(n) {
    let best = -1;
    for (let k = 0; k < spares.length; k++) {
        const b = spares[k].byteLength;
        if (b >= 4 * n && b <= 8 * n && (best < 0 || b < spares[best].byteLength)) best = k;
    }
    if (best < 0) {
        stats.buffersMade++;
        return new Float32Array(n);
    }
    stats.buffersReused++;
    return new Float32Array(spares.splice(best, 1)[0], 0, n);
}

// Layer i's output in pieces of at most req.piece floats (at least one message, even when empty).
// The threaded build's memory is a SharedArrayBuffer: a piece is then a view of the plan's own
// output, which the page copies from directly (no copy here). That is safe because this Worker
// writes layer i's output only while running a request, and the page sends a new request only
// after its app moved on to a new run: by then it has copied every piece of the old run it will
// use, and refuses the ones still queued (their run is stale: cp_app_output_slot).
// spent (optional): its rangesMs and sendMs grow by this layer's.
function sendOutput(req, i, spent) {
    const t0 = performance.now();
    const ranges = plan.outputRanges(i);   // first: it may grow the memory under any view
    const t1 = performance.now();
    const total = plan.outputView(i).length, piece = Math.max(1, req.piece || total);
    let at = 0;
    do {
        const view = plan.outputView(i).subarray(at, at + piece), n = view.length;
        // (The link's layers, which the page keeps until the app asks, may be views too: this plan
        // writes no output again before that request, and the page then copies them at once.)
        const shared = typeof SharedArrayBuffer === 'function' && view.buffer instanceof SharedArrayBuffer;
        const data = shared ? view : pieceArray(n);
        if (shared) stats.piecesShared++;
        else data.set(view);
        const last = at + n >= total;
        const msg = { type: 'output', run: req.run, layer: i, at, total, data };
        if (req.pre) Object.assign(msg, { pre: req.pre, when: now() });
        if (last) Object.assign(msg, { ranges, ms: ms[i], kernel: plan.kernel(i) });
        const transfer = shared ? [] : [data.buffer];   // a transferred buffer is empty here from now on
        if (last) transfer.push(ranges.buffer);
        postMessage(msg, transfer);
        at += n;
    } while (at < total);
    if (spent) {
        spent.rangesMs += t1 - t0;
        spent.sendMs += performance.now() - t1;
    }
}

async function drain() {
    running = true;
    try {
        while (next) {
            const req = next;
            next = null;
            try {
                await runRequest(req);
            } catch (e) {
                // A throw after apply() (a layer, an output's ranges or pieces): as a failed apply,
                // the plan goes and the page is told (it then runs the layers itself), rather than
                // this worker staying busy for good and every later request waiting behind it.
                if (plan) plan.free();
                plan = null;
                inputVersion = -1;
                postMessage({ type: 'failed', run: req.run || 0, message: String(e && e.message || e) });
            }
        }
    } finally {
        running = false;
    }
}

const decodes = [];         // decode requests that came before the engine
let decoding = Promise.resolve();  // decodes run one after another, answered in order
const queueDecode = (d) => { decoding = decoding.then(() => decode(d)); };

// WebP and AVIF, which the engine's decoder (stb) lacks, once the engine has checked the size the
// file declares: the browser's decoder, then the engine's budget and conversions
// (imageFromRgba). Raw values, as stb gives them: no colour-profile conversion; alpha is not
// premultiplied into the colours (a canvas keeps it premultiplied, so a half-transparent
// pixel's colour can be off by a rounding step).
async function browserDecode(d, format) {
    let bitmap;
    try {
        bitmap = await createImageBitmap(new Blob([d.bytes]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (e) {
        return { ok: false, message: `${d.name} is a corrupt or truncated ${format} file (the browser could not decode it)` };
    }
    try {
        const { width, height } = bitmap;
        const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
        ctx.drawImage(bitmap, 0, 0);
        return engine.imageFromRgba(ctx.getImageData(0, 0, width, height).data, width, height, d.channels, d.name);
    } finally {
        bitmap.close();
    }
}

async function decode(d) {
    let r;
    try {
        r = engine.decodeImage(d.bytes, d.channels, d.name);
        if (!r.ok && r.browserFormat && self.createImageBitmap && self.OffscreenCanvas) r = await browserDecode(d, r.browserFormat);
    } catch (e) {
        r = { ok: false, message: `${d.name} could not be decoded (${e && e.message || e})` };
    }
    // The values go to the page, which copies them into its memory and gives the buffer back
    // ({type: 'keep'}): this Worker keeps it, with no copy of its own (a copy here and the page's
    // buffer thrown away were two more of the image's size per upload, and the page's one came
    // back as a long garbage collection of its main thread). Until then the upload kept before
    // stays: the page's input is that one, and may be named, until the new one is back; a decode
    // that fails changes nothing.
    if (r.ok) awaitingKeep = d.id;
    postMessage({ type: 'decoded', id: d.id, ...r }, r.ok ? [r.data.buffer, r.ranges.buffer] : []);
}

onmessage = (e) => {
    const d = e.data;
    if (d && d.type === 'decode') {
        if (engine) queueDecode(d);
        else decodes.push(d);
        return;
    }
    if (d && d.type === 'keep') {
        if (d.id === awaitingKeep && d.data instanceof Float32Array) {
            kept = { id: d.id, data: d.data };
            awaitingKeep = 0;
        }
        return;
    }
    if (d && d.type === 'recycle') {
        takeBack(d, d.buffers);
        return;
    }
    if (!d || d.type !== 'run') return;
    d.received = now();
    takeBack(d, d.recycle);
    // The upload's values as of now: a decode or keep that comes while this request waits or runs
    // does not change the input it names.
    if (d.upload) d.uploadData = kept && kept.id === d.upload ? kept.data : null;
    // An input nobody has read yet must not be lost when this request supersedes its carrier.
    if (next && (next.input || next.upload) && !d.input && !d.upload && next.inputVersion === d.inputVersion) {
        d.input = next.input;
        d.upload = next.upload;
        d.uploadData = next.uploadData;
    }
    next = d;
    if (engine && !running) drain();
};

// The engine of the build loaded; a threaded one that fails to start (its thread Workers did
// not load) gives way to the single-thread build.
async function startEngine(createEngine) {
    if (build === THREADED) {
        // A thread Worker that fails to load throws from Emscripten's error handler, outside
        // createEngine's promise: caught here (and kept from the page, which would otherwise run
        // the layers on its own thread), it is a failure to start like any other.
        let threadFailed;
        const failure = new Promise((resolve, reject) => {
            threadFailed = (e) => {
                e.preventDefault();
                reject(new Error(`a thread Worker did not load (${e.message || 'no message'})`));
            };
        });
        self.addEventListener('error', threadFailed);
        try {
            const threads = Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS);
            // The pool's Workers load this script by URL (Emscripten cannot tell it inside a Worker).
            const c = await compiled(THREADED);
            const moduleArgs = { mainScriptUrlOrBlob: new URL(THREADED, self.location.href).href, ...c.args };
            return await Promise.race([createEngine({ factory: self.createConvplayModule, threads, moduleArgs }), failure, c.failed]);
        } catch (e) {
            console.warn(`convplay: the threaded engine did not start (${e && e.message || e}); one thread`);
            importScripts(SINGLE);
            build = SINGLE;
        } finally {
            self.removeEventListener('error', threadFailed);
        }
    }
    const c = await compiled(SINGLE);
    return Promise.race([createEngine({ factory: self.createConvplayModule, moduleArgs: c.args }), c.failed]);
}

// {args, failed}: the factory's arguments that hand it the module compiled above (compileWasm;
// none when that failed: Emscripten then fetches and compiles the wasm itself), and a promise
// rejected if instantiating it fails. Emscripten's factory never settles then (it leaves the
// failure to instantiateWasm), so startEngine races the two: a threaded build that fails gives way
// to the single-thread one, as when its threads fail.
async function compiled(file) {
    const module = await compileWasm(file);
    let fail;
    const failed = new Promise((resolve, reject) => { fail = reject; });
    failed.catch(() => {});   // settled only on failure; raced where it matters
    if (!module) return { args: {}, failed };
    return {
        args: {
            instantiateWasm(imports, receive) {
                // receive(instance, module): the threaded build passes the module on to its threads.
                WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module),
                    (e) => fail(new Error(`${file.replace(/\.js$/, '.wasm')} did not instantiate: ${e && e.message || e}`)));
                return {};
            },
        },
        failed,
    };
}

(async () => {
    try {
        const { createEngine } = await engineModule;
        engine = await startEngine(createEngine);
    } catch (e) {
        postMessage({ type: 'failed', run: 0, message: `the engine did not load: ${e && e.message || e}` });
        close();
        return;
    }
    postMessage({ type: 'ready', threads: engine.threads, isolated: ISOLATED, build, when: now() });
    decodes.splice(0).forEach(queueDecode);
    if (next) drain();
})();
