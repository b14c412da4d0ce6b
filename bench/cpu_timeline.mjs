// CPU time of a headless Chromium's threads as a timeline (Linux /proc): which threads ran when,
// sampled every few milliseconds by a Node worker thread, so a page's events (a frame drawn, a run
// posted to the engine Worker, its 'done') can be set against the CPU the browser's other threads
// (SwiftShader's above all) took around them. bench/proc_cpu.mjs gives totals between two points;
// this gives the curve in between (bench/edit_series.mjs --timeline).
//
//   const tl = startTimeline(mark);   // mark: proc_cpu's cpuMark(), passed to launch()
//   tl.between(t0, t1) -> { raster, gpu, viz, page, cc, pool, worker, workerWait, other } (ms)
//   tl.threads(t0, t1) -> [[thread name, ms on a CPU], ...], the busiest first
//   await tl.stop()
//
// Times are epoch milliseconds (performance.timeOrigin + performance.now()), as a page's are: the
// two clocks are the same system clock. The threads are those alive at the start.
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync } from 'node:fs';
import { browserPids, isRasterThread, isWorkerThread } from './proc_cpu.mjs';

export const KINDS = ['raster', 'gpu', 'viz', 'page', 'cc', 'pool', 'worker', 'workerWait', 'other', 'machine'];
// raster: SwiftShader's scheduler threads (Thread<NN>, in the GPU process); gpu: the GPU
// process's main thread (it runs the GL commands); viz: the display compositor; page: a
// renderer's main thread; cc: a renderer's compositor thread; pool: a renderer's thread pool (V8's
// background compiles and GC); worker: the DedicatedWorker threads (the engine Worker and its
// pthreads), with workerWait their time waiting, runnable, for a CPU; machine: every process on
// the machine (/proc/stat, in 10 ms ticks: exact only over longer spans).
function kindOf(comm, main, type) {
    if (isRasterThread(comm)) return 'raster';
    if (isWorkerThread(comm)) return 'worker';
    if (comm.startsWith('VizCompositor')) return 'viz';
    if (type === 'gpu-process' && main) return 'gpu';
    if (type === 'renderer' && main) return 'page';
    if (type === 'renderer' && comm === 'Compositor') return 'cc';
    if (type === 'renderer' && comm.startsWith('ThreadPool')) return 'pool';
    return 'other';
}

// The sampler: reads every listed schedstat (kept open; read again at offset 0) each `every` ms
// into a row [time, run ns of each thread..., wait ns of all Worker threads, the machine's busy ns].
const SAMPLER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { paths, waits, ctl, data, every } = workerData;
const cols = paths.length + 3;
const stat = fs.openSync('/proc/stat', 'r');
const sbuf = Buffer.alloc(256);
const c = new Int32Array(ctl), d = new Float64Array(data);
const nap = new Int32Array(new SharedArrayBuffer(4));
const cap = Math.floor(d.length / cols);
const fds = paths.map((p) => { try { return fs.openSync(p, 'r'); } catch { return -1; } });
const buf = Buffer.alloc(128);
while (!Atomics.load(c, 0)) {
    const n = Atomics.load(c, 1);
    if (n >= cap) break;
    const row = n * cols;
    let wait = 0;
    for (let i = 0; i < fds.length; i++) {
        if (fds[i] < 0) continue;
        let len = 0;
        try { len = fs.readSync(fds[i], buf, 0, 128, 0); } catch { continue; }
        const s = buf.toString('latin1', 0, len).split(' ');
        d[row + 1 + i] = Number(s[0]);
        if (waits[i]) wait += Number(s[1]);
    }
    d[row + cols - 2] = wait;
    // cpu  user nice system idle iowait irq softirq steal: ticks of 10 ms.
    const f = sbuf.toString('latin1', 0, fs.readSync(stat, sbuf, 0, 256, 0)).split(String.fromCharCode(10))[0].split(' ').filter(Boolean).map(Number);
    d[row + cols - 1] = (f[1] + f[2] + f[3] + f[6] + f[7] + f[8]) * 1e7;
    d[row] = performance.timeOrigin + performance.now();
    Atomics.store(c, 1, n + 1);
    Atomics.wait(nap, 0, 0, every);
}
`;

export function startTimeline(mark, { everyMs = 2, seconds = 240 } = {}) {
    const threads = [];
    for (const pid of browserPids(mark)) {
        let tids = [], type = '';
        try {
            tids = readdirSync(`/proc/${pid}/task`);
            // Chromium rewrites its children's command lines (one string, spaces between).
            type = (readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--type=([\w-]+)/) || ['', ''])[1];
        } catch {}
        for (const t of tids) {
            let comm;
            try { comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim(); } catch { continue; }
            const kind = kindOf(comm, t === String(pid), type);
            threads.push({ path: `/proc/${pid}/task/${t}/schedstat`, name: `${comm} (${type || 'browser'} ${pid}${t === String(pid) ? ' main' : ''})`, kind });
        }
    }
    const cols = threads.length + 3;
    const cap = Math.ceil((seconds * 1000) / everyMs);
    const ctl = new SharedArrayBuffer(8), data = new SharedArrayBuffer(cap * cols * 8);
    const worker = new Worker(SAMPLER, { eval: true, workerData: { paths: threads.map((t) => t.path), waits: threads.map((t) => t.kind === 'worker'), ctl, data, every: everyMs } });
    const c = new Int32Array(ctl), d = new Float64Array(data);
    // Each column's value (ns so far) at epoch ms t, interpolated between the samples around it.
    function at(t) {
        const n = Atomics.load(c, 1);
        if (n === 0) return new Float64Array(cols);
        let lo = 0, hi = n - 1;
        if (t <= d[0]) hi = 0;
        else if (t >= d[(n - 1) * cols]) lo = hi = n - 1;
        else while (hi - lo > 1) { const m = (lo + hi) >> 1; if (d[m * cols] <= t) lo = m; else hi = m; }
        const a = d.subarray(lo * cols, (lo + 1) * cols), b = d.subarray(hi * cols, (hi + 1) * cols);
        const f = hi === lo ? 0 : (t - a[0]) / (b[0] - a[0]);
        return a.map((x, i) => x + f * (b[i] - x));
    }
    const diff = (t0, t1) => { const a = at(t0), b = at(t1); return b.map((x, i) => (x - a[i]) / 1e6); };
    return {
        between(t0, t1) {
            const v = diff(t0, t1), out = Object.fromEntries(KINDS.map((k) => [k, 0]));
            threads.forEach((th, i) => { out[th.kind] += v[1 + i]; });
            out.workerWait = v[cols - 2];
            out.machine = v[cols - 1];
            return out;
        },
        threads(t0, t1) {
            const v = diff(t0, t1);
            return threads.map((th, i) => [th.name, v[1 + i]]).filter((x) => x[1] > 0).sort((x, y) => y[1] - x[1]);
        },
        // The latest sample's time (epoch ms): between() is exact only up to it.
        last: () => { const n = Atomics.load(c, 1); return n ? d[(n - 1) * cols] : 0; },
        async stop() { Atomics.store(c, 0, 1); await worker.terminate(); },
    };
}
