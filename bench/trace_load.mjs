// Where the playground's first frame goes (a measurement, not a test): loads a state in headless
// Chromium with Chrome's tracing on and prints the page's main-thread tasks longer than
// --min ms (default 50), each with the trace events inside it that took more than 3 ms (script
// evaluation, wasm compilation, function calls with their names, animation frames, GC), and the
// app's own performance marks (convplay:*) with their times from navigation.
//
//   node bench/trace_load.mjs [--state FRAGMENT] [--min MS] [--site DIR] [--out trace.json]
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR } from '../tests/web/engine.mjs';
import { startServer, launch, waitSettled, DEFAULT_STATE } from '../tests/web/playground_support.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const STATE = opt('--state', DEFAULT_STATE);
const MIN = Number(opt('--min', 50));
const SITE = opt('--site', SITE_DIR);
const OUT = opt('--out', '');

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
    await page.goto(`${url}/#${STATE}`);
    await waitSettled(page, 120000);
    await page.waitForTimeout(300);
    const t = await page.evaluate(() => ({ shown: convplay.timing().shown_ms, ready: convplay.readyAt, runner: convplay.runner() }));
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
    console.log(`${STATE.slice(0, 80)}: first frame ${t.ready.toFixed(0)} ms, first frame with outputs ${t.shown.toFixed(0)} ms (runner ${t.runner.mode})`);
    console.log(`main-thread tasks >= ${MIN} ms (start from navigation, duration):`);
    let last = -1;
    for (const top of tops) {
        if (top.ts < last) continue;  // nested RunTask
        last = top.ts + top.dur;
        console.log(`  @${ms(top.ts - t0)} ms  ${ms(top.dur)} ms`);
        for (const e of onMain) {
            if (e === top || e.ts < top.ts || e.ts + e.dur > top.ts + top.dur || e.dur < 3000) continue;
            if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
            console.log(`      +${ms(e.ts - top.ts).padStart(6)} ${ms(e.dur).padStart(7)} ms  ${label(e)}`);
        }
    }
    const marks = events.filter((e) => key(e) === main && String(e.name).startsWith('convplay:') && e.cat.includes('user_timing'));
    if (marks.length) {
        console.log('performance marks:');
        for (const m of marks) console.log(`  ${ms(m.ts - t0).padStart(8)} ms  ${m.name}`);
    }
} finally {
    await browser.close();
    server.kill();
}
