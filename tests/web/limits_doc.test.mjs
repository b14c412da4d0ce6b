// The README's limits table against the one table in src/core/limits.hpp: every constant has a
// row, and the row states the constant's value (in the unit a person reads). A limit changed in
// the code without the README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// name -> value, from `static constexpr <type> name = <expression>;` inside struct Limits.
function limitsFromHeader() {
    const src = readFileSync(path.join(ROOT, 'src/core/limits.hpp'), 'utf8');
    const body = src.slice(src.indexOf('struct Limits {'), src.indexOf('};', src.indexOf('struct Limits {')));
    const out = {};
    for (const m of body.matchAll(/static constexpr \w+ (\w+) = ([^;]+);/g)) {
        const expr = m[2].replace(/int64_t\((\d+)\)/g, '$1').replace(/\b(\d+)\.0\b/g, '$1');
        assert.match(expr, /^[\d\s*<()]+$/, `${m[1]}: an expression this test can read (${m[2]})`);
        out[m[1]] = Number(eval(expr.replace(/(\d+)\s*<<\s*(\d+)/g, '($1 * 2 ** $2)')));
    }
    return out;
}

// How the README writes each value: the row (its first cell starts with `row`) must contain `text`.
const MiB = 2 ** 20;
const wh = (n) => `${Math.sqrt(n)}x${Math.sqrt(n)}`;
const ROWS = {
    max_text: ['state text', (v) => `${v} characters`],
    max_layers: ['layers', (v) => `${v}`],
    max_channels: ['channels', (v) => `${v}`],
    max_geometry: ['sizes', (v) => `${v}`],
    max_batch: ['batch', (v) => `${v}`],
    max_values: ['explicit weights', (v) => `${v} per layer`],
    max_scale: ['upsample', (v) => `${v}`],
    max_file_bytes: ['file', (v) => `${v / MiB} MiB`],
    max_decode_pixels: ['decoded image', (v) => `${v / MiB} Mi pixels`],
    max_image_pixels: ['image pixels', (v) => `CLI ${wh(v)}`],
    max_upload_pixels: ['image pixels', (v) => `playground ${wh(v)}`],
    max_input_pixels: ['input pixels', (v) => `${wh(v)} per channel`],
    max_tensor_bytes: ['one tensor', (v) => `${v / MiB} MiB`],
    max_layer_bytes: ['one layer', (v) => `${v / MiB} MiB`],
    max_plan_bytes: ['a whole stack', (v) => `${v / MiB} MiB`],
    max_run_macs: ['work per run', (v) => `${v / 1e6} million`],
    max_png_pixels: ['one feature-map PNG', (v) => `${wh(v)} pixels`],
    max_export_params: ['exported weights', (v) => `${v / MiB} Mi values`],
    max_export_input_values: ['exported input', (v) => `${v / MiB} Mi values`],
};

test('every limit in src/core/limits.hpp has a README row with its value', () => {
    const limits = limitsFromHeader();
    assert.ok(Object.keys(limits).length >= 10, 'the header was read');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Limits'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split('|').map((c) => c.trim()));
    for (const [name, value] of Object.entries(limits)) {
        assert.ok(ROWS[name], `limits.hpp has ${name}: add it to the README's limits table and to this test`);
        const [first, text] = ROWS[name];
        const row = rows.find((r) => r[1].startsWith(first));
        assert.ok(row, `README has a limits row starting '${first}' (for ${name})`);
        assert.ok(row.slice(1, 3).join(' ').includes(text(value)), `README row '${first}' says ${text(value)} (${name} = ${value})`);
    }
});
