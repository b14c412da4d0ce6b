// The Explain and Gallery tabs of the playground, web/gallery.html, the receptive field in the
// viewer, undo / redo, a new layer scrolled into view and thumbnails' aspect, in headless Chromium
// (playwright-core), through the page's hooks (window.convplay: state, widget rectangles, and
// the `explain` probe: what the Explain tab drew in the last frame). Screenshots go to
// test-artifacts/explain-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { usePlayground, waitReady, waitSettled, widgetRect, clickWidget } from './playground_support.mjs';

let page;
const site = usePlayground({ before, after }, openSharedPage);
const pageErrors = [];

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `explain-${name}.png`) });
const hooks = (fn, arg) => page.evaluate(fn, arg);
const probe = () => hooks(() => { convplay.redraw(2); return convplay.probe('explain'); });
const click = (name) => clickWidget(page, name);
// A key held for a few frames (a press and release within one frame can be missed).
const key = async (k) => {
    await page.keyboard.down(k);
    await page.waitForTimeout(60);
    await page.keyboard.up(k);
};
// Loads a state through the hook and shows the Explain tab.
async function explain(state) {
    assert.ok(await hooks((s) => convplay.setState(s), state));
    await waitSettled(page);
    await click('explain_tab');
    await page.waitForFunction(() => { convplay.redraw(2); return !!(convplay.probe('explain') || convplay.probe('explain_values')); });
}

