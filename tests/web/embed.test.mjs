// The playground as an embed (build/site/index.html?embed=1&...), in headless Chromium: query
// flags lock and hide what they say; bad flags leave a working frame; the host API (postMessage
// setState -> `shapes`, errors, selectLayer) from a same-origin host page; the wheel over an
// embed scrolls the host page; Tab reaches the playground and Escape hands focus back; a phone
// (390x844, touch through CDP Input.dispatchTouchEvent): a vertical swipe leaves the state alone,
// a tap on Fix applies the fix. Screenshots (test-artifacts/embed-*.png) at 320, 700x450 and 1920.
// The cross-origin host tests are tests/web/tutorial*.test.mjs (web/embed.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR, ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, startServer, launch, waitReady, waitSettled, widgetRect, settledRect } from './playground_support.mjs';

let server, baseUrl, browser;
const pageErrors = [];

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'convplay_app.wasm')), `${SITE_DIR} has no playground: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    ({ proc: server, url: baseUrl } = await startServer());
    browser = await launch();
});

after(async () => {
    await browser?.close();
    server?.kill();
    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
});

async function newPage(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `embed-${name}.png`) });

// A host page on the playground's origin (served through Playwright's router): tall text with
// an iframe of the playground at `top` px; every message from the frame lands in window.msgs.
async function hostPage(page, src, { width = 700, height = 450, top = 300 } = {}) {
    const html = `<!doctype html><meta charset="utf-8"><title>host</title>
<style>body{margin:0;font:16px sans-serif} p{margin:0 16px;height:${top}px}</style>
<button id="before">before</button><p>Text above the embed.</p>
<iframe id="f" src="${src}" width="${width}" height="${height}" style="border:0;display:block"></iframe>
<p style="height:2000px">Text below the embed.</p>
<script>window.msgs = []; addEventListener('message', (e) => { if (e.source === document.getElementById('f').contentWindow) msgs.push(e.data); });</script>`;
    await page.route(`${baseUrl}/host.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`${baseUrl}/host.html`);
    const frame = page.frames().find((f) => f.url().startsWith(`${baseUrl}/index.html`));
    await waitReady(frame);
    await waitSettled(frame);
    return frame;
}

// The first message of `type` from the frame that satisfies `pred` (checked here, in Node).
async function message(page, type, pred = () => true, timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const found = (await page.evaluate(() => window.msgs)).find((m) => m && m.type === type && pred(m));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no '${type}' message: ${JSON.stringify(await page.evaluate(() => window.msgs)).slice(0, 2000)}`);
        await page.waitForTimeout(50);
    }
}

test('lock= shows parameters read-only and refuses their edits; hide= removes them', async () => {
    const page = await newPage({ viewport: { width: 700, height: 450 } });
    await page.goto(`${baseUrl}/index.html?embed=1&panels=layers&lock=s,p&hide=d,upload,weights#${DEFAULT_STATE}`);
    await waitReady(page);
    await waitSettled(page);
    // Locked: on screen, but a click does nothing to the state.
    const stride = await widgetRect(page, 'L1.stride');
    await page.mouse.click(stride.x + stride.w * 0.97, stride.y + stride.h / 2);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => convplay.state()), DEFAULT_STATE, 'a locked stride does not move');
    // Hidden: not drawn at all.
    for (const name of ['L1.dilation', 'upload', 'L1.preset'])
        assert.equal(await page.evaluate((n) => { convplay.redraw(2); return convplay.rect(n); }, name), null, `${name} is hidden`);
    // An unlocked parameter still edits.
    const kernel = await widgetRect(page, 'L1.kernel');
    await page.mouse.click(kernel.x + kernel.w * 0.97, kernel.y + kernel.h / 2);
    await page.waitForFunction(() => convplay.state().includes('k=11'));
    assert.match(await page.evaluate(() => convplay.state()), /conv2d\(out=16,k=11,s=2,p=1\)/);
    await shot(page, 'lock-700x450');
    // The one-click fix sets op: not locked here, so it is offered; under lock=op it is not.
    const locked = await newPage({ viewport: { width: 700, height: 450 } });
    await locked.goto(`${baseUrl}/index.html?embed=1&panels=layers&lock=op#${DEFAULT_STATE}`);
    await waitReady(locked);
    await waitSettled(locked);
    assert.equal(await locked.evaluate(() => { convplay.redraw(2); return convplay.rect('fix'); }), null, 'no Fix when op is locked');
    await locked.context().close();
    await page.context().close();
});

