// web/engine.mjs's plan under Node, as the playground's engine Worker uses it: runOne() layer by
// layer, update() to a new state keeping the layers before the first change, the input set again
// when update() says so. Every output must equal a fresh plan's, bit for bit.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../web/engine.mjs';
import { ENGINE_JS } from './engine.mjs';

let engine;
before(async () => { engine = await createEngine({ modulePath: ENGINE_JS, moduleArgs: { print: () => {}, printErr: () => {} } }); });

const A = 'v=1&in=3x32x32&img=photo&net=conv2d(out=8,k=3,p=1);relu;convT2d(out=4,k=3,s=2,p=1,op=1)';

// Every output of a fresh plan of `state`, run at once.
function fresh(state) {
    const p = engine.plan(state);
    try {
        p.run();
        return Array.from({ length: p.runnable }, (_, i) => p.output(i));
    } finally {
        p.free();
    }
}

test('runOne layer by layer gives what run() gives', () => {
    const p = engine.plan(A);
    for (let i = 0; i < p.runnable; i++) assert.ok(p.runOne(i) >= 0);
    const want = fresh(A);
    for (let i = 0; i < p.runnable; i++) assert.deepEqual(p.output(i), want[i], `layer ${i + 1}`);
    p.free();
});

test('update keeps the layers before the first change and reports it', () => {
    const p = engine.plan(A);
    p.run();
    const kept = p.output(0);
    // Only the last layer changes: layers 1 and 2 keep their outputs.
    const B = A.replace('op=1', 'op=0');
    assert.equal(p.update(B), 2);
    assert.deepEqual(p.output(0), kept, 'layer 1 kept its output');
    p.runOne(2);
    assert.deepEqual(p.output(2), fresh(B)[2]);
    assert.deepEqual(p.shape(2), [1, 4, 63, 63]);
    // Nothing changes: nothing to run.
    assert.equal(p.update(B), p.runnable);
    // A new input size: from layer 0, and the input must be set again.
    const C = B.replace('in=3x32x32', 'in=3x16x16');
    assert.equal(p.update(C), 0);
    assert.equal(p.inputSize, 3 * 16 * 16);
    const q = engine.plan(C);
    p.setInput(q.input());
    q.free();
    p.run();
    fresh(C).forEach((o, i) => assert.deepEqual(p.output(i), o, `layer ${i + 1} after the new input`));
    p.free();
});

test('update refuses a state that does not parse or is over budget, and keeps the plan', () => {
    const p = engine.plan(A);
    assert.throws(() => p.update('v=1&in=3x32x32&net=conv2d(kk=3)'), /unknown argument 'kk'/);
    assert.throws(() => p.update('v=1&in=3x60000x60000&net=relu'), /at most/);
    assert.equal(p.runnable, 3);
    p.run();
    fresh(A).forEach((o, i) => assert.deepEqual(p.output(i), o));
    p.free();
});

// The same cases as the C++ test Plan.UpdateKeepsTheWeightsKernelsAndBuffersAnEditLeavesAlone,
// through the wasm build the Worker runs: an edit makes only the weights it changes, keeps the
// layers after the change whose own parameters did not, reuses buffers that still fit; and the
// outputs equal a fresh plan's.
test('update makes only what an edit changes (plan.stats) and the outputs equal a fresh plan', () => {
    let text = 'v=1&in=3x24x24&net=conv2d(out=8,k=3,s=2,p=1);relu;conv2d(out=8,k=3,p=1,w=gauss);convT2d(out=3,k=3,s=2,p=1)';
    const p = engine.plan(text);
    p.run();
    assert.equal(p.stats().weightsMade, 3);
    const cases = [
        ['convT2d(out=3,k=3,s=2,p=1)', 'convT2d(out=3,k=3,s=2,p=1,w=box)', { weightsMade: 1, weightsKept: 0, kernelsMade: 1, layersKept: 0, outputsMade: 0, outputsKept: 0 }],
        ['conv2d(out=8,k=3,s=2,p=1)', 'conv2d(out=8,k=3,s=2,p=1,seed=9)', { weightsMade: 1, weightsKept: 0, kernelsMade: 1, layersKept: 3, outputsMade: 0, outputsKept: 0 }],
        ['conv2d(out=8,k=3,s=2,p=1,seed=9)', 'conv2d(out=8,k=3,s=2,p=0,seed=9)', { weightsMade: 0, weightsKept: 3, kernelsMade: 4, layersKept: 0, outputsMade: 0, outputsKept: 4 }],
        ['conv2d(out=8,k=3,p=1,w=gauss)', 'conv2d(out=8,k=3,p=3,w=gauss)', { weightsMade: 0, weightsKept: 2, kernelsMade: 2, layersKept: 0, outputsMade: 2, outputsKept: 0 }],
    ];
    for (const [from, to, want] of cases) {
        assert.ok(text.includes(from), text);
        text = text.replace(from, to);
        const s0 = p.stats();
        const first = p.update(text);
        const s1 = p.stats();
        assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, s1[k] - s0[k]])), want, to);
        p.run(first);
        const f = fresh(text);
        assert.equal(p.runnable, f.length);
        for (let i = 0; i < p.runnable; i++) assert.deepEqual(p.output(i), f[i], `${to}: layer ${i + 1}`);
    }
    p.free();
});

test('a plan of the reference kernels stays one through update', () => {
    const p = engine.plan(A, { reference: true });
    p.run();
    assert.match(p.kernel(0), /^ref::/);
    assert.equal(p.update(A.replace('out=8', 'out=6')), 0);
    p.run();
    for (let i = 0; i < p.runnable; i++) assert.match(p.kernel(i), /^ref::/, `layer ${i + 1} after update: ${p.kernel(i)}`);
    p.free();
});
