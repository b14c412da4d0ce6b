// The engine Worker's kernel time in headless Chromium, edit by edit (a diagnostic, run by hand):
// does an edit's layer get faster as the same edit repeats (V8 tiering its wasm up), or stay slow?
//
//   node bench/edit_series.mjs [--isolated] [--edits N] [--gap MS] [--js-flags FLAGS] [--site DIR]
//                              [--mouse] [--timeline] [--size WxH]
//
// The default stack at 512x512 (tests/web/ui_timing.mjs's state), loaded in a fresh page; then N
// edits through the test hook (convplay.setState), alternating: the last layer's output_padding
// 0 <-> 1 (only it reruns), then N of the first layer's kernel_size 3 <-> 5 (every layer reruns).
// Each edit waits for the frame showing its outputs and for the Worker's 'done', then --gap ms.
// Printed: each edit's milliseconds inside each layer's kernel (the Worker's 'output' messages,
// read by a listener this script adds to the page's Worker), the first 6 edits' median (what
// ui_timing's 6-run figures saw) against the last 6's. --js-flags: V8 flags for Chromium, only
// as an experiment (e.g. --no-wasm-dynamic-tiering: every function compiled by TurboFan up front).
// Beside each edit, from /proc (bench/proc_cpu.mjs), from its request to its Worker's 'done'
// having been read: the browser's Worker threads (the engine Worker and its pthreads) on a CPU and
// waiting for one, SwiftShader's threads (the software GL drawing the frames) and the rest of the
// browser on a CPU; and the frames the app built and drew meanwhile.
// --mouse: the edits are clicks on the layers' sliders with the real mouse (as ui_timing.mjs
// clicks them: L3.op 0 <-> 1, L1.kernel 3 <-> 5; the page is then 1400x1500 unless --size says),
// not setState. --timeline: each edit's events in the page (pointer events, animation frames
// built and drawn, the run posted to the Worker, its layers' outputs, its 'done') against the CPU
// the GPU process's threads took around them, sampled every 2 ms (bench/cpu_timeline.mjs): whose
// SwiftShader work overlaps the Worker's run.
// What it showed (2026-12-02): the Worker threads' time on a CPU is the kernels' Node time (no
// Liftoff left after the link's early run: --js-flags --liftoff-only doubles it, and
// --no-wasm-dynamic-tiering changes nothing); the rest of the kernels' time in Chromium was spent
// waiting for a core that SwiftShader held, about 100 ms of CPU per frame drawn at 1400x900
// (docs/architecture.md, "Frames").
// --timeline (2026-12-02, 14:30-14:53, load 4-9 from other builds, isolated, 2 threads): the
// previous edit's frame is still being drawn by SwiftShader (100-150 ms of CPU a frame) when the
// next click comes, and the animation frame that handles it waits for that raster, so the run is
// posted 1-115 ms after pointerdown and SwiftShader seldom overlaps the run itself. Inside the run
// the Worker threads waited for: the browser's main thread and the GPU main thread drawing the
// address bar after the link's history.replaceState (written inside the edit then: 12-14 and 6 ms
// in a first-layer mouse edit's run; 3 and 0.2-0.9 ms once it moved after the edit's frame), the
// page's main thread (the edit's frame, the outputs taken in: 3-10 ms), the renderer's thread
// pool (V8's GC and compiles: 1-6 ms) and the machine's other processes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR } from '../tests/web/engine.mjs';
import { startServer, launch, waitReady, waitSettled, sliderPoint, DEFAULT_STATE } from '../tests/web/playground_support.mjs';
import { loadText, median } from './node-util.mjs';
import { cpuMark, browserCpu, cpuMs, busiest } from './proc_cpu.mjs';
import { startTimeline } from './cpu_timeline.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const EDITS = Number(opt('--edits', 20));
const GAP = Number(opt('--gap', 60));
const SITE = opt('--site', SITE_DIR);
const JS_FLAGS = opt('--js-flags', '');
const ISOLATED = args.includes('--isolated');
const MOUSE = args.includes('--mouse');
const TIMELINE = args.includes('--timeline');
const [WIDTH, HEIGHT] = opt('--size', MOUSE ? '1400x1500' : '1400x900').split('x').map(Number);
const STATE_512 = DEFAULT_STATE.replace('in=3x256x256', 'in=3x512x512');

