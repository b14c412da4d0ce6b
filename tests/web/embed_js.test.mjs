// web/embed.js alone, against a fake playground that speaks the embed protocol (docs/embed.md)
// from another origin: what embed.js builds, queues, accepts and drops. Needs no wasm; the real
// playground on a cross-origin host page is tests/web/embed_host.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './engine.mjs';
import { startServer, launch } from './playground_support.mjs';

// The fake playground: posts ready after a delay (so the host's first calls are queued), answers
// setState with state + shapes + a resize that grows with the layer count, records what it got.
const FAKE = `<!doctype html><meta charset="utf-8"><body><script>
const q = new URLSearchParams(location.search), id = q.get('id'), origin = q.get('origin');
window.got = [];
let state = decodeURIComponent(location.hash.slice(1));
const send = (m) => parent.postMessage(Object.assign({ convplay: 1, id }, m), origin || '*');
const height = () => 200 + 50 * state.split(';').length;
addEventListener('message', (e) => {
    if (e.source !== parent || (origin && e.origin !== origin)) return;
    got.push(e.data);
    if (e.data.type === 'setState') {
        state = e.data.state;
        send({ type: 'state', state });
        send({ type: 'shapes', shapes: { state, layers: state.split(';').length } });
        send({ type: 'resize', height: height() });
    }
    if (e.data.type === 'say') send(e.data.what);   // test hook: post anything
});
setTimeout(() => { send({ type: 'ready', state }); send({ type: 'resize', height: height() }); }, 400);
</script>`;

const A = 'v=1&in=1x8x8&net=conv2d(out=1,k=3)';
const B = 'v=1&in=1x8x8&net=conv2d(out=1,k=3);relu';

let site, host, dir, browser, page;

before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'convplay-embedjs-'));
    const siteDir = path.join(dir, 'site'), hostDir = path.join(dir, 'host');
    for (const d of [siteDir, hostDir]) mkdirSync(d);
    copyFileSync(path.join(ROOT, 'web/embed.js'), path.join(siteDir, 'embed.js'));
    writeFileSync(path.join(siteDir, 'index.html'), FAKE);
    site = await startServer(siteDir);
    host = await startServer(hostDir);
    const attr = (s) => s.replaceAll('&', '&amp;');
    writeFileSync(path.join(hostDir, 'index.html'), `<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="one" data-convplay="${attr(A)}" data-panels="explain,layers" data-lock="s,p" data-hide="upload" data-layer="2"></div>
<div id="fixed" data-convplay="${attr(A)}" data-height="250" data-id="fig-fixed"></div>
<div style="height:3000px"></div>
<div id="two" data-convplay="${attr(A)}"></div>
<script src="${site.url}/embed.js"></script>
<script>
window.log = [];
for (const id of ['one', 'two', 'fixed'])
    for (const t of ['ready', 'state', 'shapes', 'error', 'resize']) convplay.on('#' + id, t, (m, el) => log.push([el.id, t, m]));
convplay.selectLayer('#one', 3);        // before ready: queued, sent in order
convplay.explainStep('#one', 'next');
convplay.setState('#two', ${JSON.stringify(B)});   // before its iframe exists: the starting state
</script>`);
    // A page of a third origin (the host's server named localhost) that forges a message.
    writeFileSync(path.join(hostDir, 'forger.html'), `<!doctype html><script>
parent.postMessage({ convplay: 1, type: 'state', id: 'one', state: 'forged' }, '*');
document.title = 'sent';
</script>`);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(`${host.url}/index.html`);
});

after(async () => {
    await browser?.close();
    site?.proc.kill();
    host?.proc.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
});

const log = () => page.evaluate(() => window.log);
const frame = async (id) => (await page.$(`#${id} iframe`)).contentFrame();
const waitLog = (pred) => page.waitForFunction(pred, null, { timeout: 10000 });

