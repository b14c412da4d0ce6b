// Crafted input against the real playground (build/site, headless Chromium): huge and truncated
// links, malformed escapes, a refused plan, extreme weights, images declaring huge sizes, corrupt
// images, a decompression-bomb PNG and a file that is not an image. Each case must give a clear message, leave a live page (a test hook
// answers within 100 ms), lose nothing (the previous state and image stay) and no page error;
// wasm memory stays under a bound. Screenshots: test-artifacts/hostile-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { createEngine } from '../../web/engine.mjs';
import { SITE_DIR, ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, usePlayground, startServer, waitReady, waitSettled, makePng } from './playground_support.mjs';

let page;
const site = usePlayground({ before, after }, openSharedPage);
const pageErrors = [];
const hooks = (fn, arg) => page.evaluate(fn, arg);
const state = () => hooks(() => convplay.state());
const message = () => hooks(() => convplay.message());
const planStatus = () => hooks(() => convplay.planStatus());
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `hostile-${name}.png`) });
const MEMORY_BOUND = 1536 << 20;   // bytes of wasm memory after any case (the cap is 2 GiB)

// A live page: a test hook answers within 100 ms inside the page, and the whole round trip
// (Playwright to the page and back: it waits while the main thread is busy) within 2 s, a
// bound that holds on a loaded test machine.
async function assertLive() {
    const t0 = performance.now();
    const [s, inPage] = await hooks(() => {
        const t = performance.now();
        const st = convplay.state();
        return [st, performance.now() - t];
    });
    const roundTrip = performance.now() - t0;
    assert.ok(typeof s === 'string' && s.startsWith('v=1'), `the app answers (${s})`);
    assert.ok(inPage < 100, `a test hook answered in ${inPage.toFixed(1)} ms`);
    assert.ok(roundTrip < 2000, `the page answered in ${roundTrip.toFixed(0)} ms`);
    const mem = await hooks(() => Module.HEAPU8.length);
    assert.ok(mem <= MEMORY_BOUND, `wasm memory ${mem} bytes, bound ${MEMORY_BOUND}`);
    assert.deepEqual(pageErrors, []);
}

// A fresh page load with this fragment (a goto that changes only the fragment would be a
// same-document navigation, answered later by hashchange).
async function load(fragment) {
    await page.goto('about:blank');
    await page.goto(`${site.url}/#${fragment}`);
    await waitReady(page);
}

// The page the tests share, at the default state once its outputs are shown.
async function openSharedPage() {
    page = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await load(DEFAULT_STATE);
    await waitSettled(page);
}

test('a 10 MB state text is refused by its length, and the state is kept', async () => {
    const before = await state();
    const huge = 'v=1&in=3x8x8&net=' + 'relu;'.repeat(2 << 20);   // 10 MB
    const ok = await hooks((t) => convplay.setState(t), huge);
    assert.equal(ok, false);
    assert.match(await message(), /^error: Not a state: state text is too long \(10485777 characters; at most 65536\)/);
    assert.equal(await state(), before);
    // Pasted the same way (a paste reaches the app as text too).
    await hooks((t) => window.cpBridge && document.dispatchEvent(Object.assign(new Event('paste'),
        { clipboardData: { items: [], getData: () => t } })), huge);
    assert.equal(await state(), before);
    await assertLive();
});

test('a long link in the address bar is refused by its length with the default state', async () => {
    await load('v=1&in=3x8x8&net=' + 'relu;'.repeat(300000));   // 1.5 MB: Chromium keeps URLs up to 2 MB
    await waitSettled(page);
    assert.equal(await state(), DEFAULT_STATE);
    assert.match(await message(), /^error: This link could not be read: state text is too long/);
    await assertLive();
});

