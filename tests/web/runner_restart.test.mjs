// The page's side of the engine Worker (web/engine_runner.js) in Node: its script runs in a vm
// context with stand-in Workers, a clock the test moves and timers that fire half a millisecond
// before their delay has passed by that clock (as Chromium's did: a stale layer then ran to its
// end, seconds, instead of being abandoned after RESTART_MS). A layer whose values went stale is
// abandoned once it has run 250 ms, counted from its start in the Worker; one that ends first, or
// is still of use, is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './engine.mjs';

const RESTART_MS = 250;

function startRunner() {
    let clock = 0, nextId = 1;
    const timers = new Map();   // id -> {fn, due}
    const workers = [];
    class StandInWorker {
        constructor(url, opts = {}) {
            this.url = url;
            this.name = opts.name || '';
            this.sent = [];
            this.terminated = false;
            workers.push(this);
        }
        postMessage(m) { this.sent.push(m); }
        terminate() { this.terminated = true; }
    }
    const calls = [];
    const M = { ccall: (name, ret, types, args) => { calls.push([name, ...args]); return 0; }, HEAPF32: new Float32Array(16) };
    const ctx = vm.createContext({
        document: { hidden: false }, location: { hash: '#v=1' }, console,
        Worker: StandInWorker, performance: { now: () => clock, timeOrigin: 0 },
        setTimeout: (fn, ms = 0) => { const id = nextId++; timers.set(id, { fn, due: clock + Math.max(0, ms) }); return id; },
        clearTimeout: (id) => timers.delete(id),
    });
    ctx.window = ctx;
    ctx.self = ctx.top = ctx;
    vm.runInContext(readFileSync(path.join(ROOT, 'web/engine_runner.js'), 'utf8'), ctx);
    const runner = ctx.cpRunner;
    assert.equal(runner.start(), true, 'a Worker was made');
    runner.attach(M);
    // Moves the clock to `t` in 0.1 ms steps, firing each timer 0.5 ms before it is due.
    const advance = (t) => {
        while (clock < t) {
            clock = Math.round((clock + 0.1) * 10) / 10;
            for (const [id, tm] of [...timers]) if (clock >= tm.due - 0.5 && timers.delete(id)) tm.fn();
        }
    };
    // A message from the Worker in use (its `when`: ms since the epoch, here timeOrigin 0).
    const fromWorker = (d) => workers.filter((w) => !w.terminated).at(-1).onmessage({ data: d });
    return { runner, workers, calls, advance, fromWorker };
}

// The app asks for state B from layer 0 (every layer changes), with the state's own image.
const askB = (runner, run) => runner.runLayers(run, 'v=1&B', 0, 0, 0, 0, run, 0, true);

test('a stale layer is abandoned once it has run 250 ms in the Worker, though the timer fires early', () => {
    const { runner, workers, calls, advance, fromWorker } = startRunner();
    advance(1000);
    fromWorker({ type: 'start', run: 1, layer: 1, when: 1000 });
    advance(1100);
    askB(runner, 2);
    assert.equal(runner.info().restarts, 0, 'not before 250 ms');
    advance(1000 + RESTART_MS - 1);
    assert.equal(runner.info().restarts, 0, 'not before 250 ms');
    advance(1000 + RESTART_MS + 5);
    assert.equal(runner.info().restarts, 1, 'the Worker computing the stale layer was replaced');
    assert.equal(workers[0].terminated, true);
    assert.equal(workers.filter((w) => !w.terminated).length, 1, 'one Worker in use');
    assert.deepEqual(calls.at(-1), ['cp_app_set_runner', 1], 'the app asks the new Worker');
});

test('the 250 ms count from the layer\'s start in the Worker, not from when the page heard of it', () => {
    const { runner, advance, fromWorker } = startRunner();
    advance(1400);
    fromWorker({ type: 'start', run: 1, layer: 1, when: 1000 });   // heard 400 ms late
    askB(runner, 2);
    assert.equal(runner.info().restarts, 1, 'replaced at once');
});

test('a stale layer that ends before 250 ms, or one still of use, is not abandoned', () => {
    const { runner, advance, fromWorker } = startRunner();
    advance(1000);
    fromWorker({ type: 'start', run: 1, layer: 1, when: 1000 });
    advance(1100);
    askB(runner, 2);
    advance(1200);
    fromWorker({ type: 'end', run: 1, layer: 1 });
    advance(2000);
    assert.equal(runner.info().restarts, 0, 'it ended first');
    // Layer 3 (index 2) runs; the app's next request changes layers from index 3 on only.
    fromWorker({ type: 'start', run: 2, layer: 2, when: 2000 });
    runner.runLayers(3, 'v=1&C', 0, 3, 0, 0, 3, 0, true);
    advance(3000);
    assert.equal(runner.info().restarts, 0, 'its layer is of use to the new request');
});