test('iframes: flags from the data- attributes, the state as fragment, lazily', async () => {
    await waitLog(() => log.some(([el, t]) => el === 'one' && t === 'ready'));
    const src = new URL(await page.$eval('#one iframe', (f) => f.src));
    assert.equal(src.origin, site.url);
    assert.equal(src.pathname, '/index.html');
    assert.deepEqual(Object.fromEntries(src.searchParams), {
        embed: '1', id: 'one', panels: 'explain,layers', lock: 's,p', hide: 'upload', layer: '2', origin: host.url,
    });
    assert.match(src.search, /panels=explain,layers&lock=s,p/, 'commas stay readable');
    assert.equal(src.hash.slice(1), A);
    // Made when it comes near the view, like every frame: its observer's callback may come after
    // the first frame's ready on a busy machine (CI of 34e9c95), so wait for it.
    await page.waitForSelector('#fixed iframe', { state: 'attached', timeout: 10000 });
    assert.equal(new URL(await page.$eval('#fixed iframe', (f) => f.src)).searchParams.get('id'), 'fig-fixed');
    assert.equal(await page.$('#two iframe'), null, 'the embed far below is not loaded');
    assert.equal(await page.$eval('#two', (el) => el.offsetHeight), 420, 'but its place is kept (no scroll jump later)');
});

test('calls made before ready are queued and sent in order', async () => {
    const got = await (await frame('one')).evaluate(() => window.got);
    assert.deepEqual(got, [{ type: 'selectLayer', layer: 3, convplay: 1 }, { type: 'explainStep', step: 'next', convplay: 1 }]);
});

test('setState before the iframe exists sets its starting state; scrolling loads it', async () => {
    await page.$eval('#two', (el) => el.scrollIntoView());
    await waitLog(() => log.some(([el, t]) => el === 'two' && t === 'ready'));
    assert.equal(new URL(await page.$eval('#two iframe', (f) => f.src)).hash.slice(1), B);
    assert.deepEqual(await (await frame('two')).evaluate(() => window.got), [], 'no message was needed');
    await page.evaluate(() => window.scrollTo(0, 0));
});

test('setState: state and shapes events, state() and shapes() follow; auto and fixed heights', async () => {
    await page.evaluate((s) => convplay.setState('#one', s), B);
    await waitLog(() => log.some(([el, t, m]) => el === 'one' && t === 'resize' && m.height === 300));
    const mine = (await log()).filter(([el]) => el === 'one').map(([, t, m]) => [t, m.state ?? m.height ?? m.shapes]);
    assert.deepEqual(mine.slice(-3), [['state', B], ['shapes', { state: B, layers: 2 }], ['resize', 300]]);
    assert.equal(await page.evaluate(() => convplay.state('#one')), B);
    assert.deepEqual(await page.evaluate(() => convplay.shapes('#one')), { state: B, layers: 2 });
    assert.equal(await page.$eval('#one iframe', (f) => f.getBoundingClientRect().height), 300, 'auto height');
    await waitLog(() => log.some(([el, t]) => el === 'fixed' && t === 'resize'));
    assert.equal(await page.$eval('#fixed iframe', (f) => f.getBoundingClientRect().height), 250, 'data-height stays');
});

test('forged and malformed messages are dropped before any listener', async () => {
    const n = (await log()).length;
    const h = await page.$eval('#one iframe', (f) => f.style.height);
    // from the host window itself, claiming to be embed one
    await page.evaluate(() => window.postMessage({ convplay: 1, type: 'state', id: 'one', state: 'forged' }, '*'));
    // from the playground of embed one, but with another embed's id, a wrong version, no type, a string
    const one = await frame('one');
    await one.evaluate(() => {
        const say = (m) => window.dispatchEvent(new MessageEvent('message', { data: { type: 'say', what: m }, source: parent, origin: new URLSearchParams(location.search).get('origin') }));
        say({ type: 'state', id: 'two', state: 'forged' });
        say({ type: 'resize', height: 5000, convplay: 2 });
        say({ type: 42, state: 'forged' });
        parent.postMessage('{"convplay":1,"type":"state","state":"forged"}', '*');
        say({ type: 'resize', height: -5 });
        say({ type: 'resize', height: 'tall' });
    });
    await page.waitForTimeout(300);
    const later = await log();
    assert.deepEqual(later.slice(n), [], 'nothing got through');
    assert.equal(await page.$eval('#one iframe', (f) => f.style.height), h);
    assert.equal(await page.evaluate(() => convplay.state('#one')), B);
});

test('on() returns an unsubscriber; a late ready listener is called; unknown elements throw', async () => {
    const r = await page.evaluate(async () => {
        let n = 0;
        const off = convplay.on('#one', 'state', () => n++);
        off();
        const late = await new Promise((resolve) => convplay.on('#one', 'ready', (m) => resolve(m.state)));
        let err = '';
        try { convplay.setState(document.body, 'x'); } catch (e) { err = e.message; }
        convplay.setState('#one', 'v=1&in=1x8x8');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { n, late, err };
    });
    assert.equal(r.n, 0);
    assert.equal(r.late, B);
    assert.match(r.err, /not an embed/);
});