test('malformed percent escapes are a message, never an uncaught URIError', async () => {
    for (const bad of ['v=1&in=3x8x8&net=relu%zz', 'v=1&in=3x8x8&net=relu%E0%A4%A', 'v=1%&in=3x8x8&net=%']) {
        await load(bad);
        await waitSettled(page);
        assert.equal(await state(), DEFAULT_STATE, bad);
        assert.match(await message(), /^error: This link could not be read: /, bad);
        await assertLive();
    }
    // Through hashchange as well (a link pasted into the address bar of an open page).
    await hooks(() => { location.hash = '#v=1&in=3x8x8&net=relu%E0%A4%A'; });
    await page.waitForFunction(() => /could not be read/.test(convplay.message()));
    await assertLive();
});

test('a valid link after a broken one clears the message; an emptied fragment is the default state', async () => {
    await load('v=1&net=conv2d(kk=3)');
    assert.match(await message(), /^error: This link could not be read/);
    await hooks(() => { location.hash = '#v=1&in=1x16x16&img=impulse&net=maxpool2d(k=2)'; });
    await page.waitForFunction(() => convplay.state().includes('maxpool2d'));
    assert.doesNotMatch(await message(), /could not be read/);
    await hooks(() => { location.hash = ''; });
    await page.waitForFunction((d) => convplay.state() === d, DEFAULT_STATE);
    assert.doesNotMatch(await message(), /^error/);
    // A truncated link (cut mid-layer) is a message and the default.
    await load('v=1&in=3x64x64&net=conv2d(out=8,k=3');
    assert.match(await message(), /^error: This link could not be read: .*missing '\)'/);
    await hooks(() => convplay.setState('v=1&in=3x32x32&net=relu'));
    assert.doesNotMatch(await message(), /^error/, 'an applied state clears the error');
    await assertLive();
});

test('a state over the run budget shows the budget in place of the outputs; the previous result stays', async () => {
    await load(DEFAULT_STATE);
    await waitSettled(page);
    const inputHash = await hooks(() => convplay.outputHash(-1));
    for (const big of ['v=1&in=3x60000x60000&net=relu',
                       'v=1&in=3x256x256&net=' + Array(64).fill('conv2d(out=512,k=3,p=1)').join(';')]) {
        assert.equal(await hooks((t) => convplay.setState(t), big), true, 'the text itself is valid');
        await hooks(() => convplay.redraw(3));
        await page.waitForTimeout(200);
        const why = await planStatus();
        assert.match(why, /at most/, `a budget message with the limit (${why})`);
        assert.equal(await hooks(() => convplay.busy()), false, 'nothing stays "computing"');
        assert.equal(await hooks(() => convplay.outputHash(-1)), inputHash, 'the previous input picture stays');
        await shot(big.length > 100 ? 'budget-stack' : 'budget-input');
        await assertLive();
    }
    // Back to a state within budget: it runs again.
    await hooks((t) => convplay.setState(t), DEFAULT_STATE);
    await waitSettled(page);
    assert.equal(await planStatus(), '');
});

