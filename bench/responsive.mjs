// Responsiveness of the playground in headless Chromium (a measurement, not a test):
//
//   node bench/responsive.mjs [--runs N] [--site DIR] [--only load,heavy,switch,drag,upload]
//
// Serves build/site on a free port and drives the real page (Debian's Chromium, the flags of
// tests/web/playground_support.mjs). What it records, each as median and worst over the runs:
//   load    the default state, fresh context each run: navigation -> the first frame showing
//           every output (timing().shown_ms), and the main thread's long tasks (> 50 ms,
//           PerformanceObserver 'longtask') before the first frame and after it
//   heavy   HEAVY (conv2d(out=512) twice at 80x80: 15.2 of the 16 billion multiply-adds a run may
//           have, so about the longest single layer the planner accepts) in a fresh context: the
//           first frame, the first frame with its outputs, every long task from navigation on
//           (split at the first frame drawn: the outputs that arrived before it are copied in its
//           task, those after it each in a task of their own), and
//           how long a test hook takes to answer (Playwright round trip) from the first frame
//           until the outputs show
//   switch  while HEAVY runs, the link changes to a light state: setState -> the frame showing
//           the light state's outputs
//   drag    the default stack at 512x512: the first layer's kernel_size slider dragged with the
//           mouse (every layer reruns on each value): the intervals between animation frames
//           and between the frames the app drew during the drag, and long tasks during it
//   upload  a 10 MB PNG (1850x1850 noise, downscaled to the pixel budget) chosen with the file
//           input on the default state (chooseFile: as a user's choice, no harness garbage in the
//           page's heap): from the input's change event to the frame showing its outputs, and the
//           long tasks meanwhile
// Long tasks count everything on the page's main thread (the engine, texture uploads, ImGui,
// SwiftShader's GL calls as the page sees them). SwiftShader renders in software here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR } from '../tests/web/engine.mjs';
import { startServer, launch, gotoSettled, waitReady, waitSettled, sliderPoints, makePng, DEFAULT_STATE } from '../tests/web/playground_support.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', 3));
const SITE = opt('--site', SITE_DIR);
const ONLY = new Set(opt('--only', 'load,heavy,switch,drag,upload').split(','));
const HEAVY = 'v=1&in=3x80x80&net=conv2d(out=512,k=3,p=1);conv2d(out=512,k=3,p=1)';
const LIGHT = 'v=1&in=3x64x64&net=conv2d(out=8,k=3,p=1);relu';
const STATE_512 = DEFAULT_STATE.replace('in=3x256x256', 'in=3x512x512');

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const fmt = (a) => a.length ? `median ${median(a).toFixed(1)} ms, worst ${Math.max(...a).toFixed(1)} ms (n=${a.length})` : 'none (n=0)';
const line = (label, a) => console.log(`  ${label.padEnd(44)} ${fmt(a)}`);

