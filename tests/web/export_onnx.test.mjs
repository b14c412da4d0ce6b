// `convplay export --to onnx`: every stack of tests/export/stacks.txt is exported, loaded by
// ONNX Runtime (onnxruntime-web's wasm CPU kernels, in Node, one thread) and run on the engine's
// own input; the output must equal `convplay run`'s to 1e-5 of max(1, max|ref|). States the
// engine refuses must be refused (exit 1, the layer's message). Needs build/native/convplay.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, RTOL, cli, engineRun, engineShape, readStacks, relError, tempDir } from './export_support.mjs';

const { good, refused } = readStacks();
let ort, tmp;
const worst = { err: 0, state: '' };

before(async () => {
    ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = path.join(ROOT, 'node_modules/onnxruntime-web/dist/');
    tmp = tempDir('convplay-export-onnx-');
});

after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.log(`onnx export: ${good.length} stacks run in ONNX Runtime ${ort.env.versions?.web ?? ''}; ` +
                `worst relative error ${worst.err.toExponential(2)} (${worst.state})`);
});

good.forEach((state, i) => {
    test(`onnx [${i}] ${state.slice(0, 90)}`, async () => {
        const file = path.join(tmp, `s${i}.onnx`);
        const r = cli(['export', state, '--to', 'onnx', '--out', file]);
        assert.equal(r.status, 0, r.stderr);
        const bytes = fs.readFileSync(file);
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
        try {
            assert.deepEqual(session.inputNames, ['input']);
            assert.deepEqual(session.outputNames, ['output']);
            const upload = state.includes('img=upload');
            let input, ref;
            if (upload) {  // no image in the state: run both on the same random input
                const shape = JSON.parse(cli(['shapes', state, '--json']).stdout.toString()).input;
                const n = shape.reduce((a, b) => a * b, 1);
                const data = Float32Array.from({ length: n }, (_, k) => Math.sin(k * 12.9898) * 0.5 + 0.5);
                const npy = path.join(tmp, `in${i}.npy`);
                fs.writeFileSync(npy, npyBytes(shape, data));
                const dir = path.join(tmp, `run${i}`);
                const rr = cli(['run', state, '--npy', npy, '--out', dir]);
                assert.equal(rr.status, 0, rr.stderr);
                input = { shape, data };
                const man = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
                ref = (await import('./export_support.mjs')).readNpy(path.join(dir, man.layers.at(-1).output));
            } else {
                ({ input, output: ref } = engineRun(state, path.join(tmp, `run${i}`)));
            }
            const out = (await session.run({ input: new ort.Tensor('float32', input.data, input.shape) })).output;
            assert.deepEqual(Array.from(out.dims), engineShape(state), 'output shape');
            assert.deepEqual(Array.from(out.dims), ref.shape);
            const err = relError(out.data, ref.data);
            if (err > worst.err) Object.assign(worst, { err, state });
            assert.ok(err <= RTOL, `relative error ${err} > ${RTOL}`);
        } finally {
            await session.release();
        }
    });
});

refused.forEach((state, i) => {
    test(`onnx refuses [${i}] ${state}`, () => {
        const r = cli(['export', state, '--to', 'onnx', '--out', path.join(tmp, `bad${i}.onnx`)]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /layer \d+ \(/);
        assert.ok(!fs.existsSync(path.join(tmp, `bad${i}.onnx`)), 'nothing written');
    });
});

test('onnx refuses what it cannot express exactly, and says why', () => {
    // H drops its last window by PyTorch's ceil_mode rule (5 + 2 pads, k=2, s=2), W rounds up.
    const r = cli(['export', 'v=1&in=1x5x6&net=maxpool2d(k=2x3,s=2,p=1,ceil=1)', '--to', 'onnx', '--out', path.join(tmp, 'no.onnx')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /layer 1 \(maxpool2d\(k=2x3,s=2,p=1,ceil=1\)\): ONNX cannot express this pool exactly/);
    // PyTorch can: the same state exports there.
    assert.equal(cli(['export', 'v=1&in=1x5x6&net=maxpool2d(k=2x3,s=2,p=1,ceil=1)', '--to', 'pytorch']).status, 0);
});

test('onnx export to a terminal-less stdout is the same bytes as --out', () => {
    const state = good[0];
    const file = path.join(tmp, 'same.onnx');
    assert.equal(cli(['export', state, '--to', 'onnx', '--out', file]).status, 0);
    const piped = cli(['export', state, '--to', 'onnx']);
    assert.equal(piped.status, 0);
    assert.ok(Buffer.compare(piped.stdout, fs.readFileSync(file)) === 0);
});

function npyBytes(shape, data) {
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
    const head = Buffer.alloc(10);
    head.write('\x93NUMPY', 0, 'latin1');
    head[6] = 1;
    head[7] = 0;
    head.writeUInt16LE(header.length, 8);
    return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