test('NaN, inf and 1e38 weights: text that is not a number is refused, huge numbers run', async () => {
    await load('v=1&in=1x8x8&net=conv2d(out=1,k=1,wv=1e38);conv2d(out=1,k=1,wv=1e38)');
    await waitSettled(page);
    assert.match(await state(), /wv=1e\+38/);
    await assertLive();
    const before = await state();
    for (const wv of ['nan', 'inf', '-inf', '1e39', '0x10']) {
        assert.equal(await hooks((t) => convplay.setState(t), `v=1&in=1x8x8&net=conv2d(out=1,k=1,wv=${wv})`), false, wv);
        assert.match(await message(), wv === '1e39' ? /wv value 1e39 is out of range \(float32/ : /bad value .* for wv: expected a decimal number/, wv);
        assert.equal(await state(), before);
    }
    await assertLive();
});

// A PNG whose header declares width x height but carries almost no data.
function bombPng(w, h) {
    const png = makePng(1, 1);
    png.writeUInt32BE(w, 16);
    png.writeUInt32BE(h, 20);
    // Fix the IHDR CRC so the header itself is well formed.
    const crc = (buf) => {
        let c = 0xffffffff;
        for (const b of buf) {
            c ^= b;
            for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }
        return (c ^ 0xffffffff) >>> 0;
    };
    png.writeUInt32BE(crc(png.subarray(12, 29)), 29);
    return png;
}

// A real deflate bomb: w x h RGB zeros, about a thousandth of its decoded size.
function zerosPng(w, h) {
    const png = makePng(1, 1);
    const chunk = (type, data) => {
        const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
        const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        let c = 0xffffffff;
        for (const b of body) { c ^= b; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
        const crc = Buffer.alloc(4); crc.writeUInt32BE((c ^ 0xffffffff) >>> 0);
        return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.from(png.subarray(16, 29));
    ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
    return Buffer.concat([png.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc((w * 3 + 1) * h), { level: 9 })),
                          chunk('IEND', Buffer.alloc(0))]);
}

// A JPEG that is only a header: SOI, APP0, a baseline frame header declaring w x h.
function jpegHeader(w, h) {
    const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'), sof]);
}

test('images declaring huge sizes, corrupt images and a non-image are refused, the image is kept', async () => {
    await load(DEFAULT_STATE);
    await waitSettled(page);
    const before = await state(), inputHash = await hooks(() => convplay.outputHash(-1));
    const budget = /too large to decode \(at most \d+x\d+ = \d+ pixels\)/;
    const refused = async (name, buffer, mimeType, expected) => {
        await page.setInputFiles('#file', { name, mimeType, buffer });
        await page.waitForFunction((n) => convplay.message().includes(n), name);
        assert.match(await message(), expected, name);
        assert.match(await message(), /The current image is kept\.$/, name);
        assert.equal(await state(), before, name);
        assert.equal(await hooks(() => convplay.outputHash(-1)), inputHash, name);
    };
    // 10000 x 10000 passes the decoder's own sanity check; 100000 x 100000 (30 GB of pixels) and
    // a 60000 x 60000 JPEG stb's header check calls corrupt: the declared size is read first,
    // and each is refused by the pixel budget, with its size.
    const bomb = bombPng(10000, 10000);
    assert.ok(bomb.length < 100, `the bomb is ${bomb.length} bytes`);
    await refused('bomb.png', bomb, 'image/png', /^error: bomb\.png is 10000x10000 pixels: /);
    assert.match(await message(), budget);
    await refused('huge.png', bombPng(100000, 100000), 'image/png', /^error: huge\.png is 100000x100000 pixels: /);
    assert.match(await message(), budget);
    await refused('huge.jpg', jpegHeader(60000, 60000), 'image/jpeg', /^error: huge\.jpg is 60000x60000 pixels: /);
    assert.match(await message(), budget);
    // Within the budget but corrupt: said so, with the decoder's reason.
    await refused('cut.png', makePng(64, 64).subarray(0, 60), 'image/png', /^error: cut\.png is a corrupt or truncated PNG file \(/);
    await refused('cut.jpg', jpegHeader(640, 480), 'image/jpeg', /^error: cut\.jpg is a corrupt or truncated JPEG file \(/);
    await refused('notes.png', Buffer.from('this is a text file, not a picture\n'), 'image/png',
                  /^error: notes\.png is not an image convplay can read/);
    await assertLive();
    // A deflate bomb within the decode budget (4000 x 4000 from about 50 kB) is read and
    // downscaled to the playground's budget; memory comes back under the bound.
    const zeros = zerosPng(4000, 4000);
    assert.ok(zeros.length < 100000, `the bomb is ${zeros.length} bytes`);
    await page.setInputFiles('#file', { name: 'zeros.png', mimeType: 'image/png', buffer: zeros });
    await page.waitForFunction(() => /zeros\.png/.test(convplay.message()));
    assert.match(await message(), /downscaled from 4000x4000 to 1024x1024/);
    await waitSettled(page);
    await assertLive();
});

// Out of memory, for real: a second page (without the engine Worker) whose wasm memory may not
// grow beyond MEMORY_CAP (the page's own WebAssembly.Memory.grow throws RangeError past it, as a
// browser does when it cannot reserve more), far below the 2 GiB the build allows. A state within
// every budget, an image within the decode budget and a file's bytes then need more than the page
// can get: each is a message, the previous state's outputs and image stay, and the page keeps
// working.
const MEMORY_CAP = 160 << 20;
test('running out of memory is a message: the previous outputs stay and the page keeps working', async () => {
    const capped = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors = [];
    capped.on('pageerror', (e) => errors.push(String(e)));
    await capped.addInitScript((cap) => {
        // No engine Worker: this page's wasm decodes and runs everything, so its capped memory
        // is the one that runs out (a Worker's memory is its own, and init scripts do not reach it).
        window.Worker = undefined;
        const grow = WebAssembly.Memory.prototype.grow;
        WebAssembly.Memory.prototype.grow = function (pages) {
            if (this.buffer.byteLength + pages * 65536 > cap) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
            return grow.call(this, pages);
        };
    }, MEMORY_CAP);
    try {
        await capped.goto(`${site.url}/#${DEFAULT_STATE}`);
        await waitReady(capped);
        await waitSettled(capped);
        const run = (fn, arg) => capped.evaluate(fn, arg);
        const layers = await run(() => convplay.shapes().layers.length);
        const hashes = () => run((n) => Array.from({ length: n + 1 }, (_, i) => convplay.outputHash(i - 1)), layers);
        const before = await hashes();
        await run(() => convplay.redraw(3));
        await capped.waitForTimeout(200);
        const uploads = (await run(() => convplay.timing())).uploads;
        // 3 x 1024 x 1024 into 48 channels: a 192 MiB output, within the run budgets.
        const big = 'v=1&in=3x1024x1024&net=conv2d(out=48,k=3,p=1)';
        assert.equal(await run((t) => convplay.setState(t), big), true);
        await run(() => convplay.redraw(3));
        await capped.waitForTimeout(200);
        await capped.screenshot({ path: path.join(ARTIFACTS_DIR, 'hostile-out-of-memory.png') });
        assert.match(await run(() => convplay.planStatus()), /^not enough memory for this stack \(\d+ MiB\)$/);
        assert.equal(await run(() => convplay.busy()), false, 'nothing stays "computing"');
        assert.equal(await run(() => convplay.outputHash(-1)), before[0], 'the input picture stays');
        // The previous outputs were kept, not made again: back at the previous state nothing
        // runs and nothing is uploaded, and every output is what it was.
        await run((t) => convplay.setState(t), DEFAULT_STATE);
        await waitSettled(capped);
        assert.equal(await run(() => convplay.planStatus()), '');
        // At most one upload: the viewer's full-size texture of layer 1, which it shows now (the
        // refused one-layer state moved it there); the strip's textures are all kept.
        assert.ok((await run(() => convplay.timing())).uploads <= uploads + 1, 'no output was made again');
        assert.deepEqual(await hashes(), before, 'the previous outputs stay');
        // An image within the decode budget whose pixels do not fit: a message, the image stays.
        const kept = await run(() => convplay.state());
        await capped.setInputFiles('#file', { name: 'zeros.png', mimeType: 'image/png', buffer: zerosPng(6000, 6000) });
        await capped.waitForFunction(() => convplay.message().includes('zeros.png'));
        assert.match(await run(() => convplay.message()), /^error: not enough memory for .*zeros\.png.*The current image is kept\.$/);
        assert.equal(await run(() => convplay.state()), kept);
        assert.deepEqual(await hashes(), before);
        // A file whose bytes the page cannot even copy into wasm memory (its malloc fails).
        const bigFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'convplay-big-')), 'big.png');
        writeFileSync(bigFile, Buffer.alloc(150 << 20, 7));   // Playwright passes files over 50 MB by path
        await capped.setInputFiles('#file', bigFile);
        await capped.waitForFunction(() => convplay.message().includes('big.png'), null, { timeout: 60000 });
        rmSync(path.dirname(bigFile), { recursive: true, force: true });
        assert.match(await run(() => convplay.message()), /^error: not enough memory for reading big\.png \(150 MiB\)\. The current image is kept\.$/);
        assert.equal(await run(() => convplay.state()), kept);
        // Still working: a small edit runs.
        await run((t) => convplay.setState(t), 'v=1&in=3x64x64&net=conv2d(out=4,k=3)');
        await waitSettled(capped);
        assert.equal(await run(() => convplay.planStatus()), '');
        const t = performance.now();
        await run(() => convplay.state());
        assert.ok(performance.now() - t < 2000);
        assert.ok(await run(() => Module.HEAPU8.length) <= MEMORY_CAP);
        assert.equal(await capped.locator('#fatal').isVisible(), false, 'no "The playground stopped"');
        assert.deepEqual(errors, []);
    } finally {
        await capped.close();
    }
});

