// The wasm engine module as the page uses it: createConvplayModule() + cp_shapes_json/cp_version,
// run under Node. Checks the C API's contract (valid JSON with an `ok` field, errors as text,
// no crash on hostile input), not the shape rules themselves (the GoogleTest suite does those).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, shapesJson, defaultState } from './engine.mjs';

let M;
before(async () => { M = await loadEngine(); });

// Parses the engine's answer; fails the test with the raw text when it is not JSON.
function shapes(text) {
    const raw = shapesJson(M, text);
    let result;
    assert.doesNotThrow(() => { result = JSON.parse(raw); }, `not JSON: ${raw.slice(0, 200)}`);
    assert.equal(typeof result, 'object');
    assert.equal(typeof result.ok, 'boolean', `no boolean 'ok' in ${raw.slice(0, 200)}`);
    return result;
}
// The message of a failed plan: top-level `error`, or the first layer's `error`.
function errorText(result) {
    if (typeof result.error === 'string' && result.error) return result.error;
    const bad = (result.layers ?? []).find((l) => l && typeof l.error === 'string' && l.error);
    return bad ? bad.error : '';
}

test('cp_version returns a non-empty string', () => {
    const v = M.UTF8ToString(M._cp_version());
    assert.equal(typeof v, 'string');
    assert.ok(v.length > 0);
});

test('a valid state gives ok=true and one row per layer', () => {
    const r = shapes('v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)');
    assert.equal(r.ok, true, `expected ok, got error: ${errorText(r)}`);
    assert.ok(Array.isArray(r.layers), 'layers is an array');
    assert.equal(r.layers.length, 3);
    assert.equal(errorText(r), '');
    // conv 64 -> 32 (stride 2, pad 1); transposed conv with output_padding 1 -> 64 again.
    const first = r.layers[0], last = r.layers[2];
    if (Array.isArray(first.in)) assert.deepEqual(first.in, [1, 3, 64, 64]);
    if (Array.isArray(first.out)) assert.deepEqual(first.out, [1, 16, 32, 32]);
    if (Array.isArray(last.out)) assert.deepEqual(last.out, [1, 3, 64, 64]);
});

test('the default page state is valid', () => {
    const r = shapes(defaultState(M));
    assert.equal(r.ok, true, `expected ok, got error: ${errorText(r)}`);
    assert.equal(r.layers.length, 3);
});

test('links are decoded by the codec: percent escapes, malformed ones kept as text', () => {
    const link = (t) => M.UTF8ToString(M.ccall('cp_link_state', 'number', ['string'], [t]));
    assert.equal(link('http://h/#v=1%26in=1x8x8%26net=relu'), 'v=1&in=1x8x8&net=relu');
    assert.equal(link('#v=1&net=relu%zz'), 'v=1&net=relu%zz');   // decodeURIComponent would throw here
    const r = shapes('#v=1&in=1x8x8&net=relu%zz');
    assert.equal(r.ok, false);
    assert.match(errorText(r), /unknown layer 'relu%zz'/);
});

test('invalid states give ok=false and a message', () => {
    for (const text of [
        'v=1&in=3x64x64&net=conv2d(out=16,kk=3)',   // unknown argument
        'v=1&in=3x8x8&net=conv2d(out=4,k=11)',      // kernel larger than the input
        'v=1&in=3x64x64&net=nosuchlayer',           // unknown layer
        'v=99',                                      // unknown version
    ]) {
        const r = shapes(text);
        assert.equal(r.ok, false, `'${text}' should be rejected`);
        assert.ok(errorText(r).length > 0, `'${text}' should come with a message`);
    }
});

test('hostile input returns JSON instead of crashing', () => {
    for (const text of ['', '&&&', '€ü\u{1F600}', 'net=' + 'relu;'.repeat(1000), 'x'.repeat(100_000),
                        'v=1&in=99999999999x1x1', 'v=1&net=conv2d(out=-1,k=0,s=0)']) {
        shapes(text);
    }
});

test('repeated calls are stable (the result buffer is reused, memory does not run out)', () => {
    const text = 'v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu';
    const first = shapesJson(M, text);
    for (let i = 0; i < 2000; i++) shapesJson(M, i % 2 ? text : 'v=1&net=bad(');
    assert.equal(shapesJson(M, text), first);
});
