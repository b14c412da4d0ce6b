// web/embed.js on a host page of ANOTHER origin, with the real playground in its iframes
// (headless Chromium via playwright-core). Three origins: the site (build/site on one
// http.server, 127.0.0.1:A), the host page (a second http.server, 127.0.0.1:B) and a forger
// (the host's server reached as localhost:B). The host embeds two playgrounds via embed.js, far
// apart so the lazy loading shows. Screenshot: test-artifacts/embed-host.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../web/engine.mjs';
import { ROOT, SITE_DIR, ARTIFACTS_DIR, ENGINE_JS } from './engine.mjs';
import { startServer, launch } from './playground_support.mjs';

const ONE = 'v=1&in=3x64x64&img=checker&net=conv2d(out=8,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)';
const TWO = 'v=1&in=1x3x3&img=impulse&net=convT2d(out=1,k=3,s=2,p=1)';
const SET = 'v=1&in=3x255x255&net=conv2d(out=8,k=4,s=2,p=1);relu;convT2d(out=3,k=4,s=2,p=1,op=1)';
const TALL = 'v=1&in=3x64x64&net=' + Array.from({ length: 12 }, () => 'conv2d(out=3,k=3,p=1);relu').join(';');

let site, host, browser, page, engine, dir, hostUrl, forgerUrl;
const pageErrors = [];

const attr = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

// The host page: a text field, two embeds with a tall gap between them, a forger iframe from a
// third origin, and a log of every event embed.js hands over (window.log).
function hostPage(siteUrl, forger) {
    return `<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<style>body{margin:0;font:16px sans-serif} .gap{height:2400px} .embed{width:720px}</style></head><body>
<h1>A host page</h1>
<input id="note" aria-label="note">
<div class="embed" id="one" data-convplay="${attr(ONE)}" data-panels="layers,shapes"></div>
<div class="gap"></div>
<div class="embed" id="two" data-convplay="${attr(TWO)}" data-panels="explain" data-layer="1"></div>
<div class="gap"></div>
<iframe id="forger" src="${forger}/forger.html" width="300" height="80"></iframe>
<script src="${siteUrl}/embed.js"></script>
<script>
window.log = [];
for (const id of ['one', 'two'])
    for (const type of ['ready', 'state', 'shapes', 'error', 'resize'])
        convplay.on('#' + id, type, (m) => log.push({ el: id, type, m }));
</script></body></html>`;
}

// Posts well-formed messages to its parent that claim to come from embed "one".
const FORGER = `<!doctype html><meta charset="utf-8"><body>forger<script>
window.addEventListener('message', (e) => {
    if (e.data !== 'go') return;
    parent.postMessage({ convplay: 1, type: 'shapes', id: 'one', shapes: { forged: true } }, '*');
    parent.postMessage({ convplay: 1, type: 'resize', id: 'one', height: 3333 }, '*');
    parent.postMessage({ convplay: 1, type: 'state', id: 'one', state: 'forged' }, '*');
    parent.postMessage('done', '*');
});
</script>`;

const events = (el, type) => page.evaluate(([el, type]) => log.filter((e) => e.el === el && e.type === type).map((e) => e.m),
                                           [el, type]);
const frameOf = async (id) => (await page.$(`#${id} iframe`))?.contentFrame();
const frameState = async (id) => (await frameOf(id)).evaluate(() => window.convplay.state());

