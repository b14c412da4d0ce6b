// convplay shape page: state text <-> URL fragment, and the per-layer shape table that the wasm
// engine computes (cp_shapes_json, through engine.mjs). The engine owns every number, the default
// state and the decoding of links; this file only renders.
// [SECTION] engine  [SECTION] rendering  [SECTION] state <-> URL  [SECTION] start
import { createEngine } from './engine.mjs';

const $ = (sel) => document.querySelector(sel);
const input = $('#state');
const statusEl = $('#status');
const errorEl = $('#error');
const summaryEl = $('#summary');
const table = $('#shapes');

// [SECTION] engine ------------------------------------------------------------------------------

let engine = null;       // engine.mjs's engine once loaded
let engineDead = null;   // message once the engine has aborted (its memory is then unusable)

// Returns {ok, error?, layers?, ...} and never throws: every failure becomes a message.
function computeShapes(text) {
    if (engineDead) return { ok: false, error: engineDead };
    if (!engine) return { ok: false, error: 'The engine is still loading.' };
    let json;
    try {
        json = engine.shapesJson(text);
    } catch (e) {
        engineDead = `The engine stopped (${e && e.message ? e.message : e}). Reload the page.`;
        console.error(e);
        return { ok: false, error: engineDead };
    }
    try {
        const result = JSON.parse(json);
        if (result === null || typeof result !== 'object') throw new Error('not an object');
        return result;
    } catch (e) {
        return { ok: false, error: `The engine returned unreadable JSON (${e.message}): ${json.slice(0, 200)}` };
    }
}

// [SECTION] rendering ---------------------------------------------------------------------------

// Known fields come first in this order; any other field the engine adds is shown after them,
// so a new engine field appears without a change here. Short values (numbers, shapes, short
// text) get a column; long ones (formulas, per-axis lines, warnings, errors) go in a full-width
// line under their layer, so the table never needs a wide screen.
const PREFERRED_FIELDS = ['index', 'text', 'name', 'in', 'out', 'params', 'macs', 'formula',
                          'axes', 'warnings', 'error', 'hint'];
const ALWAYS_COLUMNS = ['index', 'text', 'name', 'in', 'out', 'params', 'macs'];
const TITLES = { index: '#', text: 'layer', name: 'type', in: 'input', out: 'output',
                 macs: 'MACs', axes: 'per axis', error_layer: 'failing layer' };
const title = (key) => TITLES[key] ?? key.replace(/_/g, ' ');

