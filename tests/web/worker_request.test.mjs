// When the page's side of the engine Worker (web/engine_runner.js) posts the app's request, in
// Node: its script runs in a vm context with stand-in Workers that record what they are sent.
// The request is asked for inside the app's frame, but posted only once that frame's call has
// returned (a microtask), so the Worker it wakes does not take this thread's core while the frame
// is still being built; any message posted after it in the same task (a decode, a kept upload)
// still reaches the Worker after it; a Worker that stops had it, as when it was posted at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './engine.mjs';

// A runner attached to an app whose every call returns 0, with its Workers (the last one made is
// the one in use, after a swap the spare made in its place).
function runnerWithStandIns() {
    const workers = [];
    class RecordingWorker {
        constructor() {
            this.sent = [];
            this.terminated = false;
            workers.push(this);
        }
        postMessage(m) { this.sent.push(m.type); }
        terminate() { this.terminated = true; }
    }
    const ctx = vm.createContext({
        document: { hidden: false }, location: { hash: '' }, console, Worker: RecordingWorker,
        performance: { now: () => 0, timeOrigin: 0 }, setTimeout: () => 0, clearTimeout() {},
    });
    ctx.window = ctx.self = ctx.top = ctx;
    vm.runInContext(readFileSync(path.join(ROOT, 'web/engine_runner.js'), 'utf8'), ctx);
    const runner = ctx.cpRunner;
    assert.equal(runner.start(), true, 'a Worker was made');
    runner.attach({ ccall: () => 0, HEAPF32: new Float32Array(4) });
    return { runner, workers };
}

// The app's request for run `run` (every layer, the state's own image: no values copied).
const ask = (runner, run) => runner.runLayers(run, 'v=1&A', 0, 0, 0, 0, run, 0, true);
const microtasks = () => new Promise((resolve) => setImmediate(resolve));

test('the request is posted once the call that made it has returned, once', async () => {
    const { runner, workers } = runnerWithStandIns();
    ask(runner, 1);
    assert.deepEqual(workers[0].sent, [], 'not from inside the app\'s frame');
    await microtasks();
    assert.deepEqual(workers[0].sent, ['run'], 'posted right after it');
    await microtasks();
    assert.deepEqual(workers[0].sent, ['run'], 'and only once');
});

test('a message posted after the request in the same task reaches the Worker after it', async () => {
    const { runner, workers } = runnerWithStandIns();
    ask(runner, 1);
    runner.decode(new Uint8Array(4), 3, 'a.png');
    ask(runner, 2);
    ask(runner, 3);
    await microtasks();
    assert.deepEqual(workers[0].sent, ['run', 'decode', 'run', 'run'], 'in the order they were asked for');
});

test('a Worker stopped right after a request had it; its replacement gets nothing until asked', async () => {
    const { runner, workers } = runnerWithStandIns();
    ask(runner, 1);
    runner.cancel();   // the user's Stop: the Worker is swapped for a new one
    await microtasks();
    assert.equal(workers[0].terminated, true);
    assert.deepEqual(workers[0].sent, ['run'], 'the stopped Worker had the request');
    assert.deepEqual(workers[1].sent, [], 'the new Worker was not sent the old request');
    ask(runner, 2);
    await microtasks();
    assert.deepEqual(workers[1].sent, ['run']);
});