async function waitEvent(el, type, pred = () => true, timeout = 30000) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const hit = (await events(el, type)).find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no '${type}' event from embed '${el}' within ${timeout} ms`);
        await page.waitForTimeout(100);
    }
}

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'convplay_app.wasm')), `${SITE_DIR} has no playground: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    engine = await createEngine({ modulePath: ENGINE_JS });
    dir = mkdtempSync(path.join(os.tmpdir(), 'convplay-host-'));
    site = await startServer();
    host = await startServer(dir);
    hostUrl = host.url;
    forgerUrl = host.url.replace('127.0.0.1', 'localhost');
    writeFileSync(path.join(dir, 'index.html'), hostPage(site.url, forgerUrl));
    writeFileSync(path.join(dir, 'forger.html'), FORGER);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${hostUrl}/index.html`);
});

after(async () => {
    await browser?.close();
    site?.proc.kill();
    host?.proc.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
});

test('embed.js is under 6 KB, unminified', () => {
    const bytes = statSync(path.join(ROOT, 'web/embed.js')).size;
    assert.ok(bytes < 6000, `web/embed.js is ${bytes} bytes`);
});

test('lazy: only the embed near the viewport gets an iframe, the other one when scrolled to', async () => {
    assert.notEqual(new URL(hostUrl).origin, new URL(site.url).origin, 'the host is another origin');
    const ready = await waitEvent('one', 'ready');
    assert.equal(ready.state, ONE, "'ready' carries the state");
    assert.equal(await page.$('#two iframe'), null, 'the far embed has no iframe yet');
    const src = await page.$eval('#one iframe', (f) => f.src);
    const u = new URL(src);
    assert.equal(u.origin, new URL(site.url).origin);
    assert.equal(u.pathname, '/index.html', 'index.html beside embed.js');
    assert.equal(u.searchParams.get('embed'), '1');
    assert.equal(u.searchParams.get('panels'), 'layers,shapes');
    assert.equal(u.searchParams.get('origin'), new URL(hostUrl).origin, 'the playground is told who its host is');
    assert.equal(decodeURIComponent(u.hash.slice(1)), ONE);
    await page.$eval('#two', (el) => el.scrollIntoView());
    await waitEvent('two', 'ready');
    assert.ok(await page.$('#two iframe'), 'scrolling to it made the iframe');
    await page.evaluate(() => window.scrollTo(0, 0));
});

test('setState from the host: a shapes event with the engine\'s numbers, and a state event', async () => {
    await page.evaluate((s) => convplay.setState('#one', s), SET);
    const canon = engine.shapes(SET).state;
    const m = await waitEvent('one', 'shapes', (x) => x.shapes && x.shapes.state === canon);
    const want = engine.shapes(SET);
    assert.deepEqual(m.shapes.output, want.output);
    assert.deepEqual(m.shapes.output, [1, 3, 255, 255], 'k=4 s=2 p=1 with op=1 restores 255');
    assert.deepEqual(m.shapes.layers.map((L) => L.out), want.layers.map((L) => L.out));
    assert.deepEqual(m.shapes.layers.map((L) => L.axes.map((a) => a.formula)), want.layers.map((L) => L.axes.map((a) => a.formula)));
    await waitEvent('one', 'state', (x) => x.state === canon);
    assert.equal(await page.evaluate(() => convplay.state('#one')), canon, 'convplay.state(el) follows');
    assert.equal(await frameState('one'), canon, 'the playground itself has the new state');
    assert.equal(await frameState('two'), engine.shapes(TWO).state, 'the other embed is untouched');
    // A refused state: an error event with PyTorch's words, and the playground keeps its state.
    await page.evaluate(() => convplay.setState('#one', 'v=1&in=3x8x8&net=convT2d(out=3,k=3,s=2,op=2)'));
    const err = await waitEvent('one', 'error');
    assert.match(err.message, /output padding must be smaller than either stride or dilation/);
});

// The bytes' FNV-1a, as the playground's convplay.outputHash computes it.
function fnv(values) {
    let h = 2166136261;
    for (const b of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) h = Math.imul(h ^ b, 16777619) >>> 0;
    return h;
}

test('an embed on another origin computes in its engine Worker: the engine\'s outputs, no plan on the page', async () => {
    await page.evaluate((s) => convplay.setState('#one', s), SET);
    const f = await frameOf('one');
    await f.waitForFunction((s) => { const c = window.convplay, t = c.timing(); return c.state() === s && !c.busy() && t.shown_edit === t.edits; },
                            engine.shapes(SET).state);
    const got = await f.evaluate(() => ({
        runner: convplay.runner().mode, costs: convplay.costs(), state: convplay.state(),
        hashes: convplay.shapes().layers.map((_, i) => convplay.outputHash(i)),
    }));
    assert.equal(got.runner, 'worker', 'the iframe runs its layers in a Worker');
    assert.deepEqual([got.costs.plansMade, got.costs.weightsMade], [0, 0], 'the embedded page made no plan and no weights');
    const want = engine.run(got.state);
    assert.ok(want.ok, want.error);
    assert.deepEqual(got.hashes, want.layers.map((L) => fnv(L.output)), 'the same values as the engine under Node');
});

test('messages from another window or origin are ignored', async () => {
    const before = await page.evaluate(() => ({ n: log.length, h: document.querySelector('#one iframe').style.height }));
    // the host's own window, and the forger iframe of a third origin, both claiming to be embed "one"
    await page.evaluate(() => window.postMessage({ convplay: 1, type: 'shapes', id: 'one', shapes: { forged: true } }, '*'));
    const forger = page.frames().find((f) => f.url().endsWith('/forger.html'));
    assert.equal(new URL(forger.url()).origin, new URL(forgerUrl).origin);
    assert.notEqual(new URL(forgerUrl).origin, new URL(hostUrl).origin);
    await page.evaluate(() => new Promise((resolve) => {
        const done = (e) => { if (e.data === 'done') { removeEventListener('message', done); resolve(); } };
        addEventListener('message', done);
        document.getElementById('forger').contentWindow.postMessage('go', '*');
    }));
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => ({ n: log.length, h: document.querySelector('#one iframe').style.height,
                                               forged: log.some((e) => JSON.stringify(e.m).includes('forged')) }));
    assert.equal(after.forged, false, 'no forged message reached a listener');
    assert.equal(after.h, before.h, 'a forged resize did not change the height');
    assert.notEqual(await page.evaluate(() => convplay.state('#one')), 'forged');
});

test('the playground ignores setState from an origin its origin= flag does not list', async () => {
    // An iframe made by hand with origin= naming some other host: the host's messages must not act.
    const src = `${site.url}/index.html?embed=1&id=strict&origin=${encodeURIComponent('https://example.invalid')}#${ONE}`;
    await page.evaluate((src) => {
        const f = document.createElement('iframe');
        f.id = 'strict'; f.src = src; f.width = 400; f.height = 300;
        document.body.prepend(f);
    }, src);
    const frame = await (await page.$('#strict')).contentFrame();
    await frame.waitForFunction(() => window.convplay && window.convplay.ready(), null, { timeout: 30000 });
    await page.evaluate((s) => document.getElementById('strict').contentWindow.postMessage({ convplay: 1, type: 'setState', state: s }, '*'), SET);
    await page.waitForTimeout(1000);
    assert.equal(await frame.evaluate(() => window.convplay.state()), engine.shapes(ONE).state, 'state unchanged');
    await page.evaluate(() => document.getElementById('strict').remove());
});

