// The engine Worker (web/engine_worker.js) in Node: its script runs in a vm context with a
// stand-in engine (no wasm, no browser), and the test posts the page's messages in the orders a
// busy page can produce. The kept upload: a request that names an upload gets those values,
// whatever decode or keep comes after it; a decode that fails keeps the upload kept before; a
// request naming values the Worker lacks is answered with 'resend', never 'failed' (which makes
// the page compute every layer on its main thread for good). Start-up: a threaded build whose
// wasm does not instantiate gives way to the single-thread build. A run's 'done' says where the
// Worker's time went (stats.run, which tests/web/ui_timing.mjs prints).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './engine.mjs';

// The Workers' MessageChannels (each yields through one): closed at the end, or their open ports
// would keep this process alive after the last test.
const channels = [];
class TrackedChannel extends MessageChannel {
    constructor() {
        super();
        channels.push(this);
    }
}
after(() => channels.forEach((c) => { c.port1.close(); c.port2.close(); }));

// A Worker with a stand-in engine: each layer's output is filled with input[0] + layer, so the
// outputs say which input a run used. `hook(i)` runs inside layer i (a message arriving while a
// layer computes, as on a busy Worker).
// isolated: a cross-origin isolated page on 2 cores (the threaded build first); instantiate: the
// stand-in for WebAssembly.instantiate(module, imports) (module: {url} of the compiled file).
// costMs: busy waits, in ms, of the stand-in's calls: {plan (making or updating the plan), ranges
// (each layer's outputRanges), view (each outputView, which the Worker reads to send outputs)}.
async function startWorker({ isolated = false, instantiate = () => Promise.resolve({}), costMs = {} } = {}) {
    const busy = (ms = 0) => { const end = performance.now() + ms; while (performance.now() < end); };
    const src = readFileSync(path.join(ROOT, 'web/engine_worker.js'), 'utf8');
    const marker = "import('./engine.mjs')";
    assert.ok(src.includes(marker), 'engine_worker.js imports ./engine.mjs (the stand-in replaces it)');
    const posted = [];
    const hooks = {};
    const makePlan = () => {
        const outs = [new Float32Array(8), new Float32Array(8)];
        const inp = new Float32Array(4);
        return {
            runnable: 2, update: () => { busy(costMs.plan); return 0; }, input: () => inp, setInput: (x) => inp.set(x), drawSample() {},
            runOne: (i) => { outs[i].fill(inp[0] + i); if (hooks[i]) { const h = hooks[i]; delete hooks[i]; h(); } return 1; },
            outputView: (i) => { busy(costMs.view); return outs[i]; }, kernel: () => 'stand-in',
            outputRanges: () => { busy(costMs.ranges); return new Float32Array(2); },
            stats: () => ({}), free() {},
        };
    };
    // The stand-in decoder: the file's first byte is every value; an empty file fails.
    const engine = {
        threads: 1, plan: () => { busy(costMs.plan); return makePlan(); }, shapes: (s) => ({ state: s }), defaultState: () => 'v=1',
        decodeImage: (bytes) => (bytes.length
            ? { ok: true, data: new Float32Array(4).fill(bytes[0]), ranges: new Float32Array(2), shape: [1, 1, 2, 2] }
            : { ok: false, message: 'empty file' }),
    };
    const self = { name: '', crossOriginIsolated: isolated, addEventListener() {}, removeEventListener() {}, location: { href: 'http://localhost/' } };
    const ctx = vm.createContext({
        // This realm's typed arrays, so the Worker's instanceof checks accept the test's values.
        Float32Array, Uint8Array, ArrayBuffer, SharedArrayBuffer,
        self, navigator: { hardwareConcurrency: isolated ? 2 : 1 }, performance, MessageChannel: TrackedChannel, console, setTimeout, URL,
        postMessage: (m) => posted.push(m), importScripts() {}, close() {},
        fetch: (url) => Promise.resolve({ url, ok: true }),
        WebAssembly: { compileStreaming: (r) => r.then(({ url }) => ({ url })), instantiate },
        // As Emscripten's factory: with instantiateWasm it waits for receive(), forever if it never comes.
        standIn: {
            createEngine: ({ threads = 1, moduleArgs = {} }) => new Promise((resolve) => {
                if (!moduleArgs.instantiateWasm) return resolve({ ...engine, threads });
                moduleArgs.instantiateWasm({}, () => resolve({ ...engine, threads }));
            }),
        },
    });
    vm.runInContext(src.replace(marker, 'Promise.resolve(standIn)'), ctx);
    const send = (m) => ctx.onmessage({ data: m });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    assert.ok(posted.some((m) => m.type === 'ready'), 'the Worker loaded the stand-in engine');
    const of = (run) => posted.filter((m) => m.run === run);
    // The last output piece of `run`'s layer 0: the input value the run used.
    const inputUsed = (run) => { const o = of(run).filter((m) => m.type === 'output' && m.layer === 0).pop(); return o ? o.data[0] : null; };
    return { send, settle, posted, hooks, of, inputUsed };
}

// Decodes a one-value file as upload `id` and gives its values back, as the page does.
async function upload(w, id, value) {
    w.send({ type: 'decode', id, bytes: new Uint8Array([value]), channels: 1, name: `${id}.png` });
    await w.settle();
    const d = w.posted.find((m) => m.type === 'decoded' && m.id === id);
    assert.ok(d && d.ok, `upload ${id} decoded`);
    w.send({ type: 'keep', id, data: d.data });
}