test('bad and unknown flags: one console warning each, and a working frame', async () => {
    const page = await newPage({ viewport: { width: 700, height: 450 } });
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' && m.text().startsWith('convplay:')) warnings.push(m.text()); });
    await page.goto(`${baseUrl}/index.html?embed=yes&panels=map,nope&layer=99&lock=zz&colour=red#${DEFAULT_STATE}`);
    await waitReady(page);
    await waitSettled(page);
    assert.equal(warnings.length, 5, warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes("unknown panel 'nope'")));
    assert.ok(warnings.some((w) => w.includes("unknown flag 'colour'")));
    const s = await page.evaluate(() => convplay.shapes());
    assert.deepEqual(s.layers[2].out, [1, 3, 255, 255], 'the state still runs');
    assert.ok(await page.evaluate(() => convplay.outputHash(2)) >= 0, 'outputs computed');
    await shot(page, 'bad-flags-700x450');
    await page.context().close();
});

test('host API: ready, setState -> state + shapes, errors, selectLayer, getShapes', async () => {
    const page = await newPage();
    const frame = await hostPage(page, `/index.html?embed=1&panels=explain&id=fig1#${DEFAULT_STATE}`);
    const ready = await message(page, 'ready');
    assert.equal(ready.convplay, 1);
    assert.equal(ready.id, 'fig1');
    assert.equal(ready.state, DEFAULT_STATE);
    const resize = await message(page, 'resize');
    assert.ok(resize.height > 100 && resize.height < 2000, `a preferred height (${resize.height})`);

    const post = (msg) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), msg);
    const next = 'v=1&in=3x65x65&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1)';
    await post({ convplay: 1, type: 'setState', state: next });
    const shapes = await message(page, 'shapes', (m) => m.shapes.input[3] === 65);
    assert.equal(shapes.id, 'fig1');
    assert.deepEqual(shapes.shapes.layers[0].out, [1, 8, 33, 33], 'floor((65 + 2 - 3) / 2) + 1 = 33');
    assert.deepEqual(shapes.shapes.layers[1].out, [1, 3, 65, 65], '(33 - 1) * 2 - 2 + 3 = 65');
    assert.equal((await message(page, 'state', (m) => m.state.includes('65x65'))).state, 'v=1&in=3x65x65&img=photo&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1)');

    // A refused state and a state with an error: PyTorch's words.
    await post({ convplay: 1, type: 'setState', state: 'v=1&net=conv2d(out=4,kk=3)' });
    const refused = await message(page, 'error', (m) => m.message.includes('kk'));
    assert.match(refused.message, /unknown argument 'kk'/);
    await post({ convplay: 1, type: 'setState', state: 'v=1&in=3x4x4&net=conv2d(out=4,k=7)' });
    const bad = await message(page, 'error', (m) => m.layer === 1);
    assert.match(bad.message, /Kernel size can't be greater than actual input size/);
    // A valid state over a run budget: nothing new is drawn, and the host hears why.
    await post({ convplay: 1, type: 'setState', state: 'v=1&in=3x60000x60000&net=relu' });
    const over = await message(page, 'error', (m) => m.message.startsWith('Cannot run'));
    assert.equal(over.layer, undefined);
    assert.match(over.message, /pixels per channel/);

    // Malformed and hostile messages are ignored; the state stays.
    const before = await frame.evaluate(() => convplay.state());
    for (const m of [null, 'setState', [1], { type: 'setState', state: next }, { convplay: 2, type: 'setState', state: next },
                     { convplay: 1, type: 'setState', state: 'x'.repeat(70000) }, { convplay: 1, type: 'setState', state: 42 },
                     { convplay: 1, type: 'selectLayer', layer: '2' }, { convplay: 1, type: 'nope' }])
        await post(m);
    // From the frame itself (not its parent): ignored too.
    await frame.evaluate((s) => window.postMessage({ convplay: 1, type: 'setState', state: s }, '*'), next);
    await page.waitForTimeout(300);
    assert.equal(await frame.evaluate(() => convplay.state()), before);

    await post({ convplay: 1, type: 'selectLayer', layer: 7 });
    assert.match((await message(page, 'error', (m) => m.message.includes('selectLayer'))).message, /no layer 7/);
    await post({ convplay: 1, type: 'selectLayer', layer: 1e9 });
    assert.match((await message(page, 'error', (m) => m.message.includes('1000000000'))).message, /no layer 1000000000 \(the state has 1 layer;/);
    const n = (await page.evaluate(() => window.msgs.filter((m) => m.type === 'shapes').length));
    await post({ convplay: 1, type: 'getShapes' });
    await page.waitForFunction((k) => window.msgs.filter((m) => m.type === 'shapes').length > k, n);
    await page.context().close();
});

