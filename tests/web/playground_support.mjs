// Shared by the browser tests, ui_timing.mjs and the bench/ scripts that drive the playground
// (not a test itself): serving build/site,
// launching Debian's Chromium with the flags that give it software WebGL2 (docs/toolchain.md), the
// page's test hooks (window.convplay), and small PNG files made in memory.
import { spawn } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE_DIR, ARTIFACTS_DIR, loadEngine, defaultState } from './engine.mjs';

const SERVE_PY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/serve.py');

import { CHROMIUM, CHROMIUM_ARGS, launch } from './chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS, launch };
// The state a first visit shows, from the engine the site serves (never a typed copy).
export const DEFAULT_STATE = defaultState(await loadEngine(path.join(SITE_DIR, 'convplay_engine.js')));

// The long layer the tests lean on (a layer still running when a busy page reacts: cancelling,
// abandoning, Stop). Layer 2 alone is 15.7 billion multiply-adds, as much as the run budget (16)
// leaves, on the direct 7x7 kernel: no faster kernel applies (Winograd takes only 3x3). Both
// layers on one thread: 1.6-2.7 s since the 2x16 tiles (Node, load 2-3; the 34x34 one, 14.9
// billion, took 2.5-3 s on the slower machine of 2026-12-01), and the budget leaves no room to
// lengthen it. Layer 1's output is small (2.5 MB),
// so its copy into the page stays short. The 3x3 layer used before ran 1.3 s once the Winograd
// kernel came.
export const LONG_LAYER = 'v=1&in=3x35x35&img=photo&net=conv2d(out=512,k=7,p=3);conv2d(out=512,k=7,p=3)';
// LONG_LAYER with layer 2's weights from a preset (box, gauss, ...): only layer 2 changes.
export const longLayerWith = (preset) => LONG_LAYER.replace(/\)$/, `,w=${preset})`);
// The shortest LONG_LAYER run the tests accept. They need its layer 2 still running when the page
// has heard of its start, been asked for another state, made its request and waited the 250 ms
// after which a stale layer is abandoned: about half a second even on a loaded machine, so twice
// that.
export const LONG_LAYER_MIN_MS = 1000;