test('auto-height: the iframe takes the height the playground asks for', async () => {
    const sizes = await events('one', 'resize');
    assert.ok(sizes.length > 0, 'the playground sent its height');
    const last = sizes[sizes.length - 1].height;
    assert.equal(await page.$eval('#one iframe', (f) => f.getBoundingClientRect().height), Math.ceil(last));
    // More layers, a taller stack editor: the height follows.
    const n = sizes.length;
    await page.evaluate((s) => convplay.setState('#one', s), TALL);
    const next = await waitEvent('one', 'resize', (m) => m !== sizes[n - 1] && m.height > last, 15000)
        .catch(() => null);
    const now = (await events('one', 'resize')).at(-1).height;
    assert.ok(next, `no taller resize after adding layers (last ${last}, now ${now})`);
    // The height of the newest resize: more may follow `now` while the new layers' outputs arrive.
    await page.waitForFunction(() => {
        const sizes = log.filter((e) => e.el === 'one' && e.type === 'resize');
        return document.querySelector('#one iframe').getBoundingClientRect().height === Math.ceil(sizes.at(-1).m.height);
    }, null, { timeout: 10000 }).catch(async () => {
        const h = await page.$eval('#one iframe', (f) => f.getBoundingClientRect().height);
        assert.fail(`the iframe is ${h} px; the resizes asked for ${JSON.stringify((await events('one', 'resize')).map((m) => m.height))}`);
    });
    await page.evaluate((s) => convplay.setState('#one', s), ONE);
});

