// The threaded engine build (convplay_engine_mt.js, -pthread: what the playground's Worker loads
// on a cross-origin isolated page) under Node, where its threads are worker_threads: on 2 and 3
// threads, every layer of a sweep of awkward sizes equals the single-thread build bit for bit,
// and the reference kernels within the usual tolerance. (The full kernel sweeps on threads run
// in build/wasm-threads' ctest, `scripts/build.sh wasm-threads`, outside scripts/test.sh.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../web/engine.mjs';
import { ROOT, ENGINE_JS } from './engine.mjs';

const MT_JS = process.env.CONVPLAY_ENGINE_MT_JS ?? path.join(ROOT, 'build/wasm-threads/convplay_engine_mt.js');

// Odd sizes, one row or column, strides, dilation, groups, both transposed-conv kernels, 1x1.
const STATES = [
    'v=1&in=3x31x29&img=noise&net=conv2d(out=8,k=3,p=1);relu;conv2d(out=8,k=3,s=2,p=1)',
    'v=1&in=16x1x37&img=noise&net=conv2d(out=5,k=1);conv2d(out=5,k=3,p=1,g=5)',
    'v=1&in=8x33x17&img=noise&net=conv2d(out=8,k=3,p=2,d=2);conv2d(out=16,k=3,p=1,g=8)',
    'v=1&in=12x19x23&img=noise&net=convT2d(out=8,k=4,s=2,p=1);convT2d(out=3,k=3,s=2,p=1,op=1)',  // Winograd, sub-pixel
    'v=1&in=4x9x70&img=noise&net=convT2d(out=4,k=3,s=3,p=0,g=2);conv2d(out=4,k=5,p=2,g=4)',
];

const engines = [];
after(() => {
    // The pthreads are Workers that keep Node alive: end them.
    for (const e of engines) {
        const P = e.module.PThread;
        if (P) for (const w of [...P.unusedWorkers, ...P.runningWorkers]) w.terminate();
    }
});

const relErr = (a, b) => {
    let d = 0, m = 0;
    for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
    return m ? d / m : d;
};

for (const threads of [2, 3]) {
    test(`the threaded build on ${threads} threads: the single-thread build's outputs bit for bit`, async (t) => {
        if (!existsSync(MT_JS)) throw new Error(`${MT_JS} is missing: run scripts/build.sh site`);
        const mt = await createEngine({ modulePath: MT_JS, threads });
        engines.push(mt);
        assert.equal(mt.threads, threads, 'the engine took the thread count');
        const one = await createEngine({ modulePath: ENGINE_JS, threads });
        assert.equal(one.threads, 1, 'the single-thread build stays on one thread');
        const kernels = new Set();
        for (const state of STATES) {
            const a = mt.run(state), b = one.run(state), ref = one.run(state, undefined, { reference: true });
            assert.ok(a.ok && b.ok && ref.ok, `${state}: ${a.error ?? b.error ?? ref.error}`);
            assert.equal(a.layers.length, b.layers.length);
            a.layers.forEach((L, i) => {
                assert.deepEqual(L.shape, b.layers[i].shape);
                assert.ok(Buffer.from(L.output.buffer).equals(Buffer.from(b.layers[i].output.buffer)),
                          `${state}: layer ${i + 1} (${L.kernel}) differs from one thread`);
                assert.ok(relErr(L.output, ref.layers[i].output) <= 1e-4, `${state}: layer ${i + 1} off the reference`);
                kernels.add(L.kernel.replace(/__.*/, ''));
            });
        }
        for (const k of ['f32_deconv2d_winograd3x2_4x8', 'f32_deconv2d_subpixel_4x8']) assert.ok(kernels.has(k), `no layer ran on ${k}`);
    });
}
