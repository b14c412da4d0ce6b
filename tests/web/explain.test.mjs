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
    await page.waitForTimeout(50);
    await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
};
// Loads a state through the hook and shows the Explain tab.
async function explain(state) {
    assert.ok(await hooks((s) => convplay.setState(s), state));
    await waitSettled(page);
    await click('explain_tab');
    await page.waitForFunction(() => { convplay.redraw(2); return !!convplay.probe('explain'); });
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

test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
});
