// `convplay export --to keras`, checked without TensorFlow: `--to keras-json` gives the same
// model as TensorFlow.js tf.layers configs (tf.layers implements Keras's layer semantics and
// shape rules); for every stack of tests/export/stacks.txt it is built layer by layer, and after
// each layer its shape rule (computeOutputShape) must agree with an actual run, and after each
// state layer the shape must equal the engine's shape in channels_last, which is also what the
// Keras code asserts. Needs build/native/convplay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { cli, engineShape, readStacks } from './export_support.mjs';

const { good, refused } = readStacks();
let tf;
let agreed = 0, checkedLayers = 0;

before(async () => {
    tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
});

after(() => console.log(`keras export: ${agreed} of ${good.length} stacks agree with tf.layers ` +
                        `(${checkedLayers} state layers checked)`));

const channelsLast = (s) => [s[0], ...s.slice(2), s[1]];

good.forEach((state, i) => {
    test(`keras [${i}] ${state.slice(0, 90)}`, () => {
        const r = cli(['export', state, '--to', 'keras-json']);
        assert.equal(r.status, 0, r.stderr);
        const spec = JSON.parse(r.stdout.toString());
        const classes = tf.serialization.SerializationMap.getMap().classNameMap;
        let x = tf.zeros(spec.input);
        const made = [];
        for (const L of spec.layers) {
            assert.ok(classes[L.className], `tf.layers has no ${L.className}`);
            const layer = new classes[L.className][0](L.config);
            const y = layer.apply(x);
            // Keras's shape rule (computeOutputShape) must agree with the op that ran. tfjs 4.22's
            // Resizing forgets the batch axis in computeOutputShape, so only its run shape counts.
            if (L.className !== 'Resizing')
                assert.deepEqual(layer.computeOutputShape(x.shape), y.shape, `layer ${L.layer} (${L.className}): shape rule`);
            made.push(x);
            x = y;
            if (L.expect) {
                checkedLayers++;
                assert.deepEqual(x.shape, L.expect, `layer ${L.layer} (${L.className})`);
            }
        }
        // The last expectation is the engine's output, and the Keras code asserts it.
        const out = channelsLast(engineShape(state));
        const last = spec.layers.length ? spec.layers.at(-1).expect : spec.input;
        assert.deepEqual(last.filter((v, k) => !(out.length === 3 && k === 1)), out);
        const code = cli(['export', state, '--to', 'keras']).stdout.toString();
        const m = code.match(/^assert tuple\(model\.output_shape\) == \(([0-9, ]+)\)/m);
        assert.ok(m, 'the Keras code asserts its output shape');
        assert.deepEqual(m[1].split(',').map((v) => v.trim()).filter(Boolean).map(Number), out);
        tf.dispose([...made, x]);
        agreed++;
    });
});

refused.forEach((state, i) => {
    test(`keras refuses [${i}] ${state}`, () => {
        const r = cli(['export', state, '--to', 'keras']);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /layer \d+ \(/);
    });
});