const run = (n, extra) => ({ type: 'run', run: n, state: `s${n}`, from: 0, piece: 100, inputVersion: n, ...extra });

test('a request naming the kept upload gets its values while a newer file decodes', async () => {
    const w = await startWorker();
    await upload(w, 1, 7);
    w.send(run(1, { upload: 1 }));
    await w.settle();
    assert.equal(w.inputUsed(1), 7);
    // The user drops another file and edits the seed while it decodes: the request names upload 1.
    w.send({ type: 'decode', id: 2, bytes: new Uint8Array([9]), channels: 1, name: '2.png' });
    w.send(run(2, { upload: 1 }));
    await w.settle();
    assert.deepEqual(w.of(2).filter((m) => m.type === 'failed' || m.type === 'resend'), []);
    assert.equal(w.inputUsed(2), 7, 'run 2 used upload 1');
});

test('a request waiting behind a long layer keeps the upload it named, whatever decode and keep come meanwhile', async () => {
    const w = await startWorker();
    await upload(w, 1, 7);
    // While run 3's first layer computes, the page posts run 4 (naming upload 1), then a new file
    // is decoded and its values come back: all before run 4 starts.
    w.hooks[0] = () => {
        w.send(run(4, { upload: 1 }));
        w.send({ type: 'decode', id: 2, bytes: new Uint8Array([9]), channels: 1, name: '2.png' });
    };
    w.send(run(3, { upload: 1 }));
    await w.settle();
    const d2 = w.posted.find((m) => m.type === 'decoded' && m.id === 2);
    assert.ok(d2 && d2.ok);
    w.send({ type: 'keep', id: 2, data: d2.data });
    w.send(run(5, { upload: 2 }));
    await w.settle();
    assert.deepEqual(w.posted.filter((m) => m.type === 'failed'), [], 'no failed message');
    assert.equal(w.inputUsed(4), 7, 'run 4 used upload 1, the one it named');
    assert.equal(w.inputUsed(5), 9, 'run 5 used upload 2');
});

test('a decode that fails keeps the upload kept before', async () => {
    const w = await startWorker();
    await upload(w, 1, 7);
    w.send({ type: 'decode', id: 2, bytes: new Uint8Array([]), channels: 1, name: 'broken.png' });
    await w.settle();
    assert.equal(w.posted.find((m) => m.type === 'decoded' && m.id === 2).ok, false);
    w.send(run(6, { upload: 1 }));
    await w.settle();
    assert.equal(w.inputUsed(6), 7);
});

test('a request naming values the Worker does not keep gets resend, and the values then run', async () => {
    const w = await startWorker();
    // A keep for a decode this Worker did not make (a Worker swapped in) is ignored.
    w.send({ type: 'keep', id: 8, data: new Float32Array(4).fill(3) });
    w.send(run(7, { upload: 8 }));
    await w.settle();
    assert.deepEqual(w.of(7).map((m) => m.type), ['resend'], 'nothing computed, the page is asked for the values');
    w.send(run(8, { input: new Float32Array(4).fill(3) }));
    await w.settle();
    assert.equal(w.inputUsed(8), 3);
    assert.deepEqual(w.posted.filter((m) => m.type === 'failed'), []);
});

test('a threaded build whose wasm does not instantiate gives way to the single-thread build', async () => {
    const w = await startWorker({
        isolated: true,
        instantiate: (module) => (/_mt\.wasm$/.test(module.url) ? Promise.reject(new Error('out of memory')) : Promise.resolve({})),
    });
    const ready = w.posted.find((m) => m.type === 'ready');
    assert.equal(ready.build, 'convplay_engine.js');
    assert.equal(ready.threads, 1);
    assert.deepEqual(w.posted.filter((m) => m.type === 'failed'), []);
    w.send(run(1, { input: new Float32Array(4).fill(5) }));
    await w.settle();
    assert.equal(w.inputUsed(1), 5, 'the single-thread engine runs the layers');
});

test("a run's 'done' says where the Worker's time went and when the run came and ended", async () => {
    const w = await startWorker({ costMs: { plan: 2, ranges: 3, view: 1 } });
    const before = performance.timeOrigin + performance.now();
    w.send(run(1, { sample: true }));
    await w.settle();
    const after = performance.timeOrigin + performance.now();
    const done = w.of(1).find((m) => m.type === 'done');
    assert.ok(done, 'run 1 done');
    const r = done.stats.run;
    assert.ok(r, "'done' has stats.run");
    assert.ok(before <= r.received && r.received <= r.when && r.when <= after, `received ${r.received}, when ${r.when}: between ${before} and ${after}`);
    // Making the plan (2 ms), two layers' ranges (3 ms each) and the views their messages read (1 ms
    // a read, at least one a layer), each counted apart, and together within the run's work.
    assert.ok(r.applyMs >= 2, `applyMs ${r.applyMs}`);
    assert.ok(r.rangesMs >= 6, `rangesMs ${r.rangesMs}`);
    assert.ok(r.sendMs >= 2, `sendMs ${r.sendMs}`);
    assert.ok(r.applyMs + r.rangesMs + r.sendMs <= done.work + 0.01, JSON.stringify({ ...r, work: done.work }));
    assert.ok(r.when - r.received >= done.work - 0.01, 'the run\'s wall time holds its work');
});