test('a message from our iframe after it navigated to another origin is dropped', async () => {
    const n = (await log()).length;
    const forger = host.url.replace('127.0.0.1', 'localhost') + '/forger.html';
    await (await frame('one')).evaluate((u) => { location.href = u; }, forger);
    const f = await frame('one');
    await f.waitForFunction(() => document.title === 'sent', null, { timeout: 10000 });
    assert.equal(new URL(f.url()).origin, new URL(forger).origin, 'the iframe is on the forger now');
    await page.waitForTimeout(300);
    assert.deepEqual((await log()).slice(n), [], 'same window, wrong origin: dropped');
    assert.equal(await page.evaluate(() => convplay.state('#one')), 'v=1&in=1x8x8');
});

// A tutorial drafted as a local file: Chromium gives a file:// page the origin 'file://', which is
// no origin a message can come from (its messages arrive as 'null'), so no origin= is passed (the
// playground warned about it on every load) and the embed still works both ways.
test('a host page opened from a file passes no origin= and still talks to its embed', async () => {
    const file = path.join(dir, 'local.html');
    writeFileSync(file, `<!doctype html><meta charset="utf-8"><body>
<div id="loc" data-convplay="${A.replaceAll('&', '&amp;')}"></div>
<script src="${site.url}/embed.js"></script>
<script>window.log = []; for (const t of ['ready', 'state']) convplay.on('#loc', t, (m) => log.push([t, m.state]));</script>`);
    const p = await browser.newPage();
    try {
        await p.goto('file://' + file);
        await p.waitForFunction(() => log.some(([t]) => t === 'ready'), null, { timeout: 10000 });
        const src = new URL(await p.$eval('#loc iframe', (f) => f.src));
        assert.equal(src.searchParams.get('origin'), null, src.href);
        await p.evaluate((s) => convplay.setState('#loc', s), B);
        await p.waitForFunction((s) => log.some(([t, st]) => t === 'state' && st === s), B, { timeout: 10000 });
    } finally {
        await p.close();
    }
});


// Attributes a host page may take from its users' HTML (a sanitizer keeps data-*): a data-src
// that is not http(s) would run as script in the host's origin; an id the playground refuses
// (over 64 characters) made an embed that never heard back; a height of 0 or 99999 px.
test('bad data-src, data-id and data-height: a working embed and one warning each', async () => {
    const html = `<!doctype html><meta charset="utf-8"><body>
<div id="js" data-convplay="${A.replaceAll('&', '&amp;')}" data-src="javascript:top.pwned=1//"></div>
<div id="dat" data-convplay="" data-src="data:text/html,<script>top.pwned=2</script>"></div>
<div id="${'x'.repeat(65)}" data-convplay="" data-height="99999"></div>
<div id="zero" data-convplay="" data-height="0"></div>
<script src="${site.url}/embed.js"></script>
<script>window.log = []; for (const el of document.querySelectorAll('[data-convplay]')) {
  convplay.load(el); convplay.on(el, 'ready', (m) => log.push(m.id)); }</script>`;
    writeFileSync(path.join(dir, 'host', 'bad_attrs.html'), html);
    const p = await browser.newPage();
    const warnings = [];
    p.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    try {
        await p.goto(`${host.url}/bad_attrs.html`);
        await p.waitForFunction(() => log.length === 4, null, { timeout: 15000 });
        assert.equal(await p.evaluate(() => window.pwned ?? null), null, 'no script ran in the host');
        for (const sel of ['#js', '#dat'])
            assert.equal(new URL(await p.$eval(`${sel} iframe`, (f) => f.src)).origin, site.url, sel);
        assert.deepEqual(warnings.filter((w) => /data-src/.test(w)).length, 2, warnings.join('\n'));
        assert.ok(warnings.some((w) => /id over 64/.test(w)), warnings.join('\n'));
        const long = await p.$eval(`[id^="xxx"] iframe`, (f) => [new URL(f.src).searchParams.get('id'), f.style.height]);
        assert.match(long[0], /^convplay-\d+$/, 'a usable id instead');
        assert.equal(long[1], '9999px', 'a fixed height at most 9999 px');
        assert.notEqual(await p.$eval('#zero iframe', (f) => f.style.height), '0px', 'height 0 is not fixed: it follows the playground');
    } finally {
        await p.close();
    }
});