// scripts/serve.py (what scripts/serve.sh runs) serving `dir` on a free port; resolves
// { proc, url }. isolated: with its COOP/COEP headers, so the page is cross-origin isolated (the
// threaded engine); by default without them, as an ordinary host serves (one thread).
export function startServer(dir = SITE_DIR, { isolated = false } = {}) {
    return new Promise((resolve, reject) => {
        const args = [SERVE_PY, '--port', '0', '--dir', dir, '--quiet', ...(isolated ? [] : ['--no-isolation'])];
        const proc = spawn('python3', ['-u', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const timer = setTimeout(() => reject(new Error(`serve.py did not start: ${out}`)), 15000);
        proc.stdout.on('data', (d) => {
            out += d;
            const m = out.match(/serving (http:\/\/[\d.]+:\d+)\//);
            if (m) { clearTimeout(timer); resolve({ proc, url: m[1] }); }
        });
        proc.stderr.on('data', (d) => { out += d; });
        proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.py exited (${code}): ${out}`)); });
    });
}


// A test file's before/after hooks (node:test's, passed in): build/site served on a free port and
// one browser for the file. Returns { url, browser }, filled in once `before` ran. setUp(site), if
// given, runs last in that hook: what the file prepares on them before its tests (a page). A
// before hook of the file's own would not do: Node 20 starts a file's top-level before hooks
// together, not one after the other.
export function usePlayground({ before, after }, setUp = null) {
    const site = {};
    before(async () => {
        if (!existsSync(path.join(SITE_DIR, 'convplay_app.wasm'))) throw new Error(`${SITE_DIR} has no playground: run scripts/build.sh site`);
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        ({ proc: site.server, url: site.url } = await startServer());
        site.browser = await launch();
        if (setUp) await setUp(site);
    });
    after(async () => {
        await site.browser?.close();
        site.server?.kill();
    });
    return site;
}

// A playground page at `state` in a fresh context of site's browser (usePlayground), once its
// first frame is drawn (ready false: as soon as it is navigated, for pages that never get there).
// withWorker false: a browser without Web Workers (the page then runs the layers itself). init
// (with initArg): a script run before any of the page's own. Uncaught page errors are pushed to
// `errors`.
export async function openPage(site, state, { withWorker = true, errors = [], viewport = { width: 1200, height: 800 },
    init = null, initArg, ready = true } = {}) {
    const ctx = await site.browser.newContext({ viewport });
    if (!withWorker) await ctx.addInitScript(() => { window.Worker = undefined; });
    if (init) await ctx.addInitScript(init, initArg);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${site.url}/#${state}`);
    if (ready) await waitReady(page);
    return { ctx, page };
}

// Waits until the app drew its first frame.
export async function waitReady(page, timeout = 30000) {
    await page.waitForFunction(() => window.convplay && window.convplay.ready(), null, { timeout });
}

// Waits until every queued layer ran and a frame showed the latest state's outputs. The bound is
// for a page that never settles: 60 s, as the tests that pass one give their big stacks (a
// 1024x1024 stack takes a few seconds; the web files ran 1.4-3.1x their CI time at load 12 here).
export async function waitSettled(page, timeout = 60000) {
    await page.waitForFunction(() => {
        const c = window.convplay;
        if (!c || !c.ready() || c.busy()) return false;
        const t = c.timing();
        return t.shown_edit === t.edits;
    }, null, { timeout });
}

// Waits until the app has built `n` more frames (it is asked for them): input given before the
// call has been handled by a frame, a key's press and release included (main.cpp holds a key's
// second change for the next frame). A fixed sleep in its place fails on a loaded machine, where
// software GL's frames come 100-300 ms apart.
export async function nextFrames(page, n = 2, timeout = 30000) {
    const f = await page.evaluate((k) => { window.convplay.redraw(k); return window.convplay.frames(); }, n);
    await page.waitForFunction((m) => window.convplay.frames() >= m, f + n, { timeout });
}

// Waits, in the page, until no frame has been built for `quietMs`, or `within` ms have passed;
// resolves { quietMs, frames } (quietMs: how long the last frameless stretch lasted). The app's
// last request_frames(n) can leave a frame or two after the one that showed the outputs, late on
// a loaded machine, so a fixed window after waitSettled may see one; a page that keeps building
// frames never gets `quietMs` of quiet.
export function waitQuiet(page, { quietMs = 500, within = 10000 } = {}) {
    return page.evaluate(([quiet, bound]) => new Promise((resolve) => {
        const start = performance.now();
        let last = window.convplay.frames(), since = start;
        const poll = setInterval(() => {
            const now = performance.now(), f = window.convplay.frames();
            if (f !== last) last = f, since = now;
            if (now - since >= quiet || now - start > bound) {
                clearInterval(poll);
                resolve({ quietMs: Math.round(now - since), frames: f });
            }
        }, 20);
    }), [quietMs, within]);
}

// Loads `url` in a fresh `page` and waits, like waitSettled, until a frame showed the outputs, but
// without Playwright's injected script: its first evaluation costs the page's main thread
// 100-150 ms (2 cores, SwiftShader), which would land inside the load being measured. An init
// script polls the page's own hooks every 50 ms instead and logs a marker this waits for.
// For the load measurements (bench/trace_load.mjs, bench/responsive.mjs).
export async function gotoSettled(page, url, timeout = 60000) {
    await page.addInitScript(() => {
        const poll = setInterval(() => {
            const c = window.convplay;
            if (!c || !c.ready() || c.busy()) return;
            const t = c.timing();
            if (t.shown_edit !== t.edits) return;
            clearInterval(poll);
            console.log('convplay:settled');
        }, 50);
    });
    const settled = page.waitForEvent('console', { predicate: (m) => m.text() === 'convplay:settled', timeout });
    await page.goto(url, { waitUntil: 'commit' });
    await settled;
}

// Loads `url` in a fresh browser context of `browser` (a page of `viewport`) outside Playwright's page machinery and
// resolves what `expression` (evaluated every 50 ms) first returns that is not null. A Playwright
// page auto-attaches to every Worker the page starts and holds each one until Playwright's client
// (this Node process) answers, which took 600+ ms per Worker on the loaded machine: that would be
// the harness's cost inside the load being measured, and no visitor has it. Here the page alone is
// attached (the old Target.sendMessageToTarget route, so nothing auto-attaches), and its Workers
// start as in a plain browser. For the load measurements (bench/load_ab.mjs).
export async function loadUnattached(browser, url, expression, { timeout = 60000, viewport = { width: 1400, height: 900 } } = {}) {
    const cdp = await browser.newBrowserCDPSession();
    const { browserContextId } = await cdp.send('Target.createBrowserContext', { disposeOnDetach: true });
    try {
        // Opened at `url` itself, as a visitor's new tab would be: a page first opened blank and
        // then sent to `url` keeps the blank page's compositor, which its renderer tears down a
        // second later in one 500-1300 ms main-thread task (widget_base.cc, Shutdown).
        const { targetId } = await cdp.send('Target.createTarget', { url, browserContextId, ...viewport });
        const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
        let id = 0;
        const pending = new Map();
        cdp.on('Target.receivedMessageFromTarget', (m) => {
            if (m.sessionId !== sessionId) return;
            const r = JSON.parse(m.message);
            if (pending.has(r.id)) { pending.get(r.id)(r); pending.delete(r.id); }
        });
        const call = (method, params = {}) => new Promise((resolve) => {
            const i = ++id;
            pending.set(i, resolve);
            cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) });
        });
        const deadline = Date.now() + timeout;
        for (;;) {
            const r = await call('Runtime.evaluate', { expression, returnByValue: true });
            const v = r.result && r.result.result && r.result.result.value;
            if (v !== undefined && v !== null) return v;
            if (Date.now() > deadline) throw new Error(`${url}: nothing from ${expression.slice(0, 60)} in ${timeout} ms`);
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    } finally {
        await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
        await cdp.detach().catch(() => {});
    }
}

// A widget's rectangle (CSS pixels) from the last frame; asks for frames until it is there.
export async function widgetRect(page, name, timeout = 5000) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const r = await page.evaluate((n) => { window.convplay.redraw(2); return window.convplay.rect(n); }, name);
        if (r) return r;
        if (Date.now() > deadline) throw new Error(`no widget '${name}' on screen`);
        await page.waitForTimeout(50);
    }
}

