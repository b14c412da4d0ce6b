// Threads in the page (headless Chromium): served with COOP/COEP (scripts/serve.py, as
// scripts/serve.sh does) the page is cross-origin isolated and its engine Worker runs the threaded
// build (convplay_engine_mt.js) on more than one thread; served without them, and in an iframe on
// an ordinary host page of another origin, it runs the single-thread build, with no error. Every
// way gives the same outputs, bit for bit (output hashes), as the engine under Node; and when a
// thread Worker of the threaded build does not load, the Worker runs the single-thread build.
// Screenshot: test-artifacts/threads-isolated.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../web/engine.mjs';
import { ARTIFACTS_DIR, ENGINE_JS, SITE_DIR } from './engine.mjs';
import { DEFAULT_STATE, usePlayground, startServer } from './playground_support.mjs';

// A transposed conv of each kernel family (k4 s2, k3 s2 op1) and a depthwise conv, big enough
// that every layer splits over the threads.
const MIXED = 'v=1&in=3x128x128&img=photo&net=conv2d(out=16,k=3,p=1);relu;conv2d(out=16,k=3,p=1,g=16);' +
    'convT2d(out=8,k=4,s=2,p=1);convT2d(out=3,k=3,s=2,p=1,op=1)';
const STATES = [DEFAULT_STATE, MIXED];

const site = usePlayground({ before, after });   // the site without COOP/COEP: one thread
let isolated, host, hostDir, engine;
const consoleErrors = [];

before(async () => {
    isolated = await startServer(undefined, { isolated: true });
    hostDir = mkdtempSync(path.join(os.tmpdir(), 'convplay-threads-host-'));
    host = await startServer(hostDir);
    engine = await createEngine({ modulePath: ENGINE_JS });
});
after(() => {
    isolated?.proc.kill();
    host?.proc.kill();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

function fnv(values) {
    let h = 2166136261;
    for (const b of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) h = Math.imul(h ^ b, 16777619) >>> 0;
    return h;
}
// Each layer's output hash from the engine under Node (single thread).
function nodeHashes(state) {
    const r = engine.run(state);
    assert.ok(r.ok, r.error);
    return r.layers.map((L) => fnv(L.output));
}

// A page (or the playground's frame in it) that logs console errors and page errors.
async function newPage() {
    const page = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e}`));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`console.error: ${m.text()}`); });
    return page;
}

// In `frame` (a playground): applies each state, waits for its outputs, returns their hashes.
async function hashesOf(frame, states) {
    const out = [];
    for (const s of states) {
        await frame.evaluate((st) => convplay.setState(st), s);
        await frame.waitForFunction((st) => {
            const c = window.convplay, t = c.timing();
            return c.state() === st && !c.busy() && t.shown_edit === t.edits;
        }, engine.shapes(s).state, { timeout: 60000 });
        out.push(await frame.evaluate(() => convplay.shapes().layers.map((_, i) => convplay.outputHash(i))));
    }
    return out;
}

const engineInfo = (frame) => frame.evaluate(() => ({
    isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency,
    runner: convplay.runner(), text: convplay.probe('engine')?.text,
}));

async function waitWorker(frame) {
    // The Worker's ready message (its thread count) arrives once its engine loaded.
    await frame.waitForFunction(() => window.convplay?.ready() && convplay.runner().build !== '', null, { timeout: 30000 });
}

test('cross-origin isolated (COOP/COEP): the threaded engine on 2+ threads, the same outputs', async () => {
    const page = await newPage();
    const res = await page.goto(`${isolated.url}/`);
    assert.equal(res.headers()['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(res.headers()['cross-origin-opener-policy'], 'same-origin');
    await waitWorker(page);
    const info = await engineInfo(page);
    assert.equal(info.isolated, true, 'the page is cross-origin isolated');
    assert.ok(info.cores >= 2, `this test needs 2 or more cores (navigator.hardwareConcurrency = ${info.cores})`);
    assert.equal(info.runner.mode, 'worker');
    assert.equal(info.runner.build, 'convplay_engine_mt.js');
    assert.ok(info.runner.threads >= 2 && info.runner.threads <= info.cores,
              `the engine runs on 2..${info.cores} threads (got ${info.runner.threads})`);
    assert.equal(info.text, `${info.runner.threads} threads (cross-origin isolated)`, 'what the user is shown');
    const got = await hashesOf(page, STATES);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'threads-isolated.png') });
    // The page copied every output straight out of the Worker's shared memory: the Worker copied none.
    await page.waitForFunction(() => { const r = convplay.runner(); return r.worker && r.doneRun === r.lastRun; });
    const w = (await page.evaluate(() => convplay.runner())).worker;
    assert.ok(w.piecesShared >= 8, `pieces read from the shared memory: ${JSON.stringify(w)}`);
    assert.equal(w.buffersMade + w.buffersReused, 0, 'no piece copied in the Worker');
    await page.close();
    STATES.forEach((s, i) => assert.deepEqual(got[i], nodeHashes(s), `the engine's outputs under Node: ${s}`));
    assert.deepEqual(consoleErrors, []);
});

// A new page that also collects the playground's own warnings ('convplay: ...').
async function newWatchedPage() {
    const page = await newPage();
    page.warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' && m.text().startsWith('convplay:')) page.warnings.push(m.text()); });
    return page;
}