// Out of memory inside the engine Worker: the Worker's own wasm memory may not grow beyond
// MEMORY_CAP (its script is served with the same grow guard prepended; init scripts do not reach
// a Worker). A state whose plan does not fit is refused there: its message is shown, the previous
// outputs stay, the Worker stays in use, and the next state runs in it.
test('the engine Worker running out of memory is a message; the Worker keeps working', async () => {
    const capped = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors = [];
    capped.on('pageerror', (e) => errors.push(String(e)));
    await capped.route('**/engine_worker.js', async (route) => {
        const guard = `(() => { const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function (pages) {
    if (this.buffer.byteLength + pages * 65536 > ${MEMORY_CAP}) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    return grow.call(this, pages);
}; })();\n`;
        try {
            const res = await route.fetch();
            await route.fulfill({ response: res, body: guard + await res.text() });
        } catch (e) {
            // The page closed while a Worker's script was on its way (the spare the page loads a
            // second after a run): Playwright disposed of the response. Nothing waits for it.
        }
    });
    try {
        await capped.goto(`${site.url}/#${DEFAULT_STATE}`);
        await waitReady(capped);
        await waitSettled(capped);
        const run = (fn, arg) => capped.evaluate(fn, arg);
        assert.equal(await run(() => window.cpRunner.info().mode), 'worker');
        const layers = await run(() => convplay.shapes().layers.length);
        const hashes = () => run((n) => Array.from({ length: n + 1 }, (_, i) => convplay.outputHash(i - 1)), layers);
        const before = await hashes();
        // Within every budget, more than the Worker can get (a 192 MiB output).
        await run((t) => convplay.setState(t), 'v=1&in=3x1024x1024&net=conv2d(out=48,k=3,p=1)');
        await capped.waitForFunction(() => convplay.planStatus() !== '', null, { timeout: 30000 });
        await run(() => convplay.redraw(3));
        await capped.waitForTimeout(200);
        await capped.screenshot({ path: path.join(ARTIFACTS_DIR, 'hostile-worker-out-of-memory.png') });
        assert.match(await run(() => convplay.planStatus()), /^not enough memory for this stack \(\d+ MiB\)/);
        assert.equal(await run(() => convplay.busy()), false, 'nothing stays "computing"');
        const info = await run(() => window.cpRunner.info());
        assert.equal(info.mode, 'worker', `the Worker is still in use (${info.failure})`);
        assert.ok(info.refused >= 1);
        // Back to the previous state: its outputs, computed by the same Worker.
        await run((t) => convplay.setState(t), DEFAULT_STATE);
        await waitSettled(capped);
        assert.equal(await run(() => convplay.planStatus()), '');
        assert.deepEqual(await hashes(), before, 'the same outputs as before');
        // A new small state runs in the Worker too.
        await run((t) => convplay.setState(t), 'v=1&in=3x64x64&net=conv2d(out=4,k=3)');
        await waitSettled(capped);
        assert.equal(await run(() => convplay.planStatus()), '');
        assert.equal(await run(() => window.cpRunner.info().mode), 'worker');
        assert.equal(await capped.locator('#fatal').isVisible(), false, 'no "The playground stopped"');
        assert.deepEqual(errors, []);
    } finally {
        await capped.close();
    }
});

