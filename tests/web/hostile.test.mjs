// Crafted input against the real playground (build/site, headless Chromium): huge and truncated
// links, malformed escapes, a refused plan, extreme weights, a decompression-bomb PNG and a file
// that is not an image. Each case must give a clear message, leave a live page (a test hook
// answers within 100 ms), lose nothing (the previous state and image stay) and no page error;
// wasm memory stays under a bound. Screenshots: test-artifacts/hostile-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { SITE_DIR, ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, startServer, launch, waitReady, waitSettled, makePng } from './playground_support.mjs';

let server, baseUrl, browser, page;
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
    await page.goto(`${baseUrl}/#${fragment}`);
    await waitReady(page);
}

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'convplay_app.wasm')), `${SITE_DIR} has no playground: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    ({ proc: server, url: baseUrl } = await startServer());
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await load(DEFAULT_STATE);
    await waitSettled(page);
});

after(async () => {
    await browser?.close();
    server?.kill();
});

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
        assert.match(await message(), /bad value .* for wv: expected a decimal number/, wv);
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

test('tiny PNGs declaring huge sizes and a non-image are refused, the image is kept', async () => {
    await load(DEFAULT_STATE);
    await waitSettled(page);
    const before = await state(), inputHash = await hooks(() => convplay.outputHash(-1));
    // 10000 x 10000 passes the decoder's own sanity check: the pixel budget refuses it.
    const bomb = bombPng(10000, 10000);
    assert.ok(bomb.length < 100, `the bomb is ${bomb.length} bytes`);
    await page.setInputFiles('#file', { name: 'bomb.png', mimeType: 'image/png', buffer: bomb });
    await page.waitForFunction(() => /bomb\.png/.test(convplay.message()));
    assert.match(await message(), /^error: bomb\.png is 10000x10000 \(100 megapixels\): too large \(at most \d+ megapixels\)/);
    // 100000 x 100000 (30 GB of pixels) stb itself calls corrupt.
    await page.setInputFiles('#file', { name: 'huge.png', mimeType: 'image/png', buffer: bombPng(100000, 100000) });
    await page.waitForFunction(() => /huge\.png/.test(convplay.message()));
    assert.match(await message(), /^error: huge\.png is not an image convplay can read \(.*corrupt\)/);
    assert.equal(await state(), before);
    await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is a text file, not a picture\n') });
    await page.waitForFunction(() => /notes\.png/.test(convplay.message()));
    assert.match(await message(), /^error: notes\.png is not an image convplay can read/);
    assert.equal(await state(), before);
    assert.equal(await hooks(() => convplay.outputHash(-1)), inputHash);
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