// Installed before any page script: collects long tasks from the start, rAF intervals on demand.
function observe() {
    window.__long = [];
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // When the file input reports a file (chooseFile: fetching it first is the harness's cost).
    window.__changeAt = 0;
    document.addEventListener('change', () => { window.__changeAt = performance.now(); }, true);
    // Animation frames, and the app's frames drawn among them (it builds a frame on an animation
    // frame and draws it only when the picture changes and no Worker run holds it: docs/architecture.md,
    // "Frames"), as intervals.
    window.__frames = null;
    window.__recordFrames = (on) => {
        if (!on) { const f = { all: window.__frames, drawn: window.__drawn }; window.__frames = null; return f; }
        window.__frames = [];
        window.__drawn = [];
        const drawnCount = () => { const t = window.convplay.timing(); return t.frames - (t.not_drawn || 0); };
        let last = performance.now(), lastDrawn = last, drawn = drawnCount();
        const tick = (t) => {
            if (!window.__frames) return;
            window.__frames.push(t - last);
            last = t;
            // Read on the next animation frame: the app's frame of this one may run after this callback.
            const d = drawnCount();
            if (d !== drawn) window.__drawn.push(t - lastDrawn), lastDrawn = t, drawn = d;
            requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        return null;
    };
}

if (!existsSync(path.join(SITE, 'convplay_app.wasm'))) {
    console.error(`${SITE} has no playground: run scripts/build.sh site`);
    process.exit(2);
}

const { proc: server, url } = await startServer(SITE);
const browser = await launch();
// settled: wait for the first frame with outputs without touching the page (gotoSettled), for the
// load figures; otherwise until the first frame.
async function freshPage(fragment, { viewport = { width: 1400, height: 900 }, settled = false } = {}) {
    const ctx = await browser.newContext({ viewport });
    await ctx.addInitScript(observe);
    const page = await ctx.newPage();
    if (settled) {
        await gotoSettled(page, `${url}/#${fragment}`);
    } else {
        await page.goto(`${url}/#${fragment}`);
        await waitReady(page);
    }
    return { ctx, page };
}
// The file input given `png` as noise.png, as a user's choice would: fetched as a Blob (its bytes
// stay out of the page's JS heap) and set on the input, then its change event. Not Playwright's
// setInputFiles: it builds the File in the page from base64, 160-190 MB of JS heap garbage for
// this PNG (V8's major GC 'usedHeapSizeBefore', 16 MB after), whose 40-80 ms collection then fell
// inside the upload being measured, whatever the page did.
async function chooseFile(page, png) {
    await page.route('**/__upload.png', (route) => route.fulfill({ body: png, contentType: 'image/png' }));
    await page.evaluate(async () => {
        const blob = await (await fetch('__upload.png')).blob();
        const input = document.getElementById('file'), files = new DataTransfer();
        files.items.add(new File([blob], 'noise.png', { type: 'image/png' }));
        input.files = files.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
    });
}
const longTasks = (page, from = 0) => page.evaluate((t) => window.__long.filter((e) => e.start >= t).map((e) => e.ms), from);
// The page's long tasks so far, added to `before` and `after` by whether they started before `t`.
async function splitLongTasks(page, t, before, after) {
    for (const e of await page.evaluate(() => window.__long)) (e.start < t ? before : after).push(e.ms);
}

try {
    console.log(`responsiveness of ${url}/ (headless Chromium, ${RUNS} runs)`);
    if (ONLY.has('load')) {
        console.log('== load: default state, fresh context');
        const shown = [], before = [], after = [];
        for (let i = 0; i < RUNS; i++) {
            const { ctx, page } = await freshPage(DEFAULT_STATE, { settled: true });
            await page.waitForTimeout(300);
            const r = await page.evaluate(() => ({ ready: convplay.readyAt, shown: convplay.timing().shown_ms }));
            shown.push(r.shown);
            await splitLongTasks(page, r.ready, before, after);
            await ctx.close();
        }
        line('first frame with the outputs', shown);
        line('long tasks before the first frame', before);
        line('long tasks after the first frame', after);
    }
    if (ONLY.has('heavy')) {
        console.log(`== heavy: ${HEAVY}`);
        const shown = [], before = [], after = [], hook = [], ready = [];
        for (let i = 0; i < RUNS; i++) {
            const { ctx, page } = await freshPage(HEAVY);
            const readyAt = await page.evaluate(() => convplay.readyAt);
            ready.push(readyAt);
            // Ask a hook every 100 ms until a frame shows every output.
            for (;;) {
                const t0 = performance.now();
                const settled = await page.evaluate(() => { const t = convplay.timing(); return !convplay.busy() && t.shown_edit === t.edits; });
                hook.push(performance.now() - t0);
                if (settled) break;
                await new Promise((r) => setTimeout(r, 100));
            }
            await waitSettled(page, 120000);
            shown.push(await page.evaluate(() => convplay.timing().shown_ms));
            // Split at the first frame: before it the page starts (navigation, the app's GL
            // context, its first frame); after it the layers' outputs arrive, one per layer.
            await splitLongTasks(page, readyAt, before, after);
            await ctx.close();
        }
        line('first frame drawn', ready);
        line('first frame with the outputs', shown);
        line('long tasks before the first frame', before);
        line('long tasks after the first frame', after);
        line('test hook round trip after the first frame', hook);
    }
    if (ONLY.has('switch')) {
        console.log('== switch: HEAVY running, then a light state');
        const took = [];
        for (let i = 0; i < RUNS; i++) {
            const { ctx, page } = await freshPage(HEAVY);
            await page.waitForTimeout(200);
            const t0 = await page.evaluate((s) => { const t = performance.now(); convplay.setState(s); return t; }, LIGHT);
            await waitSettled(page, 120000);
            const t = await page.evaluate(() => convplay.timing());
            took.push(t.shown_ms - t0);
            await ctx.close();
        }
        line('setState(light) -> its outputs shown', took);
    }
    if (ONLY.has('drag')) {
        console.log(`== drag: ${STATE_512}, L1 kernel_size dragged 1 -> 11 -> 1`);
        const frames = [], drawn = [], long = [], edits = [];
        for (let i = 0; i < RUNS; i++) {
            const { ctx, page } = await freshPage(STATE_512, { viewport: { width: 1400, height: 1500 } });
            await waitSettled(page, 60000);
            const [p0, p1] = await sliderPoints(page, 'L1.kernel', [1, 11]);
            const y = p0.y, x0 = p0.x, x1 = p1.x;
            const e0 = await page.evaluate(() => convplay.timing().edits);
            const t0 = await page.evaluate(() => performance.now());
            await page.evaluate(() => window.__recordFrames(true));
            await page.mouse.move(x0, y);
            await page.mouse.down();
            // 2 s of dragging: 40 moves of 50 ms across the slider and back.
            for (let k = 0; k <= 40; k++) {
                const f = k <= 20 ? k / 20 : (40 - k) / 20;
                await page.mouse.move(x0 + (x1 - x0) * f, y);
                await page.waitForTimeout(50);
            }
            await page.mouse.up();
            const f = await page.evaluate(() => window.__recordFrames(false));
            frames.push(...f.all.slice(1));
            drawn.push(...f.drawn.slice(1));
            long.push(...await longTasks(page, t0));
            edits.push(await page.evaluate(() => convplay.timing().edits) - e0);
            await waitSettled(page, 60000);
            await ctx.close();
        }
        line('animation frame interval during the drag', frames);
        line('drawn frame interval during the drag', drawn);
        line('long tasks during the drag', long);
        console.log(`  edits applied per drag: ${edits.join(', ')}`);
    }
    if (ONLY.has('upload')) {
        const png = makePng(1850, 1850, { noise: true });
        console.log(`== upload: a ${(png.length / 1e6).toFixed(1)} MB PNG on the default state`);
        const took = [], long = [];
        for (let i = 0; i < RUNS; i++) {
            const { ctx, page } = await freshPage(DEFAULT_STATE);
            await waitSettled(page, 60000);
            const e0 = await page.evaluate(() => convplay.timing().edits);
            await chooseFile(page, png);
            await page.waitForFunction((e) => convplay.timing().edits > e, e0, { timeout: 60000 });
            await waitSettled(page, 60000);
            const t0 = await page.evaluate(() => window.__changeAt);
            took.push(await page.evaluate(() => convplay.timing().shown_ms) - t0);
            long.push(...await longTasks(page, t0));
            await ctx.close();
        }
        line('change event -> its outputs shown', took);
        line('long tasks meanwhile', long);
    }
} finally {
    await browser.close();
    server.kill();
}