test('the wheel over an embed scrolls the host page, unless a clicked feature map zooms', async () => {
    const page = await newPage();
    const frame = await hostPage(page, `/index.html?embed=1&panels=map,layers#${DEFAULT_STATE}`);
    await shot(page, 'host-1280');
    const box = await page.locator('#f').boundingBox();
    const viewer = await widgetRect(frame, 'viewer');
    const at = { x: box.x + viewer.x + viewer.w / 2, y: box.y + viewer.y + viewer.h / 2 };
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, 240);
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5000 });
    const scrolled = await page.evaluate(() => window.scrollY);
    // Click the map (arms its zoom), then the wheel zooms it and the host stays.
    const box2 = await page.locator('#f').boundingBox();
    const viewer2 = await widgetRect(frame, 'viewer');
    const at2 = { x: box2.x + viewer2.x + viewer2.w / 2, y: box2.y + viewer2.y + viewer2.h / 2 };
    await page.mouse.click(at2.x, at2.y);
    const zoom0 = await frame.evaluate(() => convplay.view().zoom);
    await page.mouse.wheel(0, -240);
    await frame.waitForFunction((z) => convplay.view().zoom !== z, zoom0, { timeout: 5000 });
    assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the host did not scroll while zooming');
    await page.context().close();
});

test('Tab from the host reaches the playground; Escape hands focus back', async () => {
    const page = await newPage();
    const frame = await hostPage(page, `/index.html?embed=1&panels=layers#${DEFAULT_STATE}`);
    await page.focus('#before');
    await page.keyboard.press('Tab');
    await frame.waitForFunction(() => document.activeElement && document.activeElement.id === 'canvas', null, { timeout: 3000 });
    assert.ok(await frame.evaluate(() => document.getElementById('canvas').classList.contains('kbd-focus')), 'a focus ring shows');
    await shot(page, 'focus-ring');
    await page.keyboard.press('Escape');
    await frame.waitForFunction(() => document.activeElement !== document.getElementById('canvas'), null, { timeout: 3000 });
    assert.equal(await page.evaluate(() => document.hasFocus()), true, 'the host page has focus again');
    await page.context().close();
});

// CDP touch: one finger from (x, y) moved by (dx, dy) in steps, then lifted.
async function swipe(page, x, y, dx, dy, steps = 8) {
    const cdp = await page.context().newCDPSession(page);
    const point = (px, py) => [{ x: px, y: py, id: 1, radiusX: 2, radiusY: 2, force: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(x, y) });
    for (let i = 1; i <= steps; i++)
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(x + (dx * i) / steps, y + (dy * i) / steps) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();
}