// The single-thread fallback in `frame`: the plain build, one thread, said so, no warning, and
// the engine's outputs for every state.
async function expectSingleThread(page, frame) {
    const info = await engineInfo(frame);
    assert.equal(info.isolated, false, 'not cross-origin isolated');
    assert.deepEqual([info.runner.mode, info.runner.build, info.runner.threads], ['worker', 'convplay_engine.js', 1]);
    assert.equal(info.text, '1 thread', 'what the user is shown');
    const got = await hashesOf(frame, STATES);
    // Copied out of its memory into buffers the page gave back (after the first run's).
    await frame.waitForFunction(() => { const r = convplay.runner(); return r.worker && r.doneRun === r.lastRun; });
    const w = (await frame.evaluate(() => convplay.runner())).worker;
    assert.equal(w.piecesShared, 0, 'no shared memory in the single-thread build');
    assert.ok(w.buffersReused >= 2, `buffers given back were reused: ${JSON.stringify(w)}`);
    await page.close();
    STATES.forEach((s, i) => assert.deepEqual(got[i], nodeHashes(s), `the engine's outputs under Node: ${s}`));
    assert.deepEqual(page.warnings, [], 'no warning about threads');
    assert.deepEqual(consoleErrors, []);
}

// A host page at `server` (serving `dir`) with the playground of the isolated site in an iframe
// (`allow`: its allow attribute); returns { page, frame } once the frame's Worker is ready.
async function openEmbed(server, dir, allow = '') {
    const src = `${isolated.url}/index.html?embed=1&id=t#${DEFAULT_STATE}`;
    writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<title>host</title><body><h1>A host page</h1><iframe id="pg" src="${src}" allow="${allow}" width="800" height="600"></iframe></body>`);
    const page = await newWatchedPage();
    await page.goto(`${server.url}/index.html`);
    const frame = await (await page.$('#pg')).contentFrame();
    assert.notEqual(new URL(frame.url()).origin, new URL(server.url).origin, 'the playground is of another origin');
    await waitWorker(frame);
    return { page, frame };
}

test('not isolated (no COOP/COEP): the single-thread engine, quietly, the same outputs', async () => {
    const page = await newWatchedPage();
    await page.goto(`${site.url}/`);
    await waitWorker(page);
    await expectSingleThread(page, page);
});

test('an embed on an ordinary host page of another origin: one thread, no error, the same outputs', async () => {
    // The site itself is served isolated (as scripts/serve.sh does); the host page is not, so
    // the iframe is not isolated either.
    const { page, frame } = await openEmbed(host, hostDir);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false, 'the host is not isolated');
    await expectSingleThread(page, frame);
});

test('an embed on a cross-origin isolated host that allows it: threads in the frame too', async () => {
    // The host page is isolated (its own COOP/COEP) and delegates isolation to the frame of
    // another origin (allow="cross-origin-isolated"); the site sends COEP and CORP, so it may load.
    const isoHostDir = mkdtempSync(path.join(os.tmpdir(), 'convplay-threads-isohost-'));
    const isoHost = await startServer(isoHostDir, { isolated: true });
    try {
        const { page, frame } = await openEmbed(isoHost, isoHostDir, 'cross-origin-isolated');
        assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'the host is isolated');
        const info = await engineInfo(frame);
        assert.equal(info.isolated, true, 'the frame is isolated');
        assert.equal(info.runner.build, 'convplay_engine_mt.js');
        assert.ok(info.runner.threads >= 2, `threads in the frame (got ${info.runner.threads})`);
        const [got] = await hashesOf(frame, [DEFAULT_STATE]);
        await page.close();
        assert.deepEqual(got, nodeHashes(DEFAULT_STATE));
        assert.deepEqual(consoleErrors, []);
    } finally {
        isoHost.proc.kill();
        rmSync(isoHostDir, { recursive: true, force: true });
    }
});

test('isolated, but a thread Worker does not load: the single-thread build in the Worker, the same outputs', async () => {
    // The site without the threaded build's thread script (links to every other file).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'convplay-threads-nomt-'));
    for (const f of readdirSync(SITE_DIR)) if (f !== 'convplay_engine_mt.worker.js') symlinkSync(path.join(SITE_DIR, f), path.join(dir, f));
    const server = await startServer(dir, { isolated: true });
    try {
        const page = await newWatchedPage();
        await page.goto(`${server.url}/`);
        await waitWorker(page);
        const info = await engineInfo(page);
        assert.equal(info.isolated, true);
        // The Worker, not the page's own thread, runs the layers: on one thread, said so.
        assert.deepEqual([info.runner.mode, info.runner.build, info.runner.threads], ['worker', 'convplay_engine.js', 1]);
        assert.equal(info.text, '1 thread (cross-origin isolated)', 'what the user is shown');
        const got = await hashesOf(page, STATES);
        await page.close();
        STATES.forEach((s, i) => assert.deepEqual(got[i], nodeHashes(s), `the engine's outputs under Node: ${s}`));
        // One warning says why (and one more from the spare Worker, if it started by now: it
        // loads a second after a run, and meets the same missing file).
        assert.ok(page.warnings.length >= 1 && page.warnings.length <= 2, JSON.stringify(page.warnings));
        for (const w of page.warnings) assert.match(w, /^convplay: the threaded engine did not start \(a thread Worker did not load/);
        assert.deepEqual(consoleErrors, []);
    } finally {
        server.proc.kill();
        rmSync(dir, { recursive: true, force: true });
    }
});
