// The explain views of issue #11 in headless Chromium (playwright-core), through the page's hooks
// and probes (what the last frame drew): 1-d signals as line plots (input and outputs, values from
// the engine; a CSV upload), the channel / groups diagram, the scatter view of a transposed conv, the
// encoder-decoder pairs with their fixes (output_padding; a crop after a decoder that overshoots, at
// desktop size and in a 700x450 window; fix every pair), and undo / redo on a phone. A screenshot of each view at
// desktop and phone size goes to test-artifacts/views-*.png. Takes about 40 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { usePlayground, waitReady, waitSettled, widgetRect, clickWidget } from './playground_support.mjs';

let page;
const site = usePlayground({ before, after }, openSharedPage);
const pageErrors = [];
const DESKTOP = { width: 1400, height: 900 }, PHONE = { width: 390, height: 844 };

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `views-${name}.png`) });
const hooks = (fn, arg) => page.evaluate(fn, arg);
const probe = (name) => hooks((n) => { convplay.redraw(2); return convplay.probe(n); }, name);
// Waits until probe `name` passes `ok` (a function source of one argument, run in the page).
const until = (name, ok) => page.waitForFunction(([n, f]) => {
    convplay.redraw(2);
    const p = convplay.probe(n);
    return p !== null && (0, eval)(f)(p);
}, [name, ok]);
const click = (name) => clickWidget(page, name);
async function load(state) {
    assert.ok(await hooks((s) => convplay.setState(s), state));
    await waitSettled(page);
}
// The Explain tab of the state (its one layer), at either size.
async function explain(state) {
    await load(state);
    const tabbed = (await hooks(() => convplay.view())).tabbed;
    await click(tabbed ? 'tab.explain' : 'explain_tab');
    await page.waitForFunction(() => { convplay.redraw(2); return !!convplay.rect('explain_counts'); });
}

