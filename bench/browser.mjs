// The benchmark in headless Chromium: node bench/browser.mjs [options] (scripts/bench.sh browser).
// Serves bench/, web/engine.mjs, the build folder and the peers' dist folders from a small HTTP
// server on 127.0.0.1 (a free port), opens bench/page.html in Debian's Chromium through
// playwright-core (flags from docs/toolchain.md), forwards the page's progress, and
// prints the same report as bench/node.mjs. --serve only serves (open the printed URL yourself).
// --threads N: every response carries COOP/COEP (the page is cross-origin isolated, so it has
// SharedArrayBuffer and the peers may start threads) and the page runs the threaded table.
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, parseArgs, wasmCandidates, nameWasm, loadText, cpuModel, cpuSnapshot, cpuBusyText, finishRun } from './node-util.mjs';

const argv = process.argv.slice(2);
const serveOnly = argv.includes('--serve');
const args = parseArgs(argv.filter((a) => a !== '--serve'));

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
if (args.peers.length < 2) q.set('peers', args.peers.join(',') || '0');
if (args.threads > 1) q.set('threads', args.threads);
const pageUrl = `${base}/bench/page.html?${q}`;

if (serveOnly) {
    console.log(`serving on ${base}; open ${pageUrl}  (Ctrl-C stops)`);
} else {
    const { chromium } = await import('playwright-core');
    const loadBefore = loadText();
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
        args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync',
               '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
    });
    let code = 0;
    try {
        const page = await browser.newPage();
        const wasmRequests = [];
        page.on('console', (m) => console.error(m.text()));
        page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
        page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(`${r.status()} ${r.url().replace(base, '')}`); });
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
    } catch (e) {
        console.error(e?.stack ?? e);
        code = 1;
    } finally {
        await browser.close();
        server.close();
    }
    process.exit(code);
}
