// Node-only helpers shared by node.mjs and browser.mjs: options, paths, naming the wasm binaries
// that were loaded, machine load.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport, correctnessProblems } from './report.mjs';
import { THREAD_SETTLE_MS } from './harness.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const USAGE = `options:
  --build DIR        build folder with convplay_engine.js/.wasm and bench/convplay_ceiling.js/.wasm
                     (default build/wasm-bench, or $CONVPLAY_BENCH_BUILD)
  --runs N           timed rounds per layer (default 21, at least 10)
  --warmup N         minimum warm-up calls per engine and layer (default 5, at least 3)
  --warmup-ms MS     minimum warm-up time per engine and layer (default 1000)
  --layers a,b       only these layer ids (see bench/layers.mjs)
  --readback         time output readback too (our output copied out, tfjs dataSync())
  --peers LIST       which peers run beside ours: xnnpack, ort, both (default) or none; the
                     threaded table with one peer at a time tells whether the other's threads
                     disturb ours (they share the page and the cores)
  --no-peers         the same as --peers none
  --json FILE        also write the raw results as JSON
  --threads N        Chromium only: the threaded table. The page is served cross-origin isolated
                     (COOP/COEP); ours is the threaded build (convplay_engine_mt.js from
                     --threads-build, default build/wasm-threads, made by scripts/build.sh site)
                     on N threads beside our single-thread build, tfjs-backend-wasm's threaded
                     SIMD build with setThreadsCount(N), onnxruntime-web with numThreads = N
  --settle-ms MS     the pause after every call in the threaded rounds (default ${THREAD_SETTLE_MS}: longer than
                     ORT's workers spin after a run; 0: none, to see one engine's threads slow another)
  --spin             (browser.mjs, with --threads N) not the table: the CPU each engine's Worker
                     threads use after its call returned, and our call's time right after each
                     engine's calls against after the pause (--layers: which layer, --runs: rounds)`;

export function parseArgs(argv) {
    const o = { build: process.env.CONVPLAY_BENCH_BUILD || 'build/wasm-bench', bench: {}, peers: ['xnnpack', 'ort'], json: null,
                threads: 1, threadsBuild: 'build/wasm-threads' };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i], next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
        switch (a) {
            case '--build': o.build = next(); break;
            case '--runs': o.bench.runs = Number(next()); break;
            case '--warmup': o.bench.warmup = Number(next()); break;
            case '--warmup-ms': o.bench.warmupMs = Number(next()); break;
            case '--layers': o.bench.layers = next().split(','); break;
            case '--readback': o.bench.readback = true; break;
            case '--no-peers': o.peers = []; break;
            case '--peers': o.peers = next().split(',').filter((p) => p !== 'none').flatMap((p) => (p === 'both' ? ['xnnpack', 'ort'] : [p]));
                for (const p of o.peers) if (!['xnnpack', 'ort'].includes(p)) throw new Error(`--peers: unknown peer ${p}\n${USAGE}`);
                break;
            case '--json': o.json = next(); break;
            case '--threads': o.threads = Number(next()); break;
            case '--threads-build': o.threadsBuild = next(); break;
            case '--settle-ms': o.bench.settleMs = Number(next());
                if (!(o.bench.settleMs >= 0)) throw new Error('--settle-ms needs a number >= 0');
                break;
            case '-h': case '--help': console.log(USAGE); process.exit(0); break;
            default: throw new Error(`unknown option ${a}\n${USAGE}`);
        }
    }
    o.build = path.resolve(ROOT, o.build);
    for (const f of ['convplay_engine.js', 'convplay_engine.wasm', 'bench/convplay_ceiling.js', 'bench/convplay_ceiling.wasm'])
        if (!existsSync(path.join(o.build, f))) throw new Error(`missing ${path.join(o.build, f)}: run scripts/bench.sh (it builds them)`);
    if (!(Number.isInteger(o.threads) && o.threads >= 1)) throw new Error('--threads needs a whole number >= 1');
    o.threadsBuild = path.resolve(ROOT, o.threadsBuild);
    if (o.threads > 1)
        for (const f of ['convplay_engine_mt.js', 'convplay_engine_mt.wasm', 'convplay_engine_mt.worker.js'])
            if (!existsSync(path.join(o.threadsBuild, f))) throw new Error(`missing ${path.join(o.threadsBuild, f)}: run scripts/build.sh site`);
    return o;
}

