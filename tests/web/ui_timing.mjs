// UI timing of the playground in headless Chromium (a measurement, not a test; run by hand):
//
//   node tests/web/ui_timing.mjs [--runs N] [--site DIR] [--isolated] [--first-only]
//
// --first-only: parts 1 and 2 only (the first frame, the transfer size), a few seconds.
//
// --isolated serves the page cross-origin isolated (COOP/COEP, as scripts/serve.sh does): the
// engine Worker then runs the threaded build on every core; without it, one thread (an embed's case).
//
//   1. first frame: navigation start -> the first frame drawn, and -> the first frame showing the
//      default state's outputs (fresh browser context each run: nothing cached; the page only polled
//      by its own init script until then, gotoSettled: Playwright's injected script, whose first
//      run costs the page's main thread 100-200 ms, is not in the load). Two costs of a Playwright
//      page that no visitor has are still in it (bench/README.md, the paragraph on gotoSettled; only
//      bench/load_ab.mjs's unattached loads avoid them): Playwright holds the engine Worker until
//      its client answers, and the page opens blank before its URL. So these figures err high, as
//      those of the runs before this script used gotoSettled (2026-12-02 17:40) err higher still
//      (100-200 ms, by its A/B). The first run is
//      the browser's first page, which also pays the browser's one-time start-up (Chromium starts
//      its GPU process for the first page, and that process's first frames, ANGLE over SwiftShader
//      starting, cost it 200-400 ms more CPU than a later page's here), so it is also printed apart
//      from the later pages; the median and worst count every run. Beside it,
//      the same start-up on a page of text alone, in another fresh browser: its first page and a
//      later one, to the start of its second frame.
//   2. transfer size: what the page downloads, raw and gzip -9.
//   3. latency at 512x512, default stack: a parameter changed with the real mouse (pointerdown
//      timestamp -> the end of the frame that shows every new output), for a change of the first
//      layer (everything reruns) and of the last (only it reruns); and through the test hook.
//      "work" is the part inside that frame (its start -> rendered); the rest is waiting for the
//      browser's next animation frame. "layers + uploads + windows" is the app's own CPU part of
//      that frame (running the layers, texture uploads, building the windows); the remainder of
//      "work" is ImGui's GL submission waiting on the GPU process. Median and worst.
//      Then the edit's app-side work, wherever it ran: the engine Worker's own time for the run
//      (re-planning, layers, ranges, output copies: its 'done' message), the page's tasks taking
//      the outputs in (copies into the app's memory), and the app's part of every frame from the
//      edit to the one showing all outputs (uploads and windows of each layer as it arrived),
//      and their sum. Not SwiftShader's raster, nor waiting for frames. Beside it, from /proc
//      (bench/proc_cpu.mjs): the Worker threads' time on a CPU and waiting for one (runnable: the
//      wall time the Worker reports counts both, and here the cores are shared with SwiftShader's
//      raster), SwiftShader's CPU, and the frames the app built and drew for the edit (frames
//      that would show nothing new, or come while the Worker computes, are built but not drawn:
//      docs/architecture.md, "Frames"), and the sum again with the Worker threads' CPU time in
//      place of its wall time (its own work without the waits; with N threads, the N summed).
//      The Worker's time is also split (its 'done': stats.run) into re-planning and the input, the
//      kernels, the outputs' ranges and their messages; and the edit's wall time into the edit
//      -> its request reaching the Worker (the app's frame that asks, then the message), -> the
//      Worker's run done (its work plus its waits for a core and its yields between layers), ->
//      the frame showing the outputs (the last outputs' message, the page taking them in, the
//      frame).
// Headless Chromium renders with SwiftShader (software GL) here: real GPUs upload and draw faster.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { SITE_DIR } from './engine.mjs';
import { startServer, launch, waitReady, waitSettled, gotoSettled, sliderPoint, DEFAULT_STATE } from './playground_support.mjs';
import { cpuMark, browserCpu, cpuMs } from '../../bench/proc_cpu.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', 20));
const SITE = opt('--site', SITE_DIR);
const ISOLATED = args.includes('--isolated');
const FIRST_ONLY = args.includes('--first-only');
const STATE_512 = DEFAULT_STATE.replace('in=3x256x256', 'in=3x512x512');

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const fmt = (a) => `median ${median(a).toFixed(1)} ms, worst ${Math.max(...a).toFixed(1)} ms (n=${a.length})`;

