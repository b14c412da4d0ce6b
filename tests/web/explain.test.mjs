// The Explain and Gallery tabs of the playground, and web/gallery.html, in headless Chromium
// (playwright-core), through the page's hooks (window.convplay: state, widget rectangles, and
// the `explain` probe: what the Explain tab drew in the last frame). Screenshots go to
// test-artifacts/explain-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR, ARTIFACTS_DIR } from './engine.mjs';
import { startServer, launch, waitReady, waitSettled, widgetRect } from './playground_support.mjs';

let server, baseUrl, browser, page;
const pageErrors = [];

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `explain-${name}.png`) });
const hooks = (fn, arg) => page.evaluate(fn, arg);
const probe = () => hooks(() => { convplay.redraw(2); return convplay.probe('explain'); });
// Moves onto a widget, lets a frame see the hover, then clicks it.
const click = async (name) => {
    const r = await widgetRect(page, name);
    await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
    await hooks(() => convplay.redraw(3));
    await page.waitForTimeout(120);
    await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
};
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

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'convplay_app.wasm')), `${SITE_DIR} has no playground: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    ({ proc: server, url: baseUrl } = await startServer());
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${baseUrl}/`);
    await waitReady(page);
});

after(async () => {
    await browser?.close();
    server?.kill();
});

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
    const g = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
        await g.goto(`${baseUrl}/gallery.html`);
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

test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
});