test('phone 390x844 (touch): a vertical swipe leaves the state alone; a tap on Fix applies it', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    await page.goto(`${baseUrl}/index.html#${DEFAULT_STATE}`);
    await waitReady(page);
    await waitSettled(page);
    await shot(page, 'phone-390x844');
    // A swipe up on the Layers panel scrolls it (the page itself never scrolls): layer 1's
    // sliders come into view. Then a swipe up that starts on a slider: it scrolls, the slider
    // does not move.
    const header0 = await widgetRect(page, 'L1.header');
    await swipe(page, 200, 700, 0, -400);
    await page.waitForFunction((y) => { convplay.redraw(2); const r = convplay.rect('L1.header'); return r && r.y < y - 200; }, header0.y);
    let d = await widgetRect(page, 'L1.dilation');
    for (let i = 0; i < 4 && d.y + d.h > 700; i++) {
        await swipe(page, 200, 700, 0, -300);
        await page.waitForTimeout(200);
        d = await widgetRect(page, 'L1.dilation');
    }
    assert.ok(d.h >= 40, `a slider is a finger's height (${d.h} px)`);
    assert.ok(d.y > 150 && d.y + d.h < 844, `the dilation slider is on screen (${JSON.stringify(d)})`);
    await shot(page, 'phone-390x844-scrolled');
    await swipe(page, d.x + d.w * 0.5, d.y + d.h / 2, 4, -120);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => convplay.state()), DEFAULT_STATE, 'the swipe changed nothing');
    assert.ok((await widgetRect(page, 'L1.dilation')).y < d.y - 60, 'the swipe scrolled');
    // A horizontal drag does move a slider (the kernel size's, brought back below the panel's
    // top first: the swipes above may have scrolled it under the bar).
    const top = await widgetRect(page, 'tab.layers');
    let s = await widgetRect(page, 'L1.kernel');
    for (let i = 0; i < 4 && s.y < top.y + top.h + 10; i++) {
        await swipe(page, 200, 500, 0, 150);
        await page.waitForTimeout(200);
        s = await widgetRect(page, 'L1.kernel');
    }
    assert.ok(s.y >= top.y + top.h && s.y + s.h <= 844, `the kernel size slider is on screen (${JSON.stringify(s)})`);
    await swipe(page, s.x + s.w * 0.1, s.y + s.h / 2, s.w * 0.85, 0);
    await page.waitForFunction(() => !convplay.state().includes('conv2d(out=16,k=3,s=2,'));
    // Back to the default state, then a tap on Fix.
    await page.evaluate((t) => convplay.setState(t), DEFAULT_STATE);
    await waitSettled(page);
    const fix = await widgetRect(page, 'fix');
    assert.ok(fix.h >= 40, `Fix is a finger's height (${fix.h} px)`);
    assert.ok(fix.x >= 0 && fix.x + fix.w <= 390, 'Fix is on screen');
    await page.touchscreen.tap(fix.x + fix.w / 2, fix.y + fix.h / 2);
    await page.waitForFunction(() => convplay.state().includes('op=1'), null, { timeout: 5000 });
    // The Feature map tab (a tap), then two fingers spread apart over the map zoom it. The bar
    // follows the status line's wrapped lines from the next frame: wait until the tab stays put.
    let tab = await widgetRect(page, 'tab.map');
    for (let prev = null; !prev || prev.y !== tab.y;) {
        prev = tab;
        await page.waitForTimeout(150);
        tab = await widgetRect(page, 'tab.map');
    }
    await page.touchscreen.tap(tab.x + tab.w / 2, tab.y + tab.h / 2);
    await page.waitForFunction(() => convplay.view().panel === 'map');
    const map = await widgetRect(page, 'viewer');
    const cx = map.x + map.w / 2, cy = map.y + map.h / 2;
    const cdp = await page.context().newCDPSession(page);
    const two = (d) => [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: two(20) });
    for (const d of [30, 45, 60, 80]) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: two(d) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForFunction(() => convplay.view().zoom > 0, null, { timeout: 5000 });
    await shot(page, 'phone-390x844-pinched');
    assert.match(await page.evaluate(() => convplay.state()), /op=1/, 'the pinch changed no parameter');
    await page.context().close();
});

test('phone host page: a vertical swipe over an embed scrolls the host and changes nothing', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const frame = await hostPage(page, `/index.html?embed=1&panels=layers#${DEFAULT_STATE}`, { width: 370, height: 500, top: 200 });
    const box = await page.locator('#f').boundingBox();
    const slider = await widgetRect(frame, 'size');
    await swipe(page, box.x + slider.x + slider.w / 2, box.y + slider.y + slider.h / 2, 3, -300);
    await page.waitForFunction(() => window.scrollY > 100, null, { timeout: 5000 });
    assert.equal(await frame.evaluate(() => convplay.state()), DEFAULT_STATE, 'the swipe changed nothing');
    await page.context().close();
});