if (!existsSync(path.join(SITE, 'convplay_app.wasm'))) {
    console.error(`${SITE} has no playground: run scripts/build.sh site`);
    process.exit(2);
}

// 2. Transfer size.
console.log('== transfer size (what index.html loads)');
let raw = 0, gz = 0;
for (const f of ['index.html', 'playground.css', 'playground.js', 'convplay_app.js', 'convplay_app.wasm']) {
    const b = readFileSync(path.join(SITE, f));
    const g = gzipSync(b, { level: 9 }).length;
    raw += b.length; gz += g;
    console.log(`  ${f.padEnd(20)} ${(b.length / 1024).toFixed(1).padStart(8)} KiB   gzip ${(g / 1024).toFixed(1).padStart(7)} KiB`);
}
console.log(`  ${'total'.padEnd(20)} ${(raw / 1024).toFixed(1).padStart(8)} KiB   gzip ${(gz / 1024).toFixed(1).padStart(7)} KiB`);

// A page of text alone in a fresh context of `b`: navigation start -> the start of its second
// frame (its first one made), in ms.
async function textPage(b) {
    const ctx = await b.newContext({ viewport: { width: 1400, height: 900 } });
    try {
        const page = await ctx.newPage();
        // Heard as a console message (no script of Playwright's in the page while it loads).
        const said = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('second frame at '), timeout: 30000 });
        await page.goto('data:text/html,<!doctype html><title>text</title><h1>A page of text</h1><p>Nothing else: no script but this one, no canvas.</p>'
                        + '<script>requestAnimationFrame(() => requestAnimationFrame(() => console.log(`second frame at ${performance.now()}`)));</script>',
                        { waitUntil: 'commit' });
        return Number((await said).text().slice('second frame at '.length));
    } finally {
        await ctx.close();
    }
}

