// CPU time of a headless Chromium's threads, from /proc (Linux): for the browser benchmarks that
// must tell the engine Worker's own work from its waits for a core. Each thread's schedstat gives
// the nanoseconds it ran on a CPU and the nanoseconds it waited, runnable, for one.
//
//   const mark = cpuMark();                 // pass it to launch([mark]): Chromium ignores it
//   const a = browserCpu(mark); ...; const b = browserCpu(mark);
//   cpuMs(a, b, 'worker', 'run' | 'wait')   // ms between the two samples
//
// Kinds: 'worker' (DedicatedWorker threads: the engine Worker and its pthreads), 'raster'
// (SwiftShader's scheduler threads, named Thread<NN>: the software GL's drawing), 'other'
// (everything else: the page's main thread, the compositor, the GPU process's own threads...).
import { readdirSync, readFileSync } from 'node:fs';

export const cpuMark = () => `--convplay-cpu-mark=${process.pid}`;

// Process `root` and every process under it.
export function descendants(root) {
    const kids = new Map();
    for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
            const st = readFileSync(`/proc/${p}/stat`, 'utf8');
            const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
            if (!kids.has(ppid)) kids.set(ppid, []);
            kids.get(ppid).push(Number(p));
        } catch {}  // gone meanwhile
    }
    const out = [], todo = [root];
    while (todo.length) { const x = todo.pop(); out.push(x); todo.push(...(kids.get(x) ?? [])); }
    return out;
}

// The browser launched with `mark` (its process has it on its command line), and every process under it.
export function browserPids(mark) {
    const root = readdirSync('/proc').find((p) => {
        try { return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(mark); } catch { return false; }
    });
    return root ? descendants(Number(root)) : [];
}

// Browser threads by name (cpu_timeline.mjs reads the same): SwiftShader's scheduler threads, in the
// GPU process, and the DedicatedWorker threads (a Worker and its pthreads).
export const isRasterThread = (comm) => /^Thread<\d+>/.test(comm);
export const isWorkerThread = (comm) => comm.startsWith('DedicatedWorker');
const kindOf = (comm) => (isWorkerThread(comm) ? 'worker' : isRasterThread(comm) ? 'raster' : 'other');

// {worker|raster|other: {run, wait (ns so far), threads}, names: Map('name (pid P)' -> run ns)}.
export const browserCpu = (mark) => threadsCpu(browserPids(mark));

// The same for the threads of processes `pids` (a list taken once: reading /proc for the
// process tree costs a few milliseconds, too much for samples 10 ms apart).
export function threadsCpu(pids) {
    const kind = () => ({ run: 0, wait: 0, threads: 0 });
    const sum = { worker: kind(), raster: kind(), other: kind(), names: new Map() };
    for (const pid of pids) {
        let tids = [];
        try { tids = readdirSync(`/proc/${pid}/task`); } catch {}
        for (const t of tids) {
            try {
                const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
                const [run, wait] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
                const s = sum[kindOf(comm)];
                s.run += run;
                s.wait += wait;
                ++s.threads;
                const key = `${comm} (pid ${pid})`;
                sum.names.set(key, (sum.names.get(key) || 0) + run);
            } catch {}  // gone meanwhile
        }
    }
    return sum;
}

export const cpuMs = (a, b, kind, what) => (b[kind][what] - a[kind][what]) / 1e6;

// The n threads that ran most between two samples: 'name (pid P) ms; ...'.
export function busiest(a, b, n = 8) {
    return [...b.names].map(([k, v]) => [k, (v - (a.names.get(k) || 0)) / 1e6]).sort((x, y) => y[1] - x[1]).slice(0, n)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`).join('; ');
}
