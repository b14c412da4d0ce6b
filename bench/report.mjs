import { layerBytes } from './harness.mjs';

// Turns runBench()'s result into the printed report: header (environment, load, ceiling, which
// wasm binaries the peers loaded), the main table, a details table, and one summary line per
// target. Pure formatting: works in Node and in the browser.

const PEERS = [['xnnpack', 'XNNPACK'], ['ort', 'ORT']];

// The speed targets of issue #10 (single thread), the one place they are written down:
// dense convs <= 0.80x XNNPACK's time, depthwise <= 0.75x, transposed convs >= 3x faster than the
// best peer, every layer >= 80 % of its roofline bound.
export const TARGETS = { convVsXnn: 0.80, depthwiseVsXnn: 0.75, convTVsBestPeer: 3, rooflinePct: 80 };
// ... and threaded (the run's thread count, 2 on the 2-core machine): the big layers >= 1.8x our
// single-thread speed, and every layer faster than both peers at the same thread count.
export const THREAD_TARGETS = { bigSpeedup: 1.8 };

const fmt = {
    ms: (x) => (x == null || !isFinite(x) ? '-' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)),
    gf: (x) => (x == null || !isFinite(x) ? '-' : x.toFixed(1)),
    ratio: (x) => (x == null || !isFinite(x) ? '-' : x.toFixed(2)),
    pct: (x) => (x == null || !isFinite(x) ? '-' : `${x.toFixed(0)}%`),
    err: (x) => (x == null ? '-' : Number.isNaN(x) ? 'NaN' : x === 0 ? '0' : x.toExponential(1)),
};