// The page the tests share, at the default state.
async function openSharedPage() {
    page = await site.browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${site.url}/`);
    await waitReady(page);
}

test('a ceil_mode pooling window that hangs over the edge is drawn', async () => {
    await explain('v=1&in=1x5x5&img=checker&net=maxpool2d(k=2,ceil=1)');
    const p = await probe();
    assert.equal(p.layer, 1);
    assert.deepEqual(p.grid, [6, 6], '5 cells + 1 past the edge per axis');
    assert.equal(p.beyond, 11, 'the last row and column (6 + 6 - 1 cells) are past the edge');
    // Hovering the last output cell selects it: its window is the one hanging over the edge.
    const r = await widgetRect(page, 'explain_out');
    await page.mouse.move(r.x + r.w * 5 / 6, r.y + r.h * 5 / 6);
    await page.waitForFunction(() => { convplay.redraw(2); const p = convplay.probe('explain'); return p && p.pos === 8; });
    await shot('ceil-mode');
});

test('the Gallery tab loads an entry with one click', async () => {
    await click('gallery_tab');
    await click('gallery_convT-strides');
    await page.waitForFunction(() => convplay.state() === 'v=1&in=1x2x2&img=photo&net=convT2d(out=1,k=3,s=2)');
    await waitSettled(page);
    assert.deepEqual((await hooks(() => convplay.shapes())).layers[0].out, [1, 1, 5, 5]);
    // It switches to the Explain tab on the entry's layer.
    await page.waitForFunction(() => { convplay.redraw(2); const p = convplay.probe('explain'); return p && p.layer === 1; });
    assert.deepEqual((await probe()).grid, [7, 7], '2 -> 3 with the inserted zero, + a ring of 2 on each side');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('convT2d(out=1,k=3,s=2)'));
    await shot('gallery-entry');
    await click('gallery_tab');
    await page.waitForTimeout(100);
    await shot('gallery-tab');
});

test('gallery.html lists the engine\'s gallery and its links open the playground', async () => {
    const g = await site.browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
        await g.goto(`${site.url}/gallery.html`);
        await g.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30000 });
        const n = await g.locator('li').count();
        assert.ok(n >= 20, `${n} entries`);
        assert.equal(await g.textContent('#odd-256 .sizes'), '3x256x256 → 16x128x128 → 16x128x128 → 3x255x255');
        assert.equal(await g.textContent('#odd-256-fixed .sizes'), '3x256x256 → 16x128x128 → 16x128x128 → 3x256x256');
        await g.screenshot({ path: path.join(ARTIFACTS_DIR, 'explain-gallery-page.png'), fullPage: true });
        const href = await g.getAttribute('#conv-odd a.title', 'href');
        await g.click('#conv-odd a.title');
        await g.waitForFunction(() => window.convplay && window.convplay.ready(), null, { timeout: 30000 });
        assert.equal(await g.evaluate(() => convplay.state()), decodeURIComponent(href.replace(/^\.\/#/, '')));
    } finally {
        await g.close();
    }
});

const valuesProbe = () => hooks(() => { convplay.redraw(2); return convplay.probe('explain_values'); });

test('the Values view shows the products and their sum, equal to the engine, and steps', async () => {
    await explain('v=1&in=2x5x5&img=checker&net=conv2d(out=2,k=3,s=2,p=1)');
    await click('explain_values');
    await page.waitForFunction(() => { convplay.redraw(2); return !!convplay.probe('explain_values'); });
    let p = await valuesProbe();
    assert.equal(p.pos, 0);
    assert.equal(p.taps, 2 * 3 * 3, 'every input channel x every tap');
    assert.ok(p.same, `sum ${p.value} = engine ${p.engine}`);
    const first = p.value;
    await shot('values-conv');
    // next / prev buttons
    await click('explain_next');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos === 1; });
    p = await valuesProbe();
    assert.ok(p.same);
    assert.notEqual(p.value, first, 'another cell, another sum');
    await click('explain_prev');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos === 0; });
    // arrow keys, with the pointer over the grid
    const g = await widgetRect(page, 'explain_values_grid');
    await page.mouse.move(g.x + 2, g.y + 2);
    await key('ArrowDown');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos === 3; });
    await key('ArrowRight');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos === 4; });
    // hovering an output cell selects it
    const o = await widgetRect(page, 'explain_values_out');
    await page.mouse.move(o.x + o.w * 5 / 6, o.y + o.h / 6);
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos === 2; });
    assert.ok((await valuesProbe()).same);
});

test('the Values view of a transposed conv and of a big layer (a crop) agree with the engine', async () => {
    await explain('v=1&in=2x3x3&img=checker&net=convT2d(out=2,k=3,s=2,p=1)');
    await page.waitForFunction(() => { convplay.redraw(2); return !!convplay.probe('explain_values'); });
    let p = await valuesProbe();
    assert.ok(p.same, `transposed: sum ${p.value} = engine ${p.engine}`);
    await shot('values-transposed');
    // the default encoder-decoder: layer 3 turns 128x128 into 255x255; the grid is cropped
    // (loaded from the Gallery tab, which shows the decoder, layer 3)
    await click('gallery_tab');
    await click('gallery_odd-256');
    await page.waitForFunction(() => convplay.state().endsWith('convT2d(out=3,k=3,s=2,p=1)'));
    await waitSettled(page);
    await page.waitForFunction(() => { convplay.redraw(2); const p = convplay.probe('explain_values'); return p && p.layer === 3; });
    const r = await widgetRect(page, 'explain_pos');
    await page.mouse.move(r.x + r.w * 0.5, r.y + r.h / 2);
    await page.waitForTimeout(50);
    await page.mouse.click(r.x + r.w * 0.5, r.y + r.h / 2);  // somewhere in the middle of the 255x255 output
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.probe('explain_values').pos > 1000; });
    p = await valuesProbe();
    assert.ok(p.same, `big layer: sum ${p.value} = engine ${p.engine}`);
    assert.ok(p.crop[2] < 257 && p.crop[3] < 257, `a crop of the 257x257 grid: ${p.crop}`);
    assert.equal(p.taps, 16 * 3 * 3);
    await shot('values-crop');
});

const rfProbe = () => hooks(() => { convplay.redraw(2); return convplay.probe('rf'); });
// The 'rf' probe of a frame drawn after the one in which the field changed: the viewer takes a
// hover after that frame's thumbnails were drawn, so only the next frame outlines them all.
const rfProbeNextFrames = async () => {
    const f = await hooks(() => { convplay.redraw(3); return convplay.frames(); });
    await page.waitForFunction((n) => { convplay.redraw(2); return convplay.frames() >= n; }, f + 2);
    return hooks(() => convplay.probe('rf'));
};
// The screen point of cell (y, x) of an h x w map fitted into the viewer (as feature_map_view fits it).
async function viewerCell(h, w, y, x) {
    const r = await widgetRect(page, 'viewer');
    const fit = Math.min(r.w / w, r.h / h);
    return { x: r.x + r.w / 2 + (x + 0.5 - w / 2) * fit, y: r.y + r.h / 2 + (y + 0.5 - h / 2) * fit };
}

test('hovering a feature-map pixel traces its receptive field to the input, with padding; a click pins it', async () => {
    // Three 3x3 convs, the middle one strided: 9x9 input cells per output cell, 5x5 at the corner.
    assert.ok(await hooks((s) => convplay.setState(s),
        'v=1&in=1x32x32&img=checker&net=conv2d(out=1,k=3,p=1);conv2d(out=1,k=3,s=2,p=1);conv2d(out=1,k=3,p=1)'));
    await waitSettled(page);
    await click('viewer_tab');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.view().slot === 2 && !!convplay.rect('viewer'); });
    let p = await viewerCell(16, 16, 8, 8);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction(() => { convplay.redraw(2); const r = convplay.probe('rf'); return r && r.y === 8 && r.x === 8; });
    let rf = await rfProbeNextFrames();
    assert.equal(rf.slot, 3);
    assert.deepEqual(rf.region, [12, 20, 12, 20], 'rows and columns 12..20 of the input');
    assert.equal(rf.pads, false);
    assert.ok(rf.overlays >= 5, `outlined on the input, both maps between, the output and the viewer (${rf.overlays})`);
    await shot('rf-centre');
    // The corner cell: padding enters; a click pins it, so it stays when the pointer leaves.
    p = await viewerCell(16, 16, 0, 0);
    await page.mouse.move(p.x, p.y);
    await page.waitForTimeout(60);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => { convplay.redraw(2); const r = convplay.probe('rf'); return r && r.pinned && r.x === 0; });
    rf = await rfProbe();
    assert.deepEqual(rf.region, [0, 4, 0, 4]);
    assert.equal(rf.pads, true, 'the windows reach past the edge');
    const t = await widgetRect(page, 'input_thumb');
    await page.mouse.move(t.x + t.w / 2, t.y + t.h + 40);
    await page.waitForTimeout(100);
    rf = await rfProbe();
    assert.ok(rf.pinned && rf.x === 0 && rf.y === 0, 'still pinned after the pointer left');
    await click('rf_details');
    await page.waitForFunction(() => { convplay.redraw(2); const r = convplay.probe('rf'); return r && r.lines > 5; });
    await shot('rf-corner-pinned');
    await click('rf_details');
    // An input pixel: every cell it reaches, forward through the stack.
    await click('input_thumb');
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.view().slot === -1; });
    p = await viewerCell(32, 32, 0, 0);
    await page.mouse.move(p.x, p.y);
    await page.waitForTimeout(60);
    await page.mouse.click(p.x, p.y);  // unpins (another cell), then follows: pin this one
    await page.waitForFunction(() => { convplay.redraw(2); const r = convplay.probe('rf'); return r && r.forward && r.slot === 0; });
    rf = await rfProbe();
    assert.deepEqual(rf.region, [0, 2, 0, 2], 'input cell (0, 0) reaches rows and columns 0..2 of the last map');
    await shot('rf-reach');
});

// A key combination held for a few frames.
async function combo(mods, k) {
    for (const m of mods) await page.keyboard.down(m);
    await key(k);
    for (const m of mods.reverse()) await page.keyboard.up(m);
}

test('undo and redo: keys and buttons, every edit', async () => {
    const base = 'v=1&in=3x64x64&img=photo&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)';
    assert.ok(await hooks((s) => convplay.setState(s), base));
    await waitSettled(page);
    await click('fix');
    await page.waitForFunction(() => convplay.state().endsWith('op=1)'));
    const fixed = await hooks(() => convplay.state());
    await combo(['Control'], 'z');
    await page.waitForFunction((b) => convplay.state() === b, base);
    await combo(['Control', 'Shift'], 'Z');
    await page.waitForFunction((f) => convplay.state() === f, fixed);
    await click('undo');
    await page.waitForFunction((b) => convplay.state() === b, base);
    await combo(['Control'], 'y');
    await page.waitForFunction((f) => convplay.state() === f, fixed);
    await click('undo');
    await page.waitForFunction((b) => convplay.state() === b, base);
    await click('redo');
    await page.waitForFunction((f) => convplay.state() === f, fixed);
    // The link follows an undo too.
    await click('undo');
    await page.waitForFunction((b) => decodeURIComponent(location.hash) === '#' + b, base);
    await shot('undo');
});

test('a new layer opens, scrolls into view and is selected', async () => {
    const many = Array.from({ length: 10 }, () => 'conv2d(out=2,k=3,p=1)').join(';');
    assert.ok(await hooks((s) => convplay.setState(s), `v=1&in=2x16x16&img=noise&net=${many}`));
    await waitSettled(page);
    await click('add');
    await click('add_maxpool2d');
    await page.waitForFunction(() => convplay.state().endsWith(';maxpool2d(k=2)'));
    await page.waitForFunction(() => { convplay.redraw(2); return convplay.view().slot === 10; });
    const vp = page.viewportSize();
    // It scrolls into view over the next frames: wait for that (the assertion below says where it is).
    await page.waitForFunction((H) => {
        convplay.redraw(2);
        const r = convplay.rect('L11.header');
        return r && r.y >= 0 && r.y + r.h <= H;
    }, vp.height, { timeout: 5000 }).catch(() => {});
    const h = await widgetRect(page, 'L11.header');
    assert.ok(h.y >= 0 && h.y + h.h <= vp.height, `the new layer's header is on screen (y ${h.y})`);
    await shot('added-layer');
});

test('thumbnails keep the aspect ratio of a very wide map', async () => {
    assert.ok(await hooks((s) => convplay.setState(s), 'v=1&in=1x10x400&img=gradient&net=relu'));
    await waitSettled(page);
    const r = await widgetRect(page, 'last_thumb');
    assert.ok(Math.abs(r.w / r.h - 40) < 2, `400x10 drawn ${r.w}x${r.h}`);
    await shot('wide-thumbnail');
});

test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
});
