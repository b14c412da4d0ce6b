// A/B of two playground builds' load (a measurement, not a test): loads the default state (or
// --state) from site A and site B alternately (A B B A A B ...) in one headless Chromium, a fresh
// context each time, and prints the first frame and the first frame with every output
// (convplay.readyAt, timing().shown_ms: from navigation) as median and worst per site, with the
// median of the paired B/A ratios. On a shared machine the load changes from minute to minute:
// alternating puts both builds under the same load, which one build measured before the other
// cannot. The page is loaded outside Playwright's page machinery (loadUnattached: Playwright holds
// every Worker a page starts until it has attached to it, 600+ ms on a loaded machine) and only
// polled for its hooks (every 50 ms) until a frame showed every output.
// One load of each comes first, not counted (the browser's own start-up). 1400x900.
//
//   node bench/load_ab.mjs --a DIR --b DIR [--runs 8] [--state FRAGMENT] [--isolated]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, launch, loadUnattached, DEFAULT_STATE } from '../tests/web/playground_support.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const SITES = { A: opt('--a', ''), B: opt('--b', '') };
const RUNS = Number(opt('--runs', 8));
const STATE = opt('--state', DEFAULT_STATE);
const ISOLATED = args.includes('--isolated');
for (const [k, dir] of Object.entries(SITES)) {
    if (!dir || !existsSync(path.join(dir, 'convplay_app.wasm'))) {
        console.error(`--${k.toLowerCase()} ${dir || '(missing)'}: not a site folder (scripts/build.sh site makes build/site)`);
        process.exit(2);
    }
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const servers = {};
for (const k of Object.keys(SITES)) servers[k] = await startServer(SITES[k], { isolated: ISOLATED });
const browser = await launch();
const got = { A: [], B: [] };
async function load(k) {
    // engine: when the engine Worker had loaded its engine (builds that report it: runner().readyAt).
    return JSON.parse(await loadUnattached(browser, `${servers[k].url}/#${STATE}`, `(() => {
        const c = window.convplay;
        if (!c || !c.ready() || c.busy()) return null;
        const t = c.timing();
        if (t.shown_edit !== t.edits) return null;
        return JSON.stringify({ ready: c.readyAt, shown: t.shown_ms, engine: c.runner().readyAt || 0 });
    })()`, { timeout: 120000 }));
}
try {
    // Not counted: the browser's first load also starts its GPU process and has SwiftShader
    // compile the compositor's shaders (about a second), which neither build causes.
    await load('A');
    await load('B');
    for (let i = 0; i < RUNS; i++) {
        for (const k of i % 2 ? ['B', 'A'] : ['A', 'B']) got[k].push(await load(k));
        const one = (r) => `ready ${r.ready.toFixed(0)} shown ${r.shown.toFixed(0)}${r.engine ? ` (engine ${r.engine.toFixed(0)})` : ''} ms`;
        console.log(`run ${i + 1}: A ${one(got.A[i])}; B ${one(got.B[i])}`);
    }
    for (const [what, key] of [['first frame', 'ready'], ['first frame with outputs', 'shown']]) {
        const a = got.A.map((r) => r[key]), b = got.B.map((r) => r[key]);
        console.log(`${what.padEnd(26)} A median ${median(a).toFixed(0)} worst ${Math.max(...a).toFixed(0)} ms; ` +
                    `B median ${median(b).toFixed(0)} worst ${Math.max(...b).toFixed(0)} ms; ` +
                    `B/A paired median ${median(a.map((x, i) => b[i] / x)).toFixed(2)}`);
    }
} finally {
    await browser.close();
    for (const s of Object.values(servers)) s.proc.kill();
}