// Moves onto widget `name`, lets a frame see the hover, then clicks it, and waits until frames saw
// the press and the release: two clicks between two frames are one press to ImGui (its SDL
// backend latches a press, not a count).
export async function clickWidget(page, name) {
    const r = await widgetRect(page, name);
    await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
    await nextFrames(page);
    await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
    await nextFrames(page);
}

// widgetRect once two frames in a row drew the widget in the same place: a new popup or window
// places itself over its first frames, so a rectangle read at once (or after a fixed sleep that
// a loaded machine outlasts) can be where it was drawn first, not where a click would land.
export async function settledRect(page, name, timeout = 10000) {
    const deadline = Date.now() + timeout;
    let r = await widgetRect(page, name, timeout);
    for (;;) {
        await nextFrames(page, 1);
        const s = await page.evaluate((n) => window.convplay.rect(n), name);
        if (s && JSON.stringify(s) === JSON.stringify(r)) return s;
        if (Date.now() > deadline) throw new Error(`widget '${name}' kept moving: ${JSON.stringify(r)} -> ${JSON.stringify(s)}`);
        r = s ?? await widgetRect(page, name, timeout);
    }
}

// The ranges of a conv or transposed conv layer's sliders that the tests click, by the hook's
// name after the layer ('L1.kernel': kernel_size), as src/app/layer_params.cpp draws them.
const CONV_SLIDERS = { kernel: [1, 11], op: [0, 7] };

// Where clicks set the slider of widget `hook` (e.g. 'L3.op') to each of `values`: ImGui's integer
// slider gives each of its hi - lo + 1 values an equal step of its width (less 2 px of frame
// padding a side, too little to move the middle of a step computed over the whole width out of
// it), so the middle of each value's step, halfway down. The rectangle is read once per call,
// afresh: fixing a size mismatch removes lines and moves the widgets up.
export async function sliderPoints(page, hook, values) {
    const [, layer, slider] = hook.match(/^L(\d+)\.(\w+)$/) || [];
    const range = CONV_SLIDERS[slider];
    // Other layers' sliders of the same name have other ranges (a pooling layer's kernel: 1..8).
    const op = await page.evaluate((i) => convplay.shapes().layers[i - 1]?.name ?? '', Number(layer));
    if (!range || !/^conv(T)?[123]d$/.test(op)) throw new Error(`no range known for slider '${hook}' (layer: '${op}')`);
    const [lo, hi] = range;
    const r = await widgetRect(page, hook);
    return values.map((v) => ({ x: r.x + r.w * ((v - lo + 0.5) / (hi - lo + 1)), y: r.y + r.h / 2 }));
}
export const sliderPoint = async (page, hook, v) => (await sliderPoints(page, hook, [v]))[0];

// An RGB PNG of w x h (a colour gradient with a diagonal stripe), made without any library.
// noise: seeded random pixels instead, which do not compress (a file of about 3 w h bytes).
export function makePng(w, h, { noise = false } = {}) {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    const crc = (buf) => {
        let c = 0xffffffff;
        for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
        const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
        return Buffer.concat([len, td, c]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;   // 8-bit RGB
    const raw = Buffer.alloc((w * 3 + 1) * h);
    for (let y = 0; y < h; y++) {
        const row = y * (w * 3 + 1);
        raw[row] = 0;  // filter: none
        for (let x = 0; x < w; x++) {
            const stripe = Math.abs(x - y) < 6 ? 255 : 0;
            raw[row + 1 + x * 3] = Math.round((x / w) * 255);
            raw[row + 2 + x * 3] = Math.round((y / h) * 255);
            raw[row + 3 + x * 3] = stripe;
        }
    }
    if (noise) {
        let s = 12345;
        for (let i = 0; i < raw.length; i++) {
            if (i % (w * 3 + 1) === 0) continue;  // the row's filter byte stays 0
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            raw[i] = s >>> 24;
        }
    }
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
                          chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