const { proc: server, url } = await startServer(SITE, { isolated: ISOLATED });
// The browser's one-time start-up as any page meets it: a text page first in a fresh browser, then
// three more (the later pages' median). Its own browser, so the playground's first page below is
// still its browser's first page.
const textRuns = [];
{
    const b = await launch();
    try {
        for (let i = 0; i < 4; i++) textRuns.push(await textPage(b));
    } finally {
        await b.close();
    }
}
const MARK = cpuMark();
const browser = await launch([MARK]);
try {
    // 1. First frame.
    console.log('== first frame after navigation (fresh context each run; the first run is the browser\'s first page)');
    const firstFrame = [], firstOutputs = [];
    for (let i = 0; i < Math.min(RUNS, 8); i++) {
        const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const page = await ctx.newPage();
        // Without Playwright's injected script in the load (gotoSettled): a visitor has none.
        await gotoSettled(page, `${url}/`);
        const r = await page.evaluate(() => ({ ready: convplay.readyAt, shown: convplay.timing().shown_ms }));
        firstFrame.push(r.ready);
        firstOutputs.push(r.shown);
        await ctx.close();
    }
    console.log(`  first frame drawn:            ${fmt(firstFrame)}`);
    console.log(`  first frame with the outputs: ${fmt(firstOutputs)}`);
    // In run order: whether the worst is the browser's first page (its GPU process starting) or any.
    console.log(`    each run, with the outputs:  ${firstOutputs.map((v) => v.toFixed(0)).join(', ')} ms`);
    console.log(`    the browser's first page:    ${firstOutputs[0].toFixed(1)} ms (with the browser's one-time start-up)`);
    if (firstOutputs.length > 1) console.log(`    the later pages:             ${fmt(firstOutputs.slice(1))}`);
    console.log(`  a page of text alone, to its second frame (another fresh browser): the browser's first page ${textRuns[0].toFixed(1)} ms, `
                + `later pages ${fmt(textRuns.slice(1))}`);

    if (FIRST_ONLY) {
        await browser.close();
        server.kill();
        process.exit(0);
    }

    // 3. Latency at 512x512.
    // Tall enough that the last layer's sliders are on screen without scrolling.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    await page.goto(`${url}/#${STATE_512}`);
    await waitReady(page);
    await waitSettled(page);
    const edits = () => page.evaluate(() => convplay.timing().edits);
    const copyMs = () => page.evaluate(() => convplay.runner().copyMs || 0);

    // What to read before an edit, for appSide.
    const before = async () => ({ copy: await copyMs(), cpu: browserCpu(MARK),
                                  frames: await page.evaluate(() => { const t = convplay.timing(); return t.frames - (t.not_drawn || 0); }) });
    // The app-side work of the edit just shown (see the top): pushed onto `acc`. trigger: when the
    // edit was made (pointerdown, setState), in the page's performance.now() ms.
    async function appSide(acc, b, trigger) {
        const copyBefore = b.copy;
        // The Worker's 'done' (its workMs / kernelsMs) follows its last output: wait for this run's.
        await page.waitForFunction(() => { const r = convplay.runner(); return r.mode !== 'worker' || r.doneRun === r.lastRun; });
        const r = await page.evaluate(() => ({ t: convplay.timing(), runner: convplay.runner(), origin: performance.timeOrigin }));
        const copy = (r.runner.copyMs || 0) - copyBefore;
        acc.worker.push(r.runner.workMs || 0);
        acc.kernels.push(r.runner.kernelsMs || 0);
        // Where the Worker's time went, and when (engine_worker.js, 'done': stats.run; epoch ms).
        const run = (r.runner.worker && r.runner.worker.run) || {};
        acc.apply.push(run.applyMs || 0);
        acc.ranges.push(run.rangesMs || 0);
        acc.send.push(run.sendMs || 0);
        acc.toWorker.push(run.received - (r.origin + trigger));
        acc.inWorker.push(run.when - run.received);
        acc.toFrame.push(r.origin + r.t.shown_ms - run.when);
        acc.copy.push(copy);
        acc.frames.push(r.t.edit_parts_ms);
        acc.count.push(r.t.edit_frames);
        acc.total.push((r.runner.workMs || 0) + copy + r.t.edit_parts_ms);
        const c = browserCpu(MARK);
        acc.onCpu.push(cpuMs(b.cpu, c, 'worker', 'run'));
        acc.waiting.push(cpuMs(b.cpu, c, 'worker', 'wait'));
        acc.raster.push(cpuMs(b.cpu, c, 'raster', 'run'));
        acc.drawn.push(r.t.frames - (r.t.not_drawn || 0) - b.frames);
        acc.cpuTotal.push(acc.onCpu.at(-1) + copy + r.t.edit_parts_ms);
    }
    const newAcc = () => ({ worker: [], kernels: [], apply: [], ranges: [], send: [], copy: [], frames: [], count: [], total: [], onCpu: [], waiting: [], raster: [],
                            drawn: [], cpuTotal: [], toWorker: [], inWorker: [], toFrame: [] });
    function printAcc(acc, threads) {
        console.log(`    app-side work of the edit (the Worker on ${threads} thread(s) + the page):`);
        console.log(`      Worker (re-plan, layers, ranges, copies): ${fmt(acc.worker)}`);
        console.log(`        of which in the kernels:            ${fmt(acc.kernels)}`);
        console.log(`        re-planning and the input:          ${fmt(acc.apply)}`);
        console.log(`        the outputs' ranges:                ${fmt(acc.ranges)}`);
        console.log(`        the outputs' messages:              ${fmt(acc.send)}`);
        console.log(`      page: taking the outputs in:          ${fmt(acc.copy)}`);
        console.log(`      page: app part of ${median(acc.count)} frame(s) (median):    ${fmt(acc.frames)}`);
        console.log(`      sum:                                  ${fmt(acc.total)}`);
        console.log('    when (wall time, waits included): the edit -> its request in the Worker (the app\'s frame that asks, the message),');
        console.log('      -> the Worker\'s run done (its work and its waits: yields, a core), -> the frame showing the outputs:');
        console.log(`      ${fmt(acc.toWorker)}; ${fmt(acc.inWorker)}; ${fmt(acc.toFrame)}`);
        console.log(`    from /proc, the request to the Worker's 'done' having been read:`);
        console.log(`      Worker threads on a CPU:              ${fmt(acc.onCpu)}`);
        console.log(`      Worker threads waiting for a CPU:     ${fmt(acc.waiting)}`);
        console.log(`      SwiftShader on a CPU:                 ${fmt(acc.raster)}`);
        console.log(`      frames drawn (median): ${median(acc.drawn)}`);
        console.log(`    sum with the Worker threads' CPU in place of the Worker's wall time (no waits; ${threads} thread(s) summed):`);
        console.log(`                                          ${fmt(acc.cpuTotal)}`);
    }
    const threads = await page.evaluate(() => convplay.runner().threads);

    // Clicks a slider at the positions of two values in turn; each click must change the state.
    async function mouseRun(name, hook, values) {
        const total = [], work = [], cpu = [], acc = newAcc();
        for (let i = 0; i < RUNS; i++) {
            const v = values[i % 2];
            const p = await sliderPoint(page, hook, v);
            const editsBefore = await edits();
            const b = await before();
            await page.mouse.click(p.x, p.y);
            await page.waitForFunction((n) => convplay.timing().edits > n, editsBefore, { timeout: 5000 }).catch(async (e) => {
                await page.screenshot({ path: '/tmp/shots/timing-fail.png' });
                throw new Error(`${hook}: clicking value ${v} changed nothing (${await page.evaluate(() => convplay.state())})`);
            });
            await waitSettled(page);
            const t = await page.evaluate(() => ({ ...convplay.timing(), down: convplay.lastPointerDown }));
            total.push(t.shown_ms - t.down);
            work.push(t.shown_ms - t.shown_frame_start_ms);
            cpu.push(t.step_ms + t.outputs_ms + t.view_ms);
            await appSide(acc, b, t.down);
            await page.waitForTimeout(60);
        }
        console.log(`  ${name}`);
        console.log(`    pointerdown -> frame with new outputs: ${fmt(total)}`);
        console.log(`    work inside that frame:                ${fmt(work)}`);
        console.log(`      of which layers + uploads + windows: ${fmt(cpu)}`);
        printAcc(acc, threads);
    }
    console.log(`== parameter change -> frame showing the new outputs (${STATE_512})`);
    await mouseRun('mouse, last layer (convT2d output_padding 0 <-> 1; only it reruns)', 'L3.op', [1, 0]);
    await mouseRun('mouse, first layer (conv2d kernel_size 3 <-> 5; every layer reruns)', 'L1.kernel', [5, 3]);

    const hookTotal = [], hookWork = [], hookCpu = [], hookAcc = newAcc();
    for (let i = 0; i < RUNS; i++) {
        const next = STATE_512.replace('out=16', i % 2 ? 'out=16' : 'out=17');
        const b = await before();
        const t0 = await page.evaluate((s) => { const t = performance.now(); convplay.setState(s); return t; }, next);
        await waitSettled(page);
        const t = await page.evaluate(() => convplay.timing());
        hookTotal.push(t.shown_ms - t0);
        hookWork.push(t.shown_ms - t.shown_frame_start_ms);
        hookCpu.push(t.step_ms + t.outputs_ms + t.view_ms);
        await appSide(hookAcc, b, t0);
        await page.waitForTimeout(60);
    }
    console.log('  test hook, first layer (out_channels 16 <-> 17; every layer reruns)');
    console.log(`    setState -> frame with new outputs:    ${fmt(hookTotal)}`);
    console.log(`    work inside that frame:                ${fmt(hookWork)}`);
    console.log(`      of which layers + uploads + windows: ${fmt(hookCpu)}`);
    printAcc(hookAcc, threads);

    // Frame pacing of an idle page: no frames drawn when nothing changes.
    const f0 = await page.evaluate(() => convplay.frames());
    await page.waitForTimeout(1000);
    const f1 = await page.evaluate(() => convplay.frames());
    console.log(`== idle: ${f1 - f0} frames drawn in 1 s with nothing changing`);
} finally {
    await browser.close();
    server.kill();
}