test('an embed scrolled out of view draws nothing and runs nothing until it is back', async () => {
    const page = await newPage();
    const frame = await hostPage(page, `/index.html?embed=1&panels=outputs#${DEFAULT_STATE}`);
    await page.evaluate(() => window.scrollTo(0, 1500));
    // The page learns it is out of view from its IntersectionObserver, whose callback comes a
    // frame or more after the scroll (later on a loaded machine than the fixed 300 ms this waited).
    // One more observer of the canvas, made after the page's, is called after it in the same
    // update: once it sees the canvas off screen, the page has stopped its frames.
    await frame.evaluate(() => new Promise((resolve, reject) => {
        const late = setTimeout(() => reject(new Error('the embed still intersects the viewport 10 s after the scroll')), 10000);
        const o = new IntersectionObserver((entries) => {
            if (entries[entries.length - 1].isIntersecting) return;
            clearTimeout(late);
            o.disconnect();
            resolve();
        });
        o.observe(document.getElementById('canvas'));
    }));
    const f0 = await frame.evaluate(() => convplay.frames());
    const next = 'v=1&in=3x32x32&net=conv2d(out=4,k=3,s=2,p=1)';
    await page.evaluate((s) => document.getElementById('f').contentWindow.postMessage({ convplay: 1, type: 'setState', state: s }, '*'), next);
    await page.waitForTimeout(800);
    assert.equal(await frame.evaluate(() => convplay.frames()), f0, 'no frame drawn while out of view');
    assert.equal(await frame.evaluate(() => convplay.outputHash(0)), -1, 'the new state did not run yet');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shapes = await message(page, 'shapes', (m) => m.shapes.input[3] === 32);
    assert.deepEqual(shapes.shapes.layers[0].out, [1, 4, 16, 16]);
    await frame.waitForFunction(() => convplay.outputHash(0) >= 0);
    await page.context().close();
});

test('the full page: "Embed..." copies a working iframe; "Tutorial" opens the tutorial', async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await page.goto(`${baseUrl}/index.html#${DEFAULT_STATE}`);
    await waitReady(page);
    await waitSettled(page);
    const open = await widgetRect(page, 'embed_code');
    await page.mouse.click(open.x + open.w / 2, open.y + open.h / 2);
    // A popup places itself on its second frame: its button where two frames agree (a fixed
    // 200 ms for that could end before the second frame on a loaded machine).
    const copy = await settledRect(page, 'copy_iframe');
    await shot(page, 'embed-code-popup');
    assert.equal(await page.evaluate(() => document.getElementById('canvas').classList.contains('kbd-focus')), false,
                 'no focus ring after a mouse click');
    await page.mouse.click(copy.x + copy.w / 2, copy.y + copy.h / 2);
    await page.waitForFunction(() => convplay.message().includes('copied'));
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    const m = snippet.match(/src="([^"]+)"/);
    assert.ok(m, `Copy iframe copied no snippet with a src: ${JSON.stringify(snippet)}`);
    const src = m[1].replaceAll('&amp;', '&');
    assert.equal(src, `${baseUrl}/index.html?embed=1&panels=layers,outputs,map&layer=3#${DEFAULT_STATE}`);
    // The snippet as it is, in a host page: a working embed of the same state.
    await page.route(`${baseUrl}/snippet.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>${snippet}` }));
    await page.goto(`${baseUrl}/snippet.html`);
    let frame;
    for (let i = 0; i < 100 && !frame; i++, await page.waitForTimeout(100))
        frame = page.frames().find((f) => f.url().includes('embed=1'));
    await waitReady(frame);
    assert.equal(await frame.evaluate(() => convplay.state()), DEFAULT_STATE);
    assert.equal((await frame.evaluate(() => convplay.view())).slot, 2, 'layer=3 selected (slot 2)');
    // The full page's Tutorial button.
    await page.goto(`${baseUrl}/index.html#${DEFAULT_STATE}`);
    await waitReady(page);
    const tut = await widgetRect(page, 'tutorial');
    await page.mouse.click(tut.x + tut.w / 2, tut.y + tut.h / 2);
    await page.waitForURL(/tutorial\.html$/, { timeout: 5000 });
    await page.context().close();
});

test('screenshots: the embed at 320 and 700x450, the full page at 320 and 1920', async () => {
    for (const [name, w, h, q] of [['embed-explain-320', 320, 480, 'embed=1&panels=explain&layer=3'],
                                   ['embed-default-700x450', 700, 450, 'embed=1'],
                                   ['full-320', 320, 640, ''], ['full-1920', 1920, 1080, '']]) {
        const page = await newPage({ viewport: { width: w, height: h } });
        await page.goto(`${baseUrl}/index.html${q ? '?' + q : ''}#${DEFAULT_STATE}`);
        await waitReady(page);
        await waitSettled(page);
        await page.evaluate(() => convplay.redraw(3));
        await page.waitForTimeout(200);
        await shot(page, name);
        await page.context().close();
    }
});
