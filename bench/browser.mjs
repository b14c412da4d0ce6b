// The benchmark in headless Chromium: node bench/browser.mjs [options] (scripts/bench.sh browser).
// Serves bench/, web/engine.mjs, the build folder and the peers' dist folders from a small HTTP
// server on 127.0.0.1 (a free port), opens bench/page.html in Debian's Chromium through
// playwright-core (flags from docs/toolchain.md), forwards the page's progress, and
// prints the same report as bench/node.mjs. --serve only serves (open the printed URL yourself).
// --threads N: every response carries COOP/COEP (the page is cross-origin isolated, so it has
// SharedArrayBuffer and the peers may start threads) and the page runs the threaded table.
// --spin (with --threads N; --layers picks the layer, default the 1x1 conv): instead of the table,
// how much CPU each engine's Worker threads use in the moments after its call has returned, read
// from /proc for the browser's own processes (bench/spin.html), and how much slower our call is
// right after each engine's than after the threaded table's pause.
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { THREAD_SETTLE_MS } from './harness.mjs';
import { browserPids, threadsCpu, cpuMark } from './proc_cpu.mjs';
import { ROOT, parseArgs, wasmCandidates, nameWasm, loadText, cpuModel, cpuSnapshot, cpuBusyText, finishRun } from './node-util.mjs';

const argv = process.argv.slice(2);
const serveOnly = argv.includes('--serve');
const spin = argv.includes('--spin');
const args = parseArgs(argv.filter((a) => a !== '--serve' && a !== '--spin'));
if (spin && args.threads < 2) throw new Error('--spin needs --threads N (N >= 2)');

// URL prefix -> folder. Nothing else is served.
const ROUTES = [
    ['/bench/', path.join(ROOT, 'bench')],
    ['/web/', path.join(ROOT, 'web')],
    ['/build-bench/', args.build],
    ['/build-threads/', args.threadsBuild],
    ['/node_modules/@tensorflow/tfjs/dist/', path.join(ROOT, 'node_modules/@tensorflow/tfjs/dist')],
    ['/node_modules/@tensorflow/tfjs-backend-wasm/dist/', path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
    ['/node_modules/onnxruntime-web/dist/', path.join(ROOT, 'node_modules/onnxruntime-web/dist')],
];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
               '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

function serve(req, res) {
    const url = new URL(req.url, 'http://x');
    let file = null;
    for (const [prefix, dir] of ROUTES) {
        if (!url.pathname.startsWith(prefix)) continue;
        const rel = decodeURIComponent(url.pathname.slice(prefix.length));
        const f = path.resolve(dir, rel);
        if (f.startsWith(dir + path.sep)) file = f;  // no ../ escapes
        break;
    }
    let st = null;
    try { st = file && statSync(file); } catch {}
    if (url.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (!st || !st.isFile()) { console.error(`server: 404 ${url.pathname}`); res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    const isolation = args.threads > 1
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-length': st.size,
                         'cache-control': 'no-store', ...isolation });
    createReadStream(file).pipe(res);
}

const server = http.createServer(serve);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const q = new URLSearchParams({ build: '/build-bench' });
const o = args.bench;
if (o.runs) q.set('runs', o.runs);
if (o.warmup) q.set('warmup', o.warmup);
if (o.warmupMs) q.set('warmupMs', o.warmupMs);
if (o.layers) q.set('layers', o.layers.join(','));
if (o.readback) q.set('readback', '1');
if (o.settleMs != null) q.set('settleMs', o.settleMs);
if (args.peers.length < 2) q.set('peers', args.peers.join(',') || '0');
if (args.threads > 1) q.set('threads', args.threads);
const pageUrl = `${base}/bench/page.html?${q}`;

const SPIN_WINDOWS_MS = [10, 30, 100, 300];
async function spinRun(page) {
    const { LAYERS } = await import('./layers.mjs');
    const L = LAYERS.find((l) => l.id === (o.layers?.[0] ?? 'conv1x1-64-64_128'));
    if (!L) throw new Error(`--spin: no layer ${o.layers?.[0]}`);
    await page.goto(`${base}/bench/spin.html?${new URLSearchParams({ threads: args.threads, state: L.state })}`);
    await page.waitForFunction(() => window.__spin || window.__spinError, null, { timeout: 300000, polling: 200 });
    const err = await page.evaluate(() => window.__spinError ?? null);
    if (err) throw new Error(`the page failed: ${err}`);
    const names = await page.evaluate(() => window.__spin.names);
    const pids = browserPids(cpuMark());
    if (!pids.length) throw new Error('--spin: the browser process was not found in /proc');
    // The CPU time (ns, /proc/PID/task/TID/schedstat) the Worker threads of the browser's processes have used so far.
    const workerCpu = () => threadsCpu(pids).worker;
    const reps = Math.max(5, o.runs ?? 9), used = Object.fromEntries(names.map((n) => [n, SPIN_WINDOWS_MS.map(() => [])]));
    console.log(`${L.id} (${L.desc}), ${args.threads} threads; ${workerCpu().threads} Worker threads in the browser's processes; ` +
                `${reps} rounds, engines in turn; load average ${loadText()}`);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    for (let r = 0; r < reps; ++r)
        for (const n of names) {
            await page.evaluate((x) => window.__spin.call(x), n);  // 3 calls back to back, returned
            const t0 = performance.now(), c0 = workerCpu().run;
            for (let i = 0; i < SPIN_WINDOWS_MS.length; ++i) {
                await sleep(Math.max(0, SPIN_WINDOWS_MS[i] - (performance.now() - t0)));
                used[n][i].push((workerCpu().run - c0) / 1e6);
            }
            await sleep(200);  // quiet again before the next engine
        }
    const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
    console.log('CPU used by the Worker threads after the call returned (ms, median of the rounds; the page idles meanwhile):');
    console.log(`  ${'engine'.padEnd(8)} ${SPIN_WINDOWS_MS.map((w) => `first ${w} ms`.padStart(15)).join('')}`);
    for (const n of names) console.log(`  ${n.padEnd(8)} ${used[n].map((u) => med(u).toFixed(1).padStart(15)).join('')}`);
    // Our call's time right after each engine's calls / after THREAD_SETTLE_MS of pause, the two
    // alternating (which first alternates too), median of the per-pair ratios.
    const ratios = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < 2 * reps; ++r)
        for (const n of names) {
            const order = r % 2 ? [0, THREAD_SETTLE_MS] : [THREAD_SETTLE_MS, 0];
            const t = {};
            for (const pause of order) t[pause] = await page.evaluate(([x, ms]) => window.__spin.oursAfter(x, ms), [n, pause]);
            ratios[n].push(t[0] / t[THREAD_SETTLE_MS]);
        }
    console.log(`our call right after each engine's calls / after a ${THREAD_SETTLE_MS} ms pause (median of ${2 * reps} pairs):`);
    for (const n of names) console.log(`  ${n.padEnd(8)} ${med(ratios[n]).toFixed(2)}`);
    console.log(`load average after: ${loadText()}`);
}