// Every wasm file the run could load, by SHA-256.
export function wasmCandidates(build) {
    const dirs = [
        ['tfjs-backend-wasm', path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
        ['onnxruntime-web', path.join(ROOT, 'node_modules/onnxruntime-web/dist')],
        ['convplay', build],
        ['convplay', path.join(build, 'bench')],
        ['convplay', path.join(ROOT, 'build/wasm-threads')],
    ];
    const out = [];
    for (const [pkg, dir] of dirs) {
        if (!existsSync(dir)) continue;
        for (const f of readdirSync(dir)) {
            if (!f.endsWith('.wasm')) continue;
            const bytes = readFileSync(path.join(dir, f));
            out.push({ pkg, file: f, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
        }
    }
    return out;
}

export function nameWasm(loaded, candidates) {
    return loaded.map((l) => {
        if (l.module) return `(a precompiled WebAssembly.Module via ${l.via})`;
        const c = candidates.find((x) => x.sha256 === l.sha256);
        const what = c ? `${c.pkg}/${c.file}` : `UNKNOWN (${l.bytes} bytes, sha256 ${l.sha256.slice(0, 12)})`;
        return `${what} [${l.via}${l.url ? ` ${l.url}` : ''}]`;
    });
}

// The median of xs (the upper middle value when their count is even).
export function median(xs) {
    const s = [...xs].sort((p, q) => p - q);
    return s[s.length >> 1];
}

export function loadText() {
    const [a, b, c] = loadavg();
    return `${a.toFixed(2)} ${b.toFixed(2)} ${c.toFixed(2)} (1/5/15 min, ${cpus().length} cpus)`;
}

// CPU time of the whole machine from /proc/stat (Linux): busy share between two snapshots, as a
// percentage of all cores. A quiet machine running one single-threaded benchmark on 2 cores shows
// about 50 %; more means other work shared the CPU during the run.
export function cpuSnapshot() {
    try {
        const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
        const idle = f[3] + (f[4] || 0);
        return { idle, total: f.reduce((a, b) => a + b, 0), proc: process.cpuUsage(), t: Date.now() };
    } catch {
        return null;
    }
}
export function cpuBusyText(a, b, { self = true } = {}) {
    if (!a || !b || b.total === a.total) return 'n/a';
    const busy = 100 * (1 - (b.idle - a.idle) / (b.total - a.total));
    let s = `${busy.toFixed(0)}% of ${cpus().length} cores over ${((b.t - a.t) / 1000).toFixed(0)} s`;
    if (self) {
        const ownMs = (b.proc.user - a.proc.user + b.proc.system - a.proc.system) / 1000;
        s += ` (this Node process: ${(100 * ownMs / ((b.t - a.t) * cpus().length)).toFixed(0)}%)`;
    }
    return s;
}

export function cpuModel() {
    return `${cpus()[0]?.model ?? '?'}`;
}

// The end of a run, the same in Node and Chromium: keep the JSON if asked, print the report, and
// return 1 when a result is wrong (a failed layer, an output off the reference).
export function finishRun(result, envInfo, args) {
    result.env = envInfo;
    if (args.json) writeFileSync(args.json, JSON.stringify(result, (k, v) => (k === 'times' ? v.map((x) => +x.toFixed(4)) : v), 1));
    console.log(formatReport(result, envInfo));
    const problems = correctnessProblems(result);
    if (problems.length) console.error(`bench: WRONG RESULTS:\n  ${problems.join('\n  ')}`);
    return problems.length ? 1 : 0;
}
