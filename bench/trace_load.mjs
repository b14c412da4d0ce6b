// Where the playground's main-thread time goes (a measurement, not a test): loads a state in
// headless Chromium with Chrome's tracing on (then, with --upload N, chooses an N x N noise PNG
// with the file input) and prints the page's main-thread tasks longer than --min ms (default
// 50): when, how long, what ran (the app's frame, a script, a message) and where the time went
// (waiting on the GPU process, making GPU contexts, wasm compilation, script evaluation, the
// rest: the page's own JS and wasm); --detail lists the trace events over 3 ms inside each.
//
//   node bench/trace_load.mjs [--state FRAGMENT] [--upload N] [--min MS] [--detail] [--site DIR] [--out trace.json]
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR } from '../tests/web/engine.mjs';
import { startServer, launch, gotoSettled, waitSettled, makePng, DEFAULT_STATE } from '../tests/web/playground_support.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const STATE = opt('--state', DEFAULT_STATE);
const MIN = Number(opt('--min', 50));
const SITE = opt('--site', SITE_DIR);
const OUT = opt('--out', '');
const UPLOAD = Number(opt('--upload', 0));   // then a noise PNG of UPLOAD x UPLOAD is uploaded
const DETAIL = args.includes('--detail');

if (!existsSync(path.join(SITE, 'convplay_app.wasm'))) {
    console.error(`${SITE} has no playground: run scripts/build.sh site`);
    process.exit(2);
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'v8.wasm',
                    'blink.user_timing', 'loading', 'gpu'];
const { proc: server, url } = await startServer(SITE);
const browser = await launch();
try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.addInitScript(() => {
        document.addEventListener('change', () => { window.__changeAt = performance.now(); }, true);
    });
    await gotoSettled(page, `${url}/#${STATE}`, 120000);
    await page.waitForTimeout(300);
    if (UPLOAD) {
        const e0 = await page.evaluate(() => convplay.timing().edits);
        await page.setInputFiles('#file', { name: 'noise.png', mimeType: 'image/png', buffer: makePng(UPLOAD, UPLOAD, { noise: true }) });
        await page.waitForFunction((e) => convplay.timing().edits > e, e0, { timeout: 60000 });
        await waitSettled(page, 120000);
        await page.waitForTimeout(300);
    }
    const t = await page.evaluate(() => ({ shown: convplay.timing().shown_ms, ready: convplay.readyAt, runner: convplay.runner(),
                                           changeAt: window.__changeAt || 0 }));
    const buf = await browser.stopTracing();
    if (OUT) writeFileSync(OUT, buf);
    const events = JSON.parse(buf.toString()).traceEvents;

    // The page's main thread: the renderer thread whose navigationStart is ours.
    const names = new Map();
    for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    const nav = events.find((e) => e.name === 'navigationStart' && String(e.args?.data?.documentLoaderURL || '').startsWith(url));
    const key = (e) => `${e.pid}:${e.tid}`;
    const main = nav ? key(nav) : [...names].find(([, n]) => n === 'CrRendererMain')?.[0];
    const t0 = nav ? nav.ts : 0;
    const ms = (us) => (us / 1000).toFixed(1);
    const label = (e) => {
        const d = e.args?.data || {};
        const extra = d.functionName || d.url?.split('/').pop() || d.name || e.args?.name || '';
        return extra ? `${e.name} (${extra})` : e.name;
    };
    const onMain = events.filter((e) => key(e) === main && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const tops = onMain.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur >= MIN * 1000);
    console.log(`${STATE.slice(0, 80)}: first frame ${t.ready.toFixed(0)} ms, first frame with outputs ${t.shown.toFixed(0)} ms (runner ${t.runner.mode})` +
                (t.changeAt ? `; upload's change event at ${t.changeAt.toFixed(0)} ms` : ''));
    // The engine Worker's side (builds that report it): its engine loaded, the link's layers run
    // before the app asked (and how many the app's first request took).
    if (t.runner.readyAt) {
        console.log(`engine Worker: engine loaded at ${t.runner.readyAt.toFixed(0)} ms` +
                    (t.runner.preAt ? `, the link's layers ready at ${t.runner.preAt.toFixed(0)} ms (${t.runner.preTaken} taken by the first request)` : ''));
    }
    console.log(`main-thread tasks >= ${MIN} ms (start from navigation, duration; then where it went):`);
    // Where a task's time went: waiting on the GPU process (a synchronous GL call: SwiftShader
    // finishing the frames before), making GPU contexts, wasm lazy compilation, script
    // evaluation; the rest is the page's own JS and wasm (and anything not traced).
    const KINDS = [['GPU waits', (e) => e.name === 'ImplementationBase::WaitForCmd'],
                   ['GPU context', (e) => e.name === 'GpuChannelHost::CreateViewCommandBuffer'],
                   ['wasm compile', (e) => e.name === 'wasm.CompileLazy' || e.name === 'v8.wasm.compileConsume'],
                   ['script eval', (e) => e.name === 'EvaluateScript' || e.name === 'v8.compile']];
    let last = -1;
    for (const top of tops) {
        if (top.ts < last) continue;  // nested RunTask
        last = top.ts + top.dur;
        const inside = onMain.filter((e) => e !== top && e.ts >= top.ts && e.ts + e.dur <= top.ts + top.dur);
        let rest = top.dur;
        const parts = KINDS.map(([name, is]) => {
            // Outermost matching events only (a wait inside a context creation counts once).
            const hits = inside.filter(is).filter((e, _, all) => !all.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur));
            const us = hits.reduce((a, e) => a + e.dur, 0);
            rest -= us;
            return us ? `${name} ${ms(us)}` : '';
        }).filter(Boolean);
        const what = inside.find((e) => e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'FireAnimationFrame');
        console.log(`  @${ms(top.ts - t0).padStart(7)} ms  ${ms(top.dur).padStart(6)} ms  ${what ? label(what) : top.name}: ` +
                    `${[...parts, `other ${ms(Math.max(0, rest))}`].join(', ')}`);
        if (!DETAIL) continue;
        for (const e of inside) {
            if (e.dur < 3000 || e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
            console.log(`      +${ms(e.ts - top.ts).padStart(6)} ${ms(e.dur).padStart(7)} ms  ${label(e)}`);
        }
    }
} finally {
    await browser.close();
    server.kill();
}