function table(head, rows, align) {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => cells.map((c, i) => (align[i] === 'r' ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join(' | ');
    const sep = w.map((n, i) => (align[i] === 'r' ? '-'.repeat(n - 1) + ':' : '-'.repeat(n))).join(' | ');
    return [line(head), sep, ...rows.map(line)]
        .map((l) => `| ${l} |`).join('\n');
}

const gflops = (macs, ms) => (2 * macs) / (ms * 1e6);
// The roofline of one layer: arithmetic intensity (flops per byte of compulsory traffic, see
// harness.mjs layerBytes) and bound = min(compute ceiling, bandwidth x intensity), both measured in
// the layer's own rounds.
function roofline(r, layerCeil) {
    const bytes = layerBytes(r);
    const ai = (2 * r.macs) / (bytes.read + bytes.write);
    const bw = r.bandwidth?.gbs ?? null;
    const memBound = bw == null ? Infinity : bw * ai;
    return { ai, bw, bound: Math.min(layerCeil, memBound), memoryBound: memBound < layerCeil };
}
// A figure next to its threshold, never rounded across it (69.6 % is not shown as "70%").
function near(x, thr, digits, suffix = '') {
    for (let d = digits; d < digits + 4; ++d) {
        const t = x.toFixed(d);
        if ((Number(t) >= thr) === (x >= thr) && (Number(t) <= thr) === (x <= thr)) return t + suffix;
    }
    return x.toPrecision(6) + suffix;
}

// Per-layer derived figures and target verdicts.
export function evaluate(result) {
    const ceiling = result.ceiling;
    const tol = result.opts.tolerance;
    return result.layers.map((r) => {
        if (r.failed) return { r, failed: r.failed, checks: [], met: false };
        const ours = r.engines.ours?.median;
        const peer = Object.fromEntries(PEERS.map(([k]) => [k, r.engines[k]?.median ?? null]));
        const peerTimes = PEERS.map(([k]) => peer[k]).filter((x) => x != null);
        const best = peerTimes.length ? Math.min(...peerTimes) : null;
        const bestName = best == null ? null : PEERS.find(([k]) => peer[k] === best)[1];
        const gf = gflops(r.macs, ours);
        // % of the ceiling measured in this layer's own rounds (same load); the run-wide figure when
        // that is missing.
        const layerCeil = r.ceiling?.gflops ?? ceiling;
        const pctCeil = (100 * gf) / layerCeil;
        const roof = roofline(r, layerCeil);
        const pctRoof = (100 * gf) / roof.bound;
        const checks = [];
        const correct = r.errRef <= tol;
        checks.push({ target: 'correct', met: correct, text: `err ${fmt.err(r.errRef)} ${correct ? '<=' : '>'} ${tol}` });
        if (r.kind === 'conv' || r.kind === 'depthwise') {
            const x = peer.xnnpack, thr = r.kind === 'conv' ? TARGETS.convVsXnn : TARGETS.depthwiseVsXnn;
            checks.push(x == null
                ? { target: r.kind, met: null, text: 'ours/XNN: no XNNPACK time' }
                : { target: r.kind, met: ours <= thr * x, value: ours / x, text: `ours/XNN ${near(ours / x, thr, 2)} (<=${thr.toFixed(2)})` });
        }
        if (r.kind === 'convT') {
            const thr = TARGETS.convTVsBestPeer;
            checks.push(best == null
                ? { target: 'convT', met: null, text: 'no peer time' }
                : { target: 'convT', met: best / ours >= thr, value: best / ours, text: `best peer/ours ${near(best / ours, thr, 2)}x (>=${thr})` });
        }
        {
            const thr = TARGETS.rooflinePct;
            checks.push(roof.bw == null
                ? { target: 'roofline', met: null, text: 'no bandwidth measured' }
                : { target: 'roofline', met: pctRoof >= thr, value: pctRoof, text: `roofline ${near(pctRoof, thr, 0, '%')} (>=${thr}%)` });
        }
        // null: could not be judged (a peer missing, e.g. --no-peers)
        const met = checks.some((c) => c.met === false) ? false : checks.every((c) => c.met === true) ? true : null;
        return { r, ours, peer, best, bestName, gf, pctCeil, layerCeil, roof, pctRoof, checks, met };
    });
}

function header(result, envInfo) {
    const lines = [];
    lines.push(`convplay benchmark: ${envInfo.name}`);
    for (const [k, v] of Object.entries(envInfo.details ?? {})) lines.push(`  ${k}: ${v}`);
    lines.push(`  engine: ${result.engineVersion}`);
    const o = result.opts;
    lines.push(`  method: per layer and engine >= ${o.warmup} warm-up calls and >= ${o.warmupMs} ms of them, then ${o.runs} ` +
               'timed rounds (engines interleaved, order rotating); median of performance.now() around each call ' +
               `(calls under ${o.sampleMs} ms: around a batch of back-to-back calls, divided by the batch); ` +
               (o.readback ? 'READBACK mode: our output copied out, tfjs dataSync() inside the timed call'
                           : 'outputs stay in each engine\'s memory (ORT\'s run() always copies input in and output out)'));
    const cb = result.ceilingBefore, ca = result.ceilingAfter;
    const desc = (c) => `${c.gflops.toFixed(1)} (${c.best.name})`;
    const chains = (c) => Math.max(...c.rows.filter((r) => !r.name.startsWith('L1')).map((r) => r.gflops));
    lines.push(`  SIMD128 ceiling (best of: f32x4 mul+add chains in registers, L1-resident GEMM tiles; 3 runs each): ` +
               `${result.ceiling.toFixed(1)} GFLOP/s  [start ${desc(cb)}, end ${desc(ca)}; ` +
               `register chains alone: ${chains(cb).toFixed(1)} / ${chains(ca).toFixed(1)}]`);
    lines.push('  "% ceiling" = ours GFLOP/s / the ceiling measured inside that layer\'s timed rounds (median of one ~20 ms call ' +
               'of the best variant (from the start) per round: same load as the layer; "ceil GF/s" in the details)');
    const bws = (b) => b.rows.map((x) => `${x.name} ${x.gbs.toFixed(1)}`).join(', ');
    if (result.bandwidthBefore)
        lines.push(`  memory bandwidth (f32x4 streaming read + write, GB/s = bytes read + written / time; best of 3): ` +
                   `start ${bws(result.bandwidthBefore)}; end ${bws(result.bandwidthAfter)}`);
    lines.push('  roofline: "AI" = 2*MACs / (input + weights + output bytes), the least traffic of the layer; "BW GB/s" = the same ' +
               'stream over buffers of the layer\'s input+weights and output sizes, inside its timed rounds (median); ' +
               'bound = min(ceil GF/s, BW x AI) ("mem" marks the layers the bandwidth bounds); "% roofline" = ours GFLOP/s / bound');
    if (result.threads > 1) {
        lines.push(`  targets (issue #10, ${result.threads} threads): the big layers >= ${THREAD_TARGETS.bigSpeedup}x our single-thread ` +
                   'speed; every layer faster than both peers at the same thread count');
        return lines.join('\n');
    }
    lines.push(`  targets (issue #10, single thread): dense conv <= ${TARGETS.convVsXnn.toFixed(2)}x XNNPACK's time; depthwise <= ` +
               `${TARGETS.depthwiseVsXnn.toFixed(2)}x; transposed conv >= ${TARGETS.convTVsBestPeer}x faster than the best peer; ` +
               `every layer >= ${TARGETS.rooflinePct}% of its roofline bound`);
    return lines.join('\n');
}

// The threaded run (result.threads > 1: ours is the threaded build, 'ours1' our single-thread
// build, the peers on as many threads): per layer ours vs each peer, and our speed-up over one
// thread, with the verdicts of THREAD_TARGETS.
export function evaluateThreaded(result) {
    return result.layers.map((r) => {
        if (r.failed) return { r, failed: r.failed, met: false };
        const m = (k) => r.engines[k]?.median ?? null;
        const ours = m('ours'), one = m('ours1');
        const speedup = one == null ? null : one / ours;
        // The fastest call of each (the moments the machine had a core free for the second thread).
        const minSpeedup = one == null ? null : r.engines.ours1.min / r.engines.ours.min;
        // Median over rounds of ours 1T / ours NT within the same round (the same load for both).
        const pairedSpeedup = r.paired?.ours1 == null ? null : 1 / r.paired.ours1;
        const peers = PEERS.map(([k, name]) => ({ k, name, ms: m(k) }));
        const checks = [];
        if (r.big) checks.push({ target: 'speedup', met: speedup == null ? null : speedup >= THREAD_TARGETS.bigSpeedup, value: speedup });
        for (const p of peers)
            checks.push({ target: `vs ${p.name}`, met: p.ms == null ? null : ours < p.ms, value: p.ms == null ? null : ours / p.ms });
        const met = checks.some((c) => c.met === false) ? false : checks.every((c) => c.met === true) ? true : null;
        return { r, ours, one, speedup, minSpeedup, pairedSpeedup, peers, checks, met };
    });
}

function formatThreaded(result) {
    const T = result.threads;
    const ev = evaluateThreaded(result);
    const x = (v) => (v == null ? '-' : `${fmt.ratio(v)}x`);
    const rows = ev.map((e) => {
        if (e.failed) return [e.r.id, '-', '-', '-', '-', '-', '-', '-', '-', '-', `FAILED: ${e.failed.slice(0, 60)}`];
        const verdict = (e.met === true ? 'yes' : e.met === false ? 'NO' : 'n/a') + ': ' + e.checks.map((c) =>
            c.target === 'speedup' ? `speed-up ${c.value == null ? '-' : near(c.value, THREAD_TARGETS.bigSpeedup, 2)}x (>=${THREAD_TARGETS.bigSpeedup})`
                                   : `ours/${c.target.slice(3)} ${c.value == null ? '-' : near(c.value, 1, 2)} (<1)`).join('; ');
        const p = Object.fromEntries(e.peers.map((q) => [q.k, q.ms]));
        const vs = (k) => (p[k] == null ? '-' : fmt.ratio(e.ours / p[k]));
        return [e.r.id + (e.r.big ? ' (big)' : ''), fmt.ms(e.ours), fmt.ms(e.one), x(e.speedup), x(e.pairedSpeedup), x(e.minSpeedup),
                fmt.ms(p.xnnpack), fmt.ms(p.ort), vs('xnnpack'), vs('ort'), verdict];
    });
    const settle = result.opts.settleMs;
    const lines = [`threads: ${T} for every engine (ours: the threaded build; XNNPACK: tfjs-backend-wasm's threaded SIMD build, ` +
                   `setThreadsCount(${T}); ORT: ort.env.wasm.numThreads = ${T}); "ours 1T": our single-thread build in the same rounds; ` +
                   (settle > 0 ? `a ${settle} ms pause after every call, so threads still spinning after one engine's call (ORT's) are not timed in the next one's`
                               : 'no pause between calls (--settle-ms 0): threads still spinning after one engine\'s call (ORT\'s) run during the next one\'s'), ''];
    lines.push(table(['layer', `ours ${T}T ms`, 'ours 1T ms', 'speed-up', 'paired', 'of the mins', `XNNPACK ${T}T ms`, `ORT ${T}T ms`,
                      'ours/XNN', 'ours/ORT', 'target met?'],
                     rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    lines.push('(medians; "speed-up" = ours 1T median / ours NT median (judged); "paired": median over rounds of ours 1T / ours NT in the same round; ' +
               '"of the mins": ours 1T fastest call / ours NT fastest call, the rounds where a second core was free)');
    const ok = ev.filter((e) => !e.failed);
    const big = ok.filter((e) => e.r.big && e.speedup != null);
    const sum = ['', 'summary (threaded):'];
    sum.push(`  big layers, >= ${THREAD_TARGETS.bigSpeedup}x our single-thread speed: ${big.filter((e) => e.speedup >= THREAD_TARGETS.bigSpeedup).length} of ${big.length} met` +
             (big.length ? ` (speed-ups ${big.map((e) => `${e.r.id} ${fmt.ratio(e.speedup)}x`).join(', ')}; ` +
                           `paired ${big.map((e) => `${fmt.ratio(e.pairedSpeedup)}x`).join(', ')})` : ''));
    for (const [k, name] of PEERS) {
        const have = ok.filter((e) => e.peers.find((p) => p.k === k).ms != null);
        const faster = have.filter((e) => e.ours < e.peers.find((p) => p.k === k).ms);
        const slower = have.filter((e) => !faster.includes(e));
        sum.push(`  faster than ${name} at ${T} threads: ${faster.length} of ${have.length}` +
                 (slower.length ? `; slower: ${slower.map((e) => `${e.r.id} ${fmt.ratio(e.ours / e.peers.find((p) => p.k === k).ms)}`).join(', ')}` : ''));
    }
    const same = ok.map((e) => e.r.errPeer?.ours1).filter((x) => x != null);
    if (same.length) sum.push(`  threaded vs single-thread output: worst ${fmt.err(Math.max(...same))} (0 = bit-identical)`);
    sum.push(`  all threaded targets met: ${ok.length === ev.length && ok.every((e) => e.met === true) ? 'yes' : 'no'}`);
    return [...lines, ...sum].join('\n');
}

export function formatReport(result, envInfo) {
    const ev = evaluate(result);
    const out = [header(result, envInfo), ''];
    if (result.threads > 1) {
        // The single-thread targets and the roofline (a one-thread ceiling) do not apply here.
        out.push(formatThreaded(result), '');
        out.push(detailsTable(ev));
        return out.join('\n');
    }

    const rows = ev.map((e) => {
        if (e.failed) return [e.r.id, '-', '-', '-', '-', '-', '-', '-', '-', '-', `FAILED: ${e.failed.slice(0, 60)}`, '-', '-'];
        const { r } = e;
        const targets = e.checks.filter((c) => c.target !== 'correct');
        const verdict = (e.met === true ? 'yes' : e.met === false ? 'NO' : 'n/a') + (targets.length ? `: ${targets.map((c) => c.text).join('; ')}` : '') +
                        (e.checks[0].met ? '' : `; WRONG OUTPUT`);
        return [r.id, fmt.ms(e.ours), fmt.ms(e.peer.xnnpack), fmt.ms(e.peer.ort), fmt.gf(e.gf),
                e.best == null ? '-' : `${fmt.ratio(e.ours / e.best)} (${e.bestName})`, e.roof.ai.toFixed(1),
                fmt.gf(e.roof.bound) + (e.roof.memoryBound ? ' mem' : ''), fmt.pct(e.pctRoof), fmt.pct(e.pctCeil), verdict, r.kernel,
                fmt.err(r.errRef)];
    });
    out.push(table(['layer', 'ours ms', 'XNNPACK ms', 'ORT ms', 'ours GFLOP/s', 'ours/best peer', 'AI flop/B', 'bound GF/s',
                    '% roofline', '% ceiling', 'target met?', 'our kernel', 'err vs ref'],
                   rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'r']));
    out.push('');

    out.push(detailsTable(ev));
    out.push('');
    out.push(...summary(ev, result));
    return out.join('\n');
}

// The details table (every engine's spread, paired ratios, warm-up) and the notes.
function detailsTable(ev) {
    const out = [];
    const det = ev.filter((e) => !e.failed).map((e) => {
        const { r } = e;
        const g = (k) => (r.engines[k] ? fmt.gf(gflops(r.macs, r.engines[k].median)) : '-');
        const spread = (k) => (r.engines[k] ? `${fmt.ms(r.engines[k].min)}/${fmt.ms(r.engines[k].q1)}-${fmt.ms(r.engines[k].q3)}` : '-');
        const pe = (k) => (r.errPeer?.[k] != null ? fmt.err(r.errPeer[k]) : (r.errors?.[k] ? 'n/a' : '-'));
        const pr = (k) => (r.paired?.[k] != null ? fmt.ratio(r.paired[k]) : '-');
        const wu = ['ours', 'xnnpack', 'ort'].map((k) => (r.warmup?.[k] ? r.warmup[k].calls : '-')).join('/');
        const bt = ['ours', 'xnnpack', 'ort'].map((k) => r.batch?.[k] ?? '-').join('/');
        return [r.id, r.desc, (r.macs / 1e6).toFixed(1), fmt.gf(e.layerCeil), e.roof.bw == null ? '-' : e.roof.bw.toFixed(1),
                g('ours'), g('xnnpack'), g('ort'),
                spread('ours'), spread('xnnpack'), spread('ort'), `${pr('xnnpack')} / ${pr('ort')}`, fmt.ms(r.ourInternal?.median),
                pe('xnnpack'), pe('ort'), wu, bt];
    });
    out.push(table(['layer', 'what', 'MMACs', 'ceil GF/s', 'BW GB/s', 'ours GF/s', 'XNN GF/s', 'ORT GF/s', 'ours min/q1-q3 ms', 'XNN min/q1-q3',
                    'ORT min/q1-q3', 'paired ours/XNN / ours/ORT', 'ours run() ms', 'XNN vs ours', 'ORT vs ours', 'warm-up calls o/x/r', 'calls/sample o/x/r'],
                   det, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
    for (const e of ev) {
        for (const [k, msg] of Object.entries(e.r.errors ?? {})) if (msg) out.push(`  note: ${e.r.id}: ${k}: ${msg}`);
        if (e.r.kernelNote) out.push(`  note: ${e.r.id}: our kernel: ${e.r.kernelNote}`);
    }
    return out.join('\n');
}

function summary(ev, result) {
    const lines = ['summary:'];
    const ok = ev.filter((e) => !e.failed);
    const failed = ev.filter((e) => e.failed);
    if (failed.length) lines.push(`  FAILED layers: ${failed.map((e) => e.r.id).join(', ')}`);
    const group = (name, target, describe) => {
        const items = ok.flatMap((e) => e.checks.filter((c) => c.target === target).map((c) => ({ e, c })));
        if (!items.length) return;
        const met = items.filter((i) => i.c.met === true);
        const missed = items.filter((i) => i.c.met !== true);
        let s = `  ${name}: ${met.length} of ${items.length} met`;
        if (missed.length) s += `; missed: ${missed.map((i) => `${i.e.r.id} ${describe(i.c)}`).join(', ')}`;
        if (met.length) s += `; met: ${met.map((i) => `${i.e.r.id} ${describe(i.c)}`).join(', ')}`;
        lines.push(s);
    };
    const T = TARGETS;
    group(`every dense conv, ours <= ${T.convVsXnn.toFixed(2)}x XNNPACK`, 'conv', (c) => (c.value == null ? c.text : near(c.value, T.convVsXnn, 2)));
    group(`every transposed conv, >= ${T.convTVsBestPeer}x faster than the best peer`, 'convT',
          (c) => (c.value == null ? c.text : `${near(c.value, T.convTVsBestPeer, 2)}x`));
    group(`depthwise, ours <= ${T.depthwiseVsXnn.toFixed(2)}x XNNPACK`, 'depthwise', (c) => (c.value == null ? c.text : near(c.value, T.depthwiseVsXnn, 2)));
    group(`every layer >= ${T.rooflinePct}% of its roofline bound`, 'roofline', (c) => (c.value == null ? c.text : near(c.value, T.rooflinePct, 0, '%')));
    const errs = ok.map((e) => e.r.errRef);
    lines.push(`  outputs vs our reference kernels (<= ${result.opts.tolerance}): ` +
               `${ok.filter((e) => e.checks[0].met).length} of ${ok.length} within; worst ${fmt.err(Math.max(...errs))}`);
    for (const [k, name] of PEERS) {
        const v = ok.map((e) => e.r.errPeer?.[k]).filter((x) => x != null);
        if (!v.length) continue;
        const bad = ok.filter((e) => !(e.r.errPeer?.[k] <= result.opts.peerTolerance));
        lines.push(`  ${name} output vs ours (same input and weights): worst ${fmt.err(Math.max(...v))}` +
                   (bad.length ? `; ABOVE ${result.opts.peerTolerance}: ${bad.map((e) => e.r.id).join(', ')}` : ''));
    }
    lines.push(`  all targets met: ${ok.length === ev.length && ok.every((e) => e.met === true) ? 'yes' : 'no'}`);
    return lines;
}

// Problems that make the run itself wrong (not a missed speed target): a layer that failed, our
// output off the reference, a peer's output off ours (a mapping bug in this benchmark).
// node.mjs / browser.mjs exit with status 1 when this is not empty.
export function correctnessProblems(result) {
    const out = [];
    for (const r of result.layers) {
        if (r.failed) { out.push(`${r.id}: failed: ${r.failed}`); continue; }
        if (!(r.errRef <= result.opts.tolerance)) out.push(`${r.id}: our output is off the reference by ${r.errRef}`);
        for (const [k, v] of Object.entries(r.errPeer ?? {}))
            if (!(v <= result.opts.peerTolerance)) out.push(`${r.id}: ${k} output differs from ours by ${v}`);
    }
    return out;
}