// The page the tests share, at the default state.
async function openSharedPage() {
    page = await site.browser.newPage({ viewport: DESKTOP });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${site.url}/`);
    await waitReady(page);
}

const SIGNAL = 'v=1&in=2x64&img=sine&net=conv1d(out=3,k=5,p=2);relu';

test('a 1-d input and its outputs are line plots with the engine\'s values', async () => {
    await load(SIGNAL);
    await click('input_thumb');
    await until('plot', 'p => p.layer === 0');
    let p = await probe('plot');
    assert.equal(p.length, 64);
    p.values.forEach((v, x) => assert.ok(Math.abs(v - (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * x / 63))) < 1e-5, `sample ${x}: ${v}`));
    assert.ok(await probe('output_plots') >= 64 * (2 + 3 + 3), 'every channel of the input and both layers is a line');
    // Another signal changes what is drawn.
    await load(SIGNAL.replace('sine', 'square'));
    await until('plot', 'p => p.values.every((v) => v === 0 || v === 1)');
    // Hovering the plot reads the sample under the pointer.
    const r = await widgetRect(page, 'viewer');
    await page.mouse.move(r.x + r.w * (10.5 / 64), r.y + r.h / 2);
    await until('plot', 'p => p.hover === 10');
    await shot('signal-desktop');
    // A layer's output: its own length and channels.
    await click('last_thumb');
    await until('plot', 'p => p.layer === 2');
    p = await probe('plot');
    assert.equal(p.length, 64);
    assert.ok(p.values.every((v) => v >= 0), 'after relu');
});

test('a 1-d layer being recomputed keeps its line plots (dimmed), then shows the new ones', async () => {
    // Layer 2 takes long enough (4 -> 4 channels, 511 taps, 65536 samples: 536 M multiply-adds)
    // for frames to be drawn while it is recomputed.
    const heavy = (seed) => `v=1&in=1x65536&img=noise&net=conv1d(out=4,k=3,p=1);conv1d(out=4,k=511,p=255,seed=${seed})`;
    await load(heavy(1));
    await click('L2.view');
    await until('plot', 'p => p.layer === 2 && !p.stale');
    // Longer than the widest texture a GPU may have (SwiftShader: 8192): plots need none.
    assert.equal((await probe('plot')).length, 65536);
    const before = (await probe('plot')).values;
    // Watched from the edit on, in the page, every animation frame (the app builds at most one
    // frame per animation frame): a Playwright poll started after the edit, one round trip later,
    // missed the stale frames on a loaded machine (the layer had ended by then) and waited for
    // them in vain.
    const stale = await page.evaluate((s) => new Promise((resolve, reject) => {
        const late = setTimeout(() => reject(new Error('no frame drew the plots stale within 30 s of the edit')), 30000);
        const tick = () => {
            const p = convplay.probe('plot');
            if (Number(convplay.probe('output_plots_stale')) > 0 && p && p.stale) {
                clearTimeout(late);
                resolve(true);
            } else {
                requestAnimationFrame(tick);
            }
        };
        if (!convplay.setState(s)) return reject(new Error('setState refused the state'));
        requestAnimationFrame(tick);
    }), heavy(2));
    assert.ok(stale);
    await waitSettled(page);
    await until('plot', 'p => p.layer === 2 && !p.stale');
    assert.equal(Number(await probe('output_plots_stale')), 0);
    assert.notDeepEqual((await probe('plot')).values, before, 'the new seed\'s values');
});

test('an uploaded CSV\'s columns are the channels of a 1-d input, plotted', async () => {
    await load(SIGNAL);
    const csv = 'time,value\n' + Array.from({ length: 40 }, (_, i) => `${i / 10},${-i}`).join('\n');
    await hooks((t) => convplay.upload(new File([t], 'sig.csv')), csv);
    await page.waitForFunction(() => convplay.state().includes('in=2x40&img=upload'));
    await waitSettled(page);
    await click('input_thumb');
    await until('plot', 'p => p.layer === 0 && p.length === 40');
    (await probe('plot')).values.forEach((v, i) => assert.equal(v, Math.fround(i / 10), `sample ${i}`));
    await hooks(() => { convplay.redraw(2); });
    await click('last_thumb');
    await until('plot', 'p => p.layer === 2 && p.length === 40');
});

test('the channel diagram follows groups and depthwise', async () => {
    await explain('v=1&in=4x8x8&img=photo&net=conv2d(out=8,k=3,g=4)');
    let c = await probe('channels');
    assert.deepEqual([c.in, c.out, c.groups, c.depthwise, c.links], [4, 8, 4, true, 8]);
    await shot('channels-desktop');
    await explain('v=1&in=4x8x8&img=photo&net=conv2d(out=8,k=3,g=2)');
    await until('channels', 'c => c.groups === 2');
    c = await probe('channels');
    assert.equal(c.links, 4 * 2 * 2, 'each output reads the 2 inputs of its group');
    await explain('v=1&in=4x8x8&img=photo&net=conv2d(out=8,k=3)');
    await until('channels', 'c => c.groups === 1 && c.links === 32');
});

test('the scatter view stamps input cells one by one and ends at the engine\'s output', async () => {
    await explain('v=1&in=1x3x3&img=photo&net=convT2d(out=1,k=3,s=2,p=1)');
    await click('explain_scatter');
    await until('explain_scatter', 's => s.step === 0');
    assert.equal((await probe('explain_scatter')).steps, 9);
    await click('scatter_next');
    await until('explain_scatter', 's => s.step === 1');
    let s = await probe('explain_scatter');
    assert.deepEqual([s.ci, s.iy, s.ix, s.inside], [0, 0, 0, 4], 'the corner cell: p=1 crops 5 of its 9 products');
    const one = s.sum;
    await click('scatter_next');
    await until('explain_scatter', 's => s.step === 2');
    assert.notEqual((await probe('explain_scatter')).sum, one, 'the second stamp changes the output');
    await shot('scatter-desktop');
    await click('scatter_all');
    await until('explain_scatter', 's => s.step === 9');
    s = await probe('explain_scatter');
    assert.ok(s.same, 'every cell equals the engine\'s output');
    // A new state starts its walk at the beginning (not at the old step, clamped).
    await load('v=1&in=1x3x3&img=photo&net=convT2d(out=1,k=3,s=2)');
    await until('explain_scatter', 's => s.steps === 9 && s.step === 0');
    // A layer too large to redo every frame (64 x 256 x 256 cells x 9 taps): a message, and the
    // page stays live.
    await load('v=1&in=64x256x256&img=noise&net=convT2d(out=1,k=3,s=2)');
    await until('explain_scatter', 's => !!s.refused');
    assert.match((await probe('explain_scatter')).refused, /^too large for the scatter view: .*37748736 multiply-adds/);
    await shot('scatter-refused');
    const t = Date.now();
    await hooks(() => convplay.state());
    assert.ok(Date.now() - t < 2000, 'the page answers');
});

test('encoder-decoder pairs are drawn and a miss is fixed in one click', async () => {
    await load('v=1&in=1x64x64&img=photo&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=1,k=3,s=2,p=1)');
    await until('pairs', 'p => p.length === 1');
    let p = (await probe('pairs'))[0];
    assert.deepEqual([p.down, p.up, p.want, p.got, p.ok], [1, 3, [64, 64], [63, 63], false]);
    await shot('pairs-desktop');
    await click('pair_fix_3_output_padding');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=1,k=3,s=2,p=1,op=1)'));
    await until('pairs', 'p => p.length === 1 && p[0].ok');
});

test('a decoder that overshoots: the crop fix, later pairs computed after the earlier fixes, fix every pair', async () => {
    // 45 -> 22 -> 11 -> 24 (for 22) -> 50 (for 45): both decoders make too much.
    const TWO = 'v=1&in=1x45x45&img=photo&net=conv2d(out=2,k=3,s=2);conv2d(out=4,k=3,s=2,p=1);convT2d(out=2,k=4,s=2);convT2d(out=1,k=4,s=2)';
    await load(TWO);
    await until('pairs', 'p => p.length === 2');
    let p = await probe('pairs');
    assert.deepEqual(p.map((x) => [x.down, x.up, x.out, x.want, x.got, x.ok]),
        [[2, 3, 3, [22, 22], [24, 24], false], [1, 4, 4, [45, 45], [50, 50], false]]);
    assert.deepEqual(p[0].fixes, ['set p=1 on layer 3', 'insert crop2d(c=1) after layer 3']);
    // the outer pair's fixes are for the stack after the inner pair's first fix (which gives 22)
    assert.deepEqual(p[1].fixes, ['set p=1,op=1 on layer 4', 'insert crop2d(c=0:1) after layer 4']);
    await shot('pairs-crop-desktop');
    await click('pair_fix_3_crop');
    await page.waitForFunction(() => convplay.state().includes('convT2d(out=2,k=4,s=2);crop2d(c=1);convT2d'));
    await until('pairs', 'p => p.length === 2 && p[0].ok && p[0].out === 4 && !p[1].ok');
    p = await probe('pairs');
    assert.deepEqual([p[1].up, p[1].got], [5, [46, 46]], 'the outer decoder now gets 22');
    await click('pair_fix_5_crop');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=1,k=4,s=2);crop2d(c=0:1)'));
    await until('pairs', 'p => p.length === 2 && p.every((x) => x.ok)');
    await shot('pairs-crop-fixed-desktop');
    // "fix every pair" applies each pair's first fix in order: every pair comes back.
    await load(TWO);
    await until('pairs', 'p => p.length === 2 && !p[0].ok');
    await click('pair_fix_all');
    await until('pairs', 'p => p.length === 2 && p.every((x) => x.ok)');
    assert.ok((await hooks(() => convplay.state())).endsWith('convT2d(out=2,k=4,s=2,p=1);convT2d(out=1,k=4,s=2,p=1,op=1)'));
    // A small window (tabs below 720 px): the crop fix in the Layers tab.
    await page.setViewportSize({ width: 700, height: 450 });
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.view().tabbed; });
    await load(TWO);
    await click('tab.layers');
    await until('pairs', 'p => p.length === 2 && !p[0].ok');
    const r = await widgetRect(page, 'pair_fix_3_crop');
    await page.mouse.move(350, 300);
    for (let i = 0; i < 80 && r.y + r.h > 450; ++i) {
        await page.mouse.wheel(0, 400);
        await page.waitForTimeout(25);
        Object.assign(r, await widgetRect(page, 'pair_fix_3_crop'));
    }
    await hooks(() => convplay.redraw(3));
    await shot('pairs-crop-700x450');
    await click('pair_fix_3_crop');
    await until('pairs', 'p => p.length === 2 && p[0].ok && p[0].out === 4');
    await shot('pairs-crop-fixed-700x450');
    await page.setViewportSize(DESKTOP);
    await page.waitForFunction(() => { convplay.redraw(2); return !convplay.view().tabbed; });
});

test('phone: undo / redo arrows, and every view fits', async () => {
    await page.setViewportSize(PHONE);
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.view().tabbed; });
    // The page's buttons wrap under the title when they do not fit beside it (Export was cut off
    // at the right edge), and the bar grows so the state field comes below them.
    await hooks(() => convplay.redraw(3));
    const rect = (n) => page.evaluate((k) => convplay.rect(k), n);
    for (const name of ['embed_code', 'tutorial', 'export']) {
        const r = await rect(name);
        assert.ok(r && r.x >= 0 && r.x + r.w <= PHONE.width, `${name} is on screen: ${JSON.stringify(r)}`);
    }
    const [exp, field] = [await rect('export'), await rect('state_text')];
    assert.ok(field.y >= exp.y + exp.h, `the state field (${JSON.stringify(field)}) is below the buttons (${JSON.stringify(exp)})`);
    await load('v=1&in=1x64x64&img=photo&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=1,k=3,s=2,p=1)');
    // The size check's message starts a line of its own under the arrows and the Fix button: it
    // was squeezed into the ~70 px beside them, a few letters a line, its end hidden by the tabs.
    // (The bar grows to the message's lines a frame after it is drawn: wait for that.)
    await page.waitForFunction(() => {
        convplay.redraw(2);
        const [m, t] = [convplay.rect('status_message'), convplay.rect('tab.layers')];
        return m && t && m.y + m.h <= t.y;
    }, null, { timeout: 5000 }).catch(() => {});
    const [msg, tabs] = [await rect('status_message'), await rect('tab.layers')];
    assert.ok(msg && msg.w >= PHONE.width / 2, `the message spans the bar: ${JSON.stringify(msg)}`);
    assert.ok(msg.y + msg.h <= tabs.y, `the message (${JSON.stringify(msg)}) ends above the tabs (${JSON.stringify(tabs)})`);
    await load('v=1&in=1x64x64&img=photo&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=1,k=3,s=2,p=1,op=1)');
    await click('undo');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=1,k=3,s=2,p=1)'));
    await click('redo');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=1,k=3,s=2,p=1,op=1)'));
    await click('undo');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=1,k=3,s=2,p=1)'));
    await click('tab.layers');
    await until('pairs', 'p => p.length === 1 && !p[0].ok');
    // Below the layers on a phone: scrolled into view for the screenshot.
    await page.mouse.move(200, 600);
    for (let i = 0; i < 12; ++i) {
        await page.mouse.wheel(0, 600);
        await page.waitForTimeout(60);
    }
    await hooks(() => convplay.redraw(3));
    await shot('pairs-phone');
    await load(SIGNAL);
    await click('tab.map');
    await until('plot', 'p => p.length === 64');
    await shot('signal-phone');
    await explain('v=1&in=4x8x8&img=photo&net=conv2d(out=8,k=3,g=4)');
    await until('channels', 'c => c.depthwise');
    await shot('channels-phone');
    await explain('v=1&in=1x3x3&img=photo&net=convT2d(out=1,k=3,s=2,p=1)');
    await click('explain_scatter');
    await until('explain_scatter', 's => s.step === 0');  // a new state's walk starts at its beginning
    await click('scatter_all');
    await until('explain_scatter', 's => s.step === 9');
    for (let i = 0; i < 5; ++i) await click('scatter_prev');
    await until('explain_scatter', 's => s.step === 4');
    await shot('scatter-phone');
    await page.setViewportSize(DESKTOP);
});

test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
});