test('keyboard stays where the user typed', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const one = await frameOf('one'), two = await frameOf('two');
    for (const f of [one, two]) await f.evaluate(() => { window.keys = 0; addEventListener('keydown', () => window.keys++, true); });
    const s1 = await frameState('one'), s2 = await frameState('two');
    await page.click('#note');
    await page.keyboard.type('k=5 s3');
    assert.equal(await page.inputValue('#note'), 'k=5 s3');
    assert.equal(await one.evaluate(() => window.keys), 0, 'host typing does not reach playground one');
    assert.equal(await two.evaluate(() => window.keys), 0, 'nor playground two');
    assert.equal(await frameState('one'), s1);
    assert.equal(await frameState('two'), s2);
    // Into the playground: a click there, then keys land in its document, not in the host field.
    const box = await page.$eval('#one iframe', (f) => { const r = f.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    await page.mouse.click(box.x + box.w - 20, box.y + Math.min(box.h, 800 - box.y) - 20);   // a visible spot
    await page.keyboard.type('xyz');
    assert.equal(await page.inputValue('#note'), 'k=5 s3', 'the host field did not get the keys');
    assert.ok(await one.evaluate(() => window.keys) >= 3, 'playground one got them');
    assert.equal(await two.evaluate(() => window.keys), 0, 'playground two did not');
});

test('the wheel over an embed scrolls the host page', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.$eval('#one iframe', (f) => { const r = f.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    await page.mouse.move(box.x + box.w / 2, box.y + Math.min(box.h / 2, 300));
    await page.mouse.wheel(0, 400);
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'embed-host.png') });
    assert.deepEqual(pageErrors, [], 'no uncaught errors on the host page');
});

test('the tutorial\'s exercise answers through the host API', async () => {
    const tut = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    tut.on('pageerror', (e) => pageErrors.push(String(e)));
    await tut.goto(`${site.url}/tutorial.html`);
    await tut.$eval('#exercise', (el) => el.scrollIntoView());
    const want = engine.shapes(await tut.getAttribute('#exercise', 'data-convplay'));
    const result = () => tut.textContent('#exercise-result');
    // The starting state is wrong: the page says so, from the playground's own shapes.
    await tut.waitForFunction(() => document.getElementById('exercise-result').classList.contains('bad'), null, { timeout: 30000 });
    assert.equal(await result(), `The decoder makes ${want.output.slice(-2).join('×')}, not ${want.input.slice(-2).join('×')}.`);
    assert.ok(want.fixed_state, 'the engine knows a fix');
    await tut.evaluate((s) => convplay.setState('#exercise', s), want.fixed_state);
    await tut.waitForFunction(() => document.getElementById('exercise-result').classList.contains('ok'), null, { timeout: 15000 });
    assert.match(await result(), new RegExp(`^Restored: the decoder gives back ${want.input.slice(-2).join('×')}\\.`));
    assert.equal(await tut.textContent('#exercise-state'), engine.shapes(want.fixed_state).state, 'the state event reached the page');
    // Changing the input size is not an answer.
    await tut.evaluate(() => convplay.setState('#exercise', 'v=1&in=1x256x256&net=conv2d(out=8,k=4,s=2,p=1);relu;convT2d(out=1,k=4,s=2,p=1)'));
    await tut.waitForFunction(() => /^Keep the input at/.test(document.getElementById('exercise-result').textContent), null, { timeout: 15000 });
    await tut.close();
});