// Hostile messages from a host page of another origin to an embedded playground: giant strings,
// wrong types, prototype-pollution-shaped objects, big binary payloads, messages from a sibling
// frame and from the playground's own window, and a flood. Each is ignored or answered with a
// message; the state changes only through a well-formed setState, and the page stays live.
test('hostile postMessage from a host page: ignored or answered, bounded, nothing lost', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'convplay-hostile-'));
    const host = await startServer(dir);
    const sibling = host.url.replace('127.0.0.1', 'localhost');   // a third origin
    const START = 'v=1&in=3x16x16&net=conv2d(out=4,k=3);relu';
    writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><body>
<iframe id="pg" src="${site.url}/index.html?embed=1&id=h#${START}" width="800" height="500"></iframe>
<iframe id="sib" src="${sibling}/sibling.html" width="100" height="50"></iframe>
<script>window.got = []; addEventListener('message', (e) => { if (e.data && e.data.convplay === 1) got.push(e.data); });</script>`);
    // The sibling posts well-formed messages straight into the playground's window.
    writeFileSync(path.join(dir, 'sibling.html'), `<!doctype html><meta charset="utf-8"><script>
addEventListener('message', (e) => {
    if (e.data !== 'go') return;
    parent.frames[0].postMessage({ convplay: 1, type: 'setState', state: 'v=1&in=1x8x8&net=relu' }, '*');
    parent.postMessage('sibling-done', '*');
});</script>`);
    const hostPage = await site.browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors = [];
    hostPage.on('pageerror', (e) => errors.push(String(e)));
    try {
        await hostPage.goto(`${host.url}/index.html`);
        const frame = await (await hostPage.$('#pg')).contentFrame();
        await frame.waitForFunction(() => window.convplay && window.convplay.ready(), null, { timeout: 30000 });
        const fstate = () => frame.evaluate(() => convplay.state());
        const start = await fstate();
        const post = (msgs) => hostPage.evaluate((msgs) => {
            const w = document.getElementById('pg').contentWindow;
            for (const m of msgs) w.postMessage(typeof m === 'string' && m.startsWith('JSON:') ? JSON.parse(m.slice(5)) : m, '*');
        }, msgs);
        const engine = await createEngine({ modulePath: path.join(SITE_DIR, 'convplay_engine.js') });
        const canonical = (t) => engine.shapes(t).state;
        const VALID = canonical('v=1&in=1x8x8&net=relu');
        await post([
            'v=1&in=1x8x8&net=relu',                                          // not an object
            { convplay: '1', type: 'setState', state: VALID },                // version as a string
            { convplay: 2, type: 'setState', state: VALID },                  // another version
            [1, 'setState', VALID],
            { convplay: 1, type: 'setState', state: 12345 },
            { convplay: 1, type: 'setState', state: [VALID] },
            { convplay: 1, type: 'setState', state: { toString: VALID } },
            { convplay: 1, type: 'setState', state: null },
            { convplay: 1, type: 'setState', state: 'v=1&in=3x8x8&net=' + 'relu;'.repeat(20000) },   // 100 kB
            { convplay: 1, type: 'x'.repeat(1 << 20) },                        // a 1 MB type
            { convplay: 1, type: ['setState'], state: VALID },
            { convplay: 1, type: 'constructor' }, { convplay: 1, type: '__proto__' }, { convplay: 1, type: 'toString' },
            'JSON:{"__proto__": {"convplay": 1, "type": "setState", "state": "' + VALID + '"}}',
            'JSON:{"convplay": 1, "type": "getState", "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
            { convplay: 1, type: 'selectLayer', layer: 1e308 }, { convplay: 1, type: 'selectLayer', layer: -1e9 },
            { convplay: 1, type: 'selectLayer', layer: NaN }, { convplay: 1, type: 'selectLayer', layer: '2' },
            { convplay: 1, type: 'selectLayer', layer: 2.5 },
            { convplay: 1, type: 'explainStep', step: 1e300 }, { convplay: 1, type: 'explainStep', step: -5 },
            { convplay: 1, type: 'explainStep', step: 'nope' }, { convplay: 1, type: 'explainStep', step: Infinity },
            new ArrayBuffer(64 << 20),                                         // a 64 MB binary message
            { convplay: 1, type: 'setState', state: VALID, extra: new Uint8Array(16 << 20) },   // ok, with 16 MB attached
        ]);
        // The one well-formed setState (the last) applies; nothing before it did.
        await frame.waitForFunction((v) => convplay.state() === v, VALID, { timeout: 10000 });
        assert.equal(await frame.evaluate(() => ({}).polluted ?? Object.prototype.convplay ?? null), null, 'no prototype was polluted');
        const got = await hostPage.evaluate(() => got.map((m) => m.type));
        assert.ok(got.includes('error'), 'out-of-range layers are answered with an error message');
        const states = await hostPage.evaluate(() => got.filter((m) => m.type === 'state').map((m) => m.state));
        assert.deepEqual(states.filter((s) => s !== start), [VALID], `only the well-formed setState changed the state (${states})`);

        // From a sibling frame of a third origin and from the playground's own window: ignored.
        await post([{ convplay: 1, type: 'setState', state: START }]);
        await frame.waitForFunction((s) => convplay.state() === s, start);
        await hostPage.evaluate(() => new Promise((resolve) => {
            addEventListener('message', (e) => { if (e.data === 'sibling-done') resolve(); });
            document.getElementById('sib').contentWindow.postMessage('go', '*');
        }));
        await frame.evaluate((v) => window.postMessage({ convplay: 1, type: 'setState', state: v }, '*'), VALID);
        await hostPage.waitForTimeout(500);
        assert.equal(await fstate(), start, 'messages from other windows do not act');

        // Order is kept around coalescing: a setState then a getState answers with the new state
        // twice (the setState's reply, then getState's), never the old one.
        await hostPage.evaluate(() => { got.length = 0; });
        await post([{ convplay: 1, type: 'setState', state: VALID }, { convplay: 1, type: 'getState' }]);
        await hostPage.waitForFunction(() => got.filter((m) => m.type === 'state').length >= 2, null, { timeout: 10000 });
        const ordered = await hostPage.evaluate(() => got.filter((m) => m.type === 'state').map((m) => m.state));
        assert.deepEqual(ordered.slice(0, 2), [VALID, VALID], 'getState after setState answers with the new state');

        // A flood: 3000 setState messages in one go. Coalesced (docs/embed.md): the page loads
        // the last one, answers far fewer than 3000 times, and stays live.
        await hostPage.evaluate(() => { got.length = 0; });
        const t0 = performance.now();
        await hostPage.evaluate(() => {
            const w = document.getElementById('pg').contentWindow;
            for (let i = 0; i < 3000; i++) w.postMessage({ convplay: 1, type: 'setState', state: `v=1&in=1x${8 + (i % 50)}x8&net=relu` }, '*');
        });
        await frame.waitForFunction((last) => convplay.state() === last, canonical('v=1&in=1x57x8&net=relu'), { timeout: 60000 });
        const floodMs = performance.now() - t0;
        const t1 = performance.now();
        const inPage = await frame.evaluate(() => { const t = performance.now(); convplay.state(); return performance.now() - t; });
        assert.ok(inPage < 100, `a test hook answered in ${inPage.toFixed(1)} ms after the flood`);
        assert.ok(performance.now() - t1 < 2000);
        const replies = await hostPage.evaluate(() => got.filter((m) => m.type === 'state').length);
        console.log(`hostile: 3000 setState messages handled in ${floodMs.toFixed(0)} ms, ${replies} state replies`);
        assert.ok(replies >= 1 && replies < 300, `the flood was coalesced (${replies} state replies)`);
        assert.ok(floodMs < 10000, `the flood took ${floodMs.toFixed(0)} ms`);
        assert.ok(await frame.evaluate(() => Module.HEAPU8.length) <= MEMORY_BOUND);
        assert.deepEqual(errors, []);
    } finally {
        await hostPage.close();
        host.proc.kill();
        rmSync(dir, { recursive: true, force: true });
    }
});
