// convplay tutorial page (tutorial.html): every number in the article comes from the engine.
//   <span data-n="NAME:PATH">   a value of engine.shapes(state NAME), PATH a dot path into that
//                               JSON (arrays print as 1×3×5×5), or explain.L.inner: the distinct
//                               products-per-cell counts away from the border of layer L (1-based)
//   <figure data-explain="NAME:L">  the engine's explain view of layer L drawn as HTML grids
// Named states: elements with data-name and data-convplay (the live embeds, run by embed.js) and
// the #states JSON. The exercise listens to its embed through embed.js's window.convplay.
import { createEngine } from './engine.mjs';

const states = JSON.parse(document.getElementById('states').textContent);
for (const el of document.querySelectorAll('[data-name][data-convplay]')) states[el.dataset.name] = el.dataset.convplay;

const dims = (a) => a.join('×');

// The explain text's parts: the steps, the grid the kernel slides over, the per-cell counts.
function parseExplain(text) {
    const lines = text.split('\n');
    const steps = lines.filter((l) => /^Step \d+\. /.test(l)).map((l) => l.replace(/^Step \d+\. /, ''));
    const block = (title) => {
        const i = lines.findIndex((l) => l.startsWith(title));
        if (i < 0) return null;
        const rows = [];
        for (let j = i + 1; j < lines.length && lines[j].startsWith('  '); j++) rows.push(lines[j].trim().split(' '));
        return rows;
    };
    return { steps, grid: block('The grid'), counts: block('Products summed') || block('How many window taps') };
}

// Distinct values of a count grid without its outer ring of cells, ascending.
function innerCounts(counts) {
    const seen = new Set();
    for (let y = 1; y < counts.length - 1; y++) for (let x = 1; x < counts[y].length - 1; x++) seen.add(Number(counts[y][x]));
    return [...seen].sort((a, b) => a - b);
}

function lookup(engine, name, path) {
    const state = states[name];
    if (state === undefined) throw new Error(`no state named '${name}'`);
    const parts = path.split('.');
    if (parts[0] === 'explain') {
        const e = parseExplain(engine.explain(state, Number(parts[1]) - 1));
        if (parts[2] === 'inner') return innerCounts(e.counts).join(', ');
        throw new Error(`unknown explain value '${path}'`);
    }
    let v = engine.shapes(state);
    for (const p of parts) {
        if (v == null || !(p in Object(v))) throw new Error(`'${path}' is not in the shapes of '${name}'`);
        v = v[p];
    }
    return Array.isArray(v) ? dims(v) : String(v);
}

const GLYPH = { '#': 'in', 'o': 'zero', '.': 'pad', '+': 'extra' };

function gridElement(rows, cell) {
    const g = document.createElement('div');
    g.className = 'grid';
    g.style.gridTemplateColumns = `repeat(${rows[0].length}, var(--cell))`;
    for (const r of rows) for (const c of r) g.append(cell(c));
    return g;
}

function drawExplain(fig, engine) {
    const [name, layer] = fig.dataset.explain.split(':');
    const e = parseExplain(engine.explain(states[name], Number(layer) - 1));
    const parts = [];
    if (e.grid) {
        parts.push(gridElement(e.grid, (c) => {
            const d = document.createElement('span');
            d.className = 'cell ' + (GLYPH[c] || 'pad');
            return d;
        }));
    }
    if (e.counts) {
        const max = Math.max(...e.counts.flat().map(Number), 1);
        parts.push(gridElement(e.counts, (c) => {
            const d = document.createElement('span');
            d.className = 'cell count';
            d.textContent = c;
            d.style.setProperty('--k', String(Number(c) / max));
            return d;
        }));
    }
    const pics = fig.querySelector('.pics');
    pics.replaceChildren(...parts.map((p, i) => {
        const box = document.createElement('div');
        box.className = 'pic';
        const cap = document.createElement('div');
        cap.className = 'pic-caption';
        cap.textContent = i === 0 && e.grid ? fig.dataset.gridCaption : fig.dataset.countsCaption;
        box.append(p, cap);
        return box;
    }));
    const ol = fig.querySelector('.steps');
    if (ol) ol.replaceChildren(...e.steps.map((s) => Object.assign(document.createElement('li'), { textContent: s })));
}

// The exercise's verdict on the shapes the reader's playground posted; want = [H, W].
function verdict(s, want) {
    const [H, W] = s.input.slice(-2);
    if (H !== want[0] || W !== want[1])
        return { ok: false, text: `Keep the input at ${dims(want)}: it is ${dims([H, W])} now.` };
    const bad = s.layers.find((L) => L.error);
    if (bad) return { ok: false, text: `Layer ${bad.layer} (${bad.name}) fails: ${bad.error}` };
    const down = s.layers.some((L) => L.name.startsWith('conv2d') && L.axes.some((a) => a.stride > 1));
    const up = s.layers.some((L) => L.name.startsWith('convT2d'));
    if (!down || !up) return { ok: false, text: 'Keep an encoder (a strided conv2d) and a decoder (a convT2d).' };
    const out = s.output.slice(-2);
    if (out[0] === H && out[1] === W) {
        const last = s.layers[s.layers.length - 1];
        return { ok: true, text: `Restored: the decoder gives back ${dims(out)}. ${last.axes[0].formula}` };
    }
    const m = s.mismatches && s.mismatches[0];
    return { ok: false, text: `The decoder makes ${dims(out)}, not ${dims(want)}.`, hint: m ? m.message : '' };
}

// Listens from the start (the playground may speak before the engine here has loaded); judges
// once `want` (the input size, from the engine) is known.
function exercise(wantPromise) {
    const el = document.getElementById('exercise');
    const result = document.getElementById('exercise-result');
    const hint = document.getElementById('exercise-hint');
    const now = document.getElementById('exercise-state');
    let want = null;
    const judge = (shapes) => {
        if (!want || !shapes || !Array.isArray(shapes.layers)) return;
        const v = verdict(shapes, want);
        result.textContent = v.text;
        result.className = v.ok ? 'result ok' : 'result bad';
        hint.hidden = !v.hint;
        hint.querySelector('p').textContent = v.hint || '';
    };
    window.convplay.on(el, 'state', (m) => { now.textContent = m.state; });
    window.convplay.on(el, 'shapes', (m) => judge(m.shapes));
    window.convplay.on(el, 'error', (m) => {
        result.textContent = `The playground refused that: ${m.message}`;
        result.className = 'result bad';
    });
    wantPromise.then((w) => { want = w; judge(window.convplay.shapes(el)); }, () => {});
}

async function main() {
    const engineReady = createEngine();
    const el = document.getElementById('exercise');
    exercise(engineReady.then((engine) => engine.shapes(el.dataset.convplay).input.slice(-2)));
    let engine;
    try {
        engine = await engineReady;
    } catch (e) {
        document.getElementById('engine-error').hidden = false;
        document.getElementById('engine-error').textContent =
            `The engine did not load (${e.message}); the numbers of this page are missing.`;
        return;
    }
    const failed = [];
    for (const el of document.querySelectorAll('[data-n]')) {
        const [name, path] = el.dataset.n.split(':');
        try {
            el.textContent = lookup(engine, name, path);
        } catch (e) {
            failed.push(`${el.dataset.n}: ${e.message}`);
            el.textContent = '?';
        }
    }
    for (const fig of document.querySelectorAll('figure[data-explain]')) drawExplain(fig, engine);
    document.body.dataset.numbers = failed.length ? 'failed' : 'ready';
    if (failed.length) console.error('tutorial: ' + failed.join('; '));
}

main();