const isEmpty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const isShape = (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
const isShort = (v) => isEmpty(v) || typeof v === 'number' || typeof v === 'boolean' || isShape(v) ||
                       (typeof v === 'string' && v.length <= 40 && !v.includes('\n'));

// One value as text: a shape [1, 16, 32, 32] reads 1×16×32×32, a list gets a line per item,
// an object with a `formula` (one axis) or `message` (a mismatch) shows that, other objects as
// key=value pairs.
function formatValue(v) {
    if (isEmpty(v)) return '';
    if (isShape(v)) return v.join('×');
    if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
    if (Array.isArray(v)) return v.map(formatValue).join('\n');
    if (typeof v === 'object') {
        if (typeof v.formula === 'string') return v.formula;
        if (typeof v.message === 'string') return v.message;
        return Object.entries(v).map(([k, x]) => `${k}=${formatValue(x)}`).join(', ');
    }
    return String(v);
}

// The JSON's `index` counts from 0 (for programs); the engine's messages say "layer 1" for the
// first layer, so the page numbers layers from 1 too.
function layerNumber(layer) {
    return Number.isInteger(layer && layer.layer) ? String(layer.layer) : '';
}

function cellClass(v) {
    if (typeof v === 'number') return 'num';
    if (isShape(v)) return 'mono';
    return 'wrap';
}

function renderTable(layers) {
    const fields = [...PREFERRED_FIELDS];
    for (const layer of layers) {
        for (const key of Object.keys(layer || {})) if (!fields.includes(key)) fields.push(key);
    }
    const present = fields.filter((f) => {
        if (!layers.some((l) => l && !isEmpty(l[f]))) return false;   // nothing to show
        // 'name' repeats the start of 'text' (conv2d vs conv2d(out=16,...)): keep one.
        if (f === 'name') return !layers.every((l) => typeof l.text === 'string' && l.text.startsWith(l.name));
        return true;
    });
    const columns = present.filter((f) => ALWAYS_COLUMNS.includes(f) || layers.every((l) => isShort(l && l[f])));
    const details = present.filter((f) => !columns.includes(f));

    table.tHead.rows[0].replaceChildren(...columns.map((c) => {
        const th = document.createElement('th');
        th.textContent = title(c);
        th.scope = 'col';
        th.className = `col-${c}`;
        return th;
    }));
    const rows = [];
    for (const layer of layers) {
        const bad = layer && !isEmpty(layer.error);
        const tr = document.createElement('tr');
        tr.className = 'layer' + (bad ? ' bad' : '');
        for (const c of columns) {
            const td = document.createElement('td');
            const v = layer ? layer[c] : undefined;
            td.textContent = c === 'index' ? layerNumber(layer) : formatValue(v);
            td.className = `${cellClass(v)} col-${c}`;
            tr.appendChild(td);
        }
        rows.push(tr);
        const mine = details.filter((f) => layer && !isEmpty(layer[f]));
        if (mine.length) {
            const dtr = document.createElement('tr');
            dtr.className = 'detail' + (bad ? ' bad' : '');
            const td = document.createElement('td');
            td.colSpan = columns.length;
            const dl = document.createElement('dl');
            dl.append(...mine.flatMap((f) => {
                const dt = document.createElement('dt');
                dt.textContent = title(f);
                const dd = document.createElement('dd');
                dd.textContent = formatValue(layer[f]);
                dd.className = `col-${f}`;
                return [dt, dd];
            }));
            td.appendChild(dl);
            dtr.appendChild(td);
            rows.push(dtr);
        } else {
            tr.classList.add('last');
        }
    }
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = layers.length === 0;
}

// Top-level fields other than ok/error/layers (canonical state, input and output shapes...)
// go into a small key/value list.
function renderSummary(result) {
    const extra = Object.entries(result)
        .filter(([k, v]) => !['ok', 'error', 'layers', 'error_layer'].includes(k) && !isEmpty(v));
    // (error_layer names the failing layer, which the table marks already.)
    summaryEl.replaceChildren(...extra.flatMap(([k, v]) => {
        const dt = document.createElement('dt');
        dt.textContent = title(k);
        const dd = document.createElement('dd');
        if (typeof v === 'string' && v.startsWith('v=') && v !== input.value) {
            // A state text (canonical form, suggested fix): a link that loads it.
            const a = document.createElement('a');
            a.href = '#' + v;
            a.textContent = v;
            dd.appendChild(a);
        } else {
            dd.textContent = formatValue(v);
        }
        return [dt, dd];
    }));
    summaryEl.hidden = extra.length === 0;
}

// The message for a failed state: the engine's top-level error, else the first failed layer's.
function errorMessage(result, layers) {
    if (!isEmpty(result.error)) return String(result.error);
    const bad = layers.find((l) => l && !isEmpty(l.error));
    if (bad) {
        const number = layerNumber(bad) || String(layers.indexOf(bad) + 1);
        const where = `layer ${number}${bad.name ? ` (${bad.name})` : ''}`;
        return `${where}: ${bad.error}${isEmpty(bad.hint) ? '' : `\nhint: ${bad.hint}`}`;
    }
    return result.ok === false ? 'The state is not valid.' : '';
}

function render(result) {
    const layers = Array.isArray(result.layers) ? result.layers : [];
    const message = errorMessage(result, layers);

    errorEl.hidden = !message;
    errorEl.textContent = message;
    input.classList.toggle('invalid', !!message);
    input.setAttribute('aria-invalid', String(!!message));

    if (result.ok) {
        statusEl.textContent = `${layers.length} layer${layers.length === 1 ? '' : 's'}`;
        statusEl.className = 'status ok';
    } else {
        statusEl.textContent = '';
        statusEl.className = 'status';
    }
    renderSummary(result);
    renderTable(layers);
}

function update() {
    render(computeShapes(input.value));
}

// [SECTION] state <-> URL -----------------------------------------------------------------------

// The fragment holds the state text as it is (its characters are legal in a fragment); a
// percent-encoded link pasted from elsewhere is decoded by the engine's codec (cp_link_state),
// never here. Before the engine has loaded, the raw fragment.
function stateFromHash() {
    return engine ? engine.linkState(location.hash) : location.hash.replace(/^#/, '');
}

// Browsers throttle history.replaceState (about 100 calls per 10 s), so the URL is written
// when typing pauses or the edit ends, not on every key.
let hashTimer = 0;
function writeHash() {
    clearTimeout(hashTimer);
    const text = input.value;
    if (stateFromHash() !== text) history.replaceState(null, '', '#' + text);
}
function scheduleHashWrite() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 400);
}

// [SECTION] start -------------------------------------------------------------------------------

input.addEventListener('input', () => { update(); scheduleHashWrite(); });
input.addEventListener('change', writeHash);
window.addEventListener('hashchange', () => {
    const text = stateFromHash();
    if (text && text !== input.value) { input.value = text; update(); }
});
// Example buttons: data-state, or data-default-state for the engine's default state.
for (const button of document.querySelectorAll('button[data-state], button[data-default-state]')) {
    button.addEventListener('click', () => {
        if (!engine && button.dataset.state === undefined) return;
        input.value = button.dataset.state ?? engine.defaultState();
        update();
        writeHash();
    });
}

async function start() {
    try {
        if (typeof createConvplayModule !== 'function') {
            throw new Error('convplay_engine.js did not load (build it with scripts/serve.sh)');
        }
        engine = await createEngine({
            factory: createConvplayModule,
            // Engine messages belong in the console, not on the page.
            moduleArgs: { print: (s) => console.log(s), printErr: (s) => console.warn(s) },
        });
        $('#version').textContent = engine.version;
    } catch (e) {
        engineDead = `The engine could not start: ${e && e.message ? e.message : e}`;
        console.error(e);
    }
    if (!input.value) input.value = stateFromHash() || (engine ? engine.defaultState() : '');
    update();
    document.body.dataset.ready = '1';   // tests wait for this
}
start();
