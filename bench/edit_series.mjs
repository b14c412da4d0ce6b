// The engine Worker's kernel time in headless Chromium, edit by edit (a diagnostic, run by hand):
// does an edit's layer get faster as the same edit repeats (V8 tiering its wasm up), or stay slow?
//
//   node bench/edit_series.mjs [--isolated] [--edits N] [--gap MS] [--js-flags FLAGS] [--site DIR]
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
// What it showed (2026-12-02): the Worker threads' time on a CPU is the kernels' Node time (no
// Liftoff left after the link's early run: --js-flags --liftoff-only doubles it, and
// --no-wasm-dynamic-tiering changes nothing); the rest of the kernels' time in Chromium was spent
// waiting for a core that SwiftShader held, about 100 ms of CPU per frame drawn at 1400x900
// (docs/architecture.md, "Frames").
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR } from '../tests/web/engine.mjs';
import { startServer, launch, waitReady, waitSettled, DEFAULT_STATE } from '../tests/web/playground_support.mjs';
import { loadText, median } from './node-util.mjs';
import { cpuMark, browserCpu, cpuMs, busiest } from './proc_cpu.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const EDITS = Number(opt('--edits', 20));
const GAP = Number(opt('--gap', 60));
const SITE = opt('--site', SITE_DIR);
const JS_FLAGS = opt('--js-flags', '');
const ISOLATED = args.includes('--isolated');
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
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Every 'output' message's kernel milliseconds, per run, from whichever Worker the page makes.
    await page.addInitScript(() => {
        window.__layerMs = {};
        const W = window.Worker;
        window.Worker = function (...a) {
            const w = new W(...a);
            w.addEventListener('message', (e) => {
                const d = e.data;
                if (d && d.type === 'output' && typeof d.ms === 'number') {
                    const key = d.pre ? 'pre' : String(d.run);
                    (window.__layerMs[key] ||= [])[d.layer] = d.ms;
                }
            });
            return w;
        };
        window.Worker.prototype = W.prototype;
    });
    await page.goto(`${url}/#${STATE_512}`);
    await waitReady(page);
    await waitSettled(page);
    const info = await page.evaluate(() => ({ threads: convplay.runner().threads, pre: window.__layerMs.pre }));
    console.log(`threads ${info.threads}; the link's early run: ${(info.pre || []).map((x) => (x == null ? '-' : x.toFixed(1))).join(', ')} ms`);

    async function series(name, a, b) {
        const rows = [];
        const s0 = cpu();
        for (let i = 0; i < EDITS; i++) {
            const c0 = cpu();
            // Frames built, and drawn (a frame that would draw what is on screen is not: main.cpp).
            const frameCount = () => page.evaluate(() => { const t = convplay.timing(); return [t.frames, t.frames - (t.not_drawn || 0)]; });
            const f0 = await frameCount();
            await page.evaluate((s) => convplay.setState(s), i % 2 ? a : b);
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
            rows.push(r);
            await page.waitForTimeout(GAP);
        }
        console.log(name);
        console.log(`  the browser's busiest threads over the series (ms on a CPU): ${busiest(s0, cpu())}`);
        rows.forEach((r, i) => console.log(`  edit ${String(i + 1).padStart(2)}: kernels ${r.kernels.toFixed(1).padStart(6)} ms, work ${r.work.toFixed(1).padStart(6)} ms; layers ${r.layers.map((x, l) => (x == null ? '' : `${l + 1}: ${x.toFixed(1)}`)).filter(Boolean).join(', ')}; ${r.cpu}`));
        const k = rows.map((r) => r.kernels);
        console.log(`  Worker threads: on a CPU median ${median(rows.map((r) => r.onCpu)).toFixed(1)} ms, waiting for one median ${median(rows.map((r) => r.waiting)).toFixed(1)} ms; SwiftShader median ${median(rows.map((r) => r.raster)).toFixed(0)} ms`);
        console.log(`  kernels: first 6 median ${median(k.slice(0, 6)).toFixed(1)} ms, last 6 median ${median(k.slice(-6)).toFixed(1)} ms`);
    }
    const swap = (from, to) => {
        if (!STATE_512.includes(from)) throw new Error(`the default state changed: ${STATE_512} has no ${from}`);
        return STATE_512.replace(from, to);
    };
    await series('last layer, output_padding 0 <-> 1', STATE_512, swap('convT2d(out=3,k=3,s=2,p=1)', 'convT2d(out=3,k=3,s=2,p=1,op=1)'));
    await series('first layer, kernel_size 3 <-> 5', STATE_512, swap('conv2d(out=16,k=3,', 'conv2d(out=16,k=5,'));
} finally {
    await browser.close();
    server.kill();
}
console.log(`load average after: ${loadText()}`);