if (serveOnly) {
    console.log(`serving on ${base}; open ${pageUrl}  (Ctrl-C stops)`);
} else {
    const { launch } = await import('../tests/web/chromium.mjs');
    const loadBefore = loadText();
    // A switch Chromium ignores, so --spin can find this browser's processes in /proc.
    const browser = await launch([cpuMark()]);
    let code = 0;
    try {
        const page = await browser.newPage();
        const wasmRequests = [];
        page.on('console', (m) => console.error(m.text()));
        page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
        page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(`${r.status()} ${r.url().replace(base, '')}`); });
        if (spin) await spinRun(page);
        else {
            const cpu0 = cpuSnapshot();
            await page.goto(pageUrl);
            await page.waitForFunction(() => window.__benchResult || window.__benchError, null, { timeout: 60 * 60 * 1000, polling: 500 });
            const err = await page.evaluate(() => window.__benchError ?? null);
            if (err) throw new Error(`the page failed: ${err}`);
            const cpu1 = cpuSnapshot();
            const result = await page.evaluate(() => window.__benchResult);
            const cands = wasmCandidates(args.build);
            const envInfo = {
                name: `headless Chromium ${browser.version()} (playwright-core)`,
                details: {
                    cpu: cpuModel(), 'load average before': loadBefore, 'load average after': loadText(),
                    'machine CPU busy during the page run (incl. page load)': `${cpuBusyText(cpu0, cpu1, { self: false })} ` +
                        '(one busy Chromium renderer thread is ~50% of 2 cores)',
                    ...result.pageDetails,
                    'wasm fetched over HTTP': '\n    ' + wasmRequests.join('\n    '),
                    'wasm compiled by the peers': '\n    ' + nameWasm(result.wasm.peers, cands).join('\n    '),
                    'wasm compiled by ours + ceiling': '\n    ' + nameWasm(result.wasm.ours, cands).join('\n    '),
                },
            };
            if (finishRun(result, envInfo, args)) code = 1;
        }
    } catch (e) {
        console.error(e?.stack ?? e);
        code = 1;
    } finally {
        await browser.close();
        server.close();
    }
    process.exit(code);
}