if (!existsSync(path.join(SITE, 'convplay_app.wasm'))) {
    console.error(`${SITE} has no playground: run scripts/build.sh site`);
    process.exit(2);
}
console.log(`load average before: ${loadText()}; ${ISOLATED ? 'isolated' : 'plain'}${JS_FLAGS ? `, --js-flags=${JS_FLAGS}` : ''}`);
const { proc: server, url } = await startServer(SITE, { isolated: ISOLATED });
const MARK = cpuMark();
const browser = await launch([MARK, ...(JS_FLAGS ? [`--js-flags=${JS_FLAGS}`] : [])]);
const cpu = () => browserCpu(MARK);

try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    // Every 'output' message's kernel milliseconds, per run, from whichever Worker the page makes;
    // and the page's events for --timeline (window.__tl: [epoch ms, what, detail]): 'move', 'down',
    // 'up' (pointer events), 'F' (an animation frame's callback that drew: cleared the canvas) and
    // 'f' (one that did not; detail: its ms), 'R' (a run posted to the Worker), 'O' (a layer's
    // last output piece arrived; detail: the layer), 'done'.
    await page.addInitScript(() => {
        window.__layerMs = {};
        window.__tl = [];
        const now = () => performance.timeOrigin + performance.now();
        const log = (what, detail) => window.__tl.push([now(), what, detail]);
        const W = window.Worker;
        window.Worker = function (...a) {
            const w = new W(...a);
            w.addEventListener('message', (e) => {
                const d = e.data;
                if (d && d.type === 'output' && typeof d.ms === 'number') {
                    const key = d.pre ? 'pre' : String(d.run);
                    (window.__layerMs[key] ||= [])[d.layer] = d.ms;
                }
                if (d && d.type === 'output' && !d.pre && d.data && d.at + d.data.length >= d.total) log('O', d.layer);
                if (d && d.type === 'done') log('done', d.run);
            });
            const post = w.postMessage.bind(w);
            w.postMessage = (m, t) => { if (m && m.type === 'run') log('R', m.run); return post(m, t); };
            return w;
        };
        window.Worker.prototype = W.prototype;
        for (const [ev, what] of [['pointermove', 'move'], ['pointerdown', 'down'], ['pointerup', 'up']])
            window.addEventListener(ev, () => log(what, 0), true);
        let drew = false;
        const clear = WebGL2RenderingContext.prototype.clear;
        WebGL2RenderingContext.prototype.clear = function (m) { drew = true; return clear.call(this, m); };
        const raf = window.requestAnimationFrame.bind(window);
        window.requestAnimationFrame = (cb) => raf((ts) => {
            const t0 = now();
            drew = false;
            try { cb(ts); } finally { window.__tl.push([t0, drew ? 'F' : 'f', now() - t0]); }
        });
    });
    await page.goto(`${url}/#${STATE_512}`);
    await waitReady(page);
    await waitSettled(page);
    const info = await page.evaluate(() => ({ threads: convplay.runner().threads, pre: window.__layerMs.pre }));
    console.log(`threads ${info.threads}; the link's early run: ${(info.pre || []).map((x) => (x == null ? '-' : x.toFixed(1))).join(', ')} ms`);

    const tl = TIMELINE ? startTimeline(MARK, { everyMs: 2 }) : null;
    // Clicks a slider at the place of value v.
    async function click(hook, v) {
        const p = await sliderPoint(page, hook, v);
        await page.mouse.click(p.x, p.y);
    }

    // edit(i): makes the i-th edit (a state through the hook, or a click).
    async function series(name, edit) {
        const rows = [];
        const s0 = cpu();
        for (let i = 0; i < EDITS; i++) {
            const c0 = cpu();
            // Frames built, and drawn (a frame that would draw what is on screen is not: main.cpp).
            const frameCount = () => page.evaluate(() => { const t = convplay.timing(); return [t.frames, t.frames - (t.not_drawn || 0)]; });
            const f0 = await frameCount();
            const editsBefore = await page.evaluate(() => convplay.timing().edits);
            const t0 = performance.timeOrigin + performance.now();
            await edit(i);
            await page.waitForFunction((n) => convplay.timing().edits > n, editsBefore, { timeout: 5000 });
            await waitSettled(page);
            await page.waitForFunction(() => { const r = convplay.runner(); return r.mode !== 'worker' || r.doneRun === r.lastRun; });
            const r = await page.evaluate(() => { const r = convplay.runner(); return { run: r.doneRun, kernels: r.kernelsMs, work: r.workMs, layers: window.__layerMs[r.doneRun] || [] }; });
            const c1 = cpu();
            const f1 = await frameCount();
            r.cpu = `Worker threads on a CPU ${cpuMs(c0, c1, 'worker', 'run').toFixed(1)}, waiting ${cpuMs(c0, c1, 'worker', 'wait').toFixed(1)}; ` +
                `SwiftShader ${cpuMs(c0, c1, 'raster', 'run').toFixed(0)}, the rest of the browser ${cpuMs(c0, c1, 'other', 'run').toFixed(0)} ms on a CPU; ${f1[0] - f0[0]} frames, ${f1[1] - f0[1]} drawn`;
            r.onCpu = cpuMs(c0, c1, 'worker', 'run');
            r.raster = cpuMs(c0, c1, 'raster', 'run');
            r.waiting = cpuMs(c0, c1, 'worker', 'wait');
            r.t0 = t0;
            rows.push(r);
            await page.waitForTimeout(GAP);
        }
        console.log(name);
        console.log(`  the browser's busiest threads over the series (ms on a CPU): ${busiest(s0, cpu())}`);
        rows.forEach((r, i) => console.log(`  edit ${String(i + 1).padStart(2)}: kernels ${r.kernels.toFixed(1).padStart(6)} ms, work ${r.work.toFixed(1).padStart(6)} ms; layers ${r.layers.map((x, l) => (x == null ? '' : `${l + 1}: ${x.toFixed(1)}`)).filter(Boolean).join(', ')}; ${r.cpu}`));
        const k = rows.map((r) => r.kernels);
        console.log(`  Worker threads: on a CPU median ${median(rows.map((r) => r.onCpu)).toFixed(1)} ms, waiting for one median ${median(rows.map((r) => r.waiting)).toFixed(1)} ms; SwiftShader median ${median(rows.map((r) => r.raster)).toFixed(0)} ms`);
        console.log(`  kernels: first 6 median ${median(k.slice(0, 6)).toFixed(1)} ms, last 6 median ${median(k.slice(-6)).toFixed(1)} ms`);
        if (tl) await timeline(rows);
    }

    // Each edit's page events around its run (ms from the run's request R) and the CPU each kind
    // of thread took before R, from R to the Worker's 'done' arriving, and after it.
    async function timeline(rows) {
        await page.waitForTimeout(300);   // the sampler covers the last edit's frames
        const ev = await page.evaluate(() => window.__tl);
        const f = (x) => x.toFixed(1);
        const sums = { before: [], during: [], after: [], wait: [], lastDrawn: [] };
        console.log('  timeline (ms from the run posted, R; F: a frame drawn, f: built, not drawn (its ms); O<layer>: output; CPU ms of the kinds of bench/cpu_timeline.mjs)');
        rows.forEach((r, i) => {
            const R = ev.find((e) => e[1] === 'R' && e[2] === r.run);
            const D = ev.find((e) => e[1] === 'done' && e[2] === r.run);
            if (!R || !D) { console.log(`  edit ${i + 1}: run ${r.run} not in the page's log`); return; }
            const t = R[0], d = D[0];
            const next = rows[i + 1] ? rows[i + 1].t0 : tl.last();
            const near = ev.filter((e) => e[0] >= Math.max(r.t0, t - 300) && e[0] < Math.min(next, d + 250) && e[1] !== 'move');
            const moves = ev.filter((e) => e[1] === 'move' && e[0] >= r.t0 && e[0] < d).length;
            const text = near.map((e) => (e[1] === 'F' || e[1] === 'f' ? `${e[1]}${f(e[0] - t)}(${f(e[2])})` : e[1] === 'O' ? `O${e[2] + 1}@${f(e[0] - t)}` : `${e[1]}@${f(e[0] - t)}`)).join(' ');
            const drawnBefore = ev.filter((e) => e[1] === 'F' && e[0] < t).at(-1);
            const seg = (a, b) => tl.between(a, b);
            const kinds = ['raster', 'gpu', 'viz', 'page', 'cc', 'pool', 'other'];
            // 'rest': the machine's other processes (10 ms ticks), the harness's Node process among them.
            const show = (c) => kinds.map((k) => `${k} ${c[k].toFixed(1)}`).join(', ') +
                `; rest of the machine ${(c.machine - kinds.reduce((a, k) => a + c[k], 0) - c.worker).toFixed(0)}`;
            const before = seg(t - 100, t), during = seg(t, d), after = seg(d, Math.min(next, d + 250));
            sums.before.push(before); sums.during.push(during); sums.after.push(after);
            sums.wait.push(during.workerWait);
            sums.lastDrawn.push(drawnBefore ? t - drawnBefore[0] : Infinity);
            const buckets = [];
            for (let b = t - 100; b < d + 150; b += 10) buckets.push(Math.round(seg(b, b + 10).raster));
            console.log(`  edit ${String(i + 1).padStart(2)}: ${moves} pointermove(s); ${text}`);
            console.log(`      last frame drawn before R: ${drawnBefore ? f(t - drawnBefore[0]) + ' ms before' : 'none'}; R..done ${f(d - t)} ms`);
            console.log(`      [R-100, R): ${show(before)}`);
            console.log(`      [R, done):  ${show(during)}; Worker threads ${during.worker.toFixed(1)} on a CPU, ${during.workerWait.toFixed(1)} waiting`);
            console.log(`      [done, +250): ${show(after)}`);
            console.log(`      busiest in [R, done): ${tl.threads(t, d).slice(0, 6).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join('; ')}`);
            console.log(`      SwiftShader ms per 10 ms from R-100: ${buckets.join(' ')}`);
        });
        const med = (list, k) => median(list.map((c) => c[k])).toFixed(1);
        const kinds = ['raster', 'gpu', 'viz', 'page', 'cc', 'pool', 'other'];
        console.log(`  medians: [R-100, R) ${kinds.map((k) => `${k} ${med(sums.before, k)}`).join(', ')}`);
        console.log(`           [R, done) ${kinds.map((k) => `${k} ${med(sums.during, k)}`).join(', ')}; Worker waiting ${median(sums.wait).toFixed(1)}`);
        console.log(`           [done, +250) ${kinds.map((k) => `${k} ${med(sums.after, k)}`).join(', ')}`);
        console.log(`  last frame drawn before R: median ${median(sums.lastDrawn).toFixed(0)} ms before`);
    }
    const swap = (from, to) => {
        if (!STATE_512.includes(from)) throw new Error(`the default state changed: ${STATE_512} has no ${from}`);
        return STATE_512.replace(from, to);
    };
    const setState = (a, b) => (i) => page.evaluate((s) => convplay.setState(s), i % 2 ? a : b);
    if (MOUSE) {
        await series('last layer, output_padding 0 <-> 1 (mouse)', (i) => click('L3.op', i % 2 ? 0 : 1));
        await series('first layer, kernel_size 3 <-> 5 (mouse)', (i) => click('L1.kernel', i % 2 ? 3 : 5));
    } else {
        await series('last layer, output_padding 0 <-> 1', setState(STATE_512, swap('convT2d(out=3,k=3,s=2,p=1)', 'convT2d(out=3,k=3,s=2,p=1,op=1)')));
        await series('first layer, kernel_size 3 <-> 5', setState(STATE_512, swap('conv2d(out=16,k=3,', 'conv2d(out=16,k=5,')));
    }
    await tl?.stop();
} finally {
    await browser.close();
    server.kill();
}
console.log(`load average after: ${loadText()}`);
