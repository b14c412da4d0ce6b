// The shape page (shapes.html; the playground at / has its own test) in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// build/site is served by scripts/serve.py (what scripts/serve.sh runs; here without its
// cross-origin isolation headers, as an ordinary host serves), on a free port. Screenshots go to
// test-artifacts/ (gitignored) for a human to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SITE_DIR, ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, startServer, launch } from './playground_support.mjs';

const VALID = 'v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)';
const INVALID = 'v=1&in=3x64x64&net=conv2d(out=16,kk=3)';

let server, baseUrl, browser, page;
const pageErrors = [];      // uncaught exceptions in the page: any is a failure
const consoleErrors = [];
const wasmResponses = [];

// Replaces the state text as a user would (fires 'input'; the page updates synchronously).
async function typeState(text) {
    await page.fill('#state', text);
}

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'index.html')), `${SITE_DIR} is missing: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    ({ proc: server, url: baseUrl } = await startServer());
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmResponses.push(r); });
});

after(async () => {
    await browser?.close();
    server?.kill();
});

test('the page loads the engine and shows the shape table', async () => {
    await page.goto(`${baseUrl}/shapes.html#${VALID}`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    assert.equal(await page.inputValue('#state'), VALID, 'the state comes from the URL fragment');
    assert.equal(wasmResponses.length, 1, 'the .wasm was requested once');
    assert.equal(wasmResponses[0].status(), 200);
    assert.equal(wasmResponses[0].headers()['content-type'], 'application/wasm',
                 'served as application/wasm (needed for streaming compilation)');
    const version = await page.textContent('#version');
    assert.ok(version.trim().length > 0, 'the engine version is shown');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'page-valid.png'), fullPage: true });
    const error = await page.isVisible('#error') ? await page.textContent('#error') : '';
    assert.equal(error, '', 'no error for a valid state');
    assert.equal(await page.locator('#shapes tbody tr.layer').count(), 3, 'one row per layer');
    const header = await page.locator('#shapes thead th').allTextContents();
    assert.ok(header.length >= 2, `table has columns: ${header}`);
});

test('an invalid state shows an error and the page keeps working', async () => {
    await typeState(INVALID);
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    const message = (await page.textContent('#error')).trim();
    assert.ok(message.length > 0, 'the error has a message');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'page-error.png'), fullPage: true });

    // The URL fragment follows the text once the edit ends.
    await page.press('#state', 'Enter');
    await page.locator('#state').blur();
    assert.equal(decodeURIComponent(await page.evaluate(() => location.hash)), '#' + INVALID);

    // A state that parses but cannot be planned: the failing layer is marked in the table.
    await typeState('v=1&in=3x8x8&net=conv2d(out=4,k=11);relu');
    await page.waitForSelector('#shapes tbody tr.layer.bad', { timeout: 5000 });
    assert.ok(await page.isVisible('#error'), 'the layer error is shown');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'page-layer-error.png'), fullPage: true });

    // Back to a valid state: the error goes away and the table comes back.
    await typeState(VALID);
    await page.waitForSelector('#error', { state: 'hidden', timeout: 5000 });
    assert.equal(await page.locator('#shapes tbody tr.layer').count(), 3);

    // Editing the URL fragment (or going back) updates the text and the table.
    await page.evaluate(() => { location.hash = '#v=1&in=1x8x8&net=relu'; });
    await page.waitForFunction(() => document.querySelector('#state').value === 'v=1&in=1x8x8&net=relu');
    await page.waitForFunction(() => document.querySelectorAll('#shapes tbody tr.layer').length === 1);
});

test('without a fragment the page shows the default state; state links load their state', async () => {
    await page.goto(`${baseUrl}/shapes.html`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    assert.equal(await page.inputValue('#state'), DEFAULT_STATE);
    assert.equal(await page.locator('#shapes tbody tr.layer').count(), 3);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'page-default.png'), fullPage: true });
    // Engine fields holding a state text (e.g. a suggested fix) are links that load it.
    const links = page.locator('#summary a');
    if (await links.count() > 0) {
        const target = await links.first().textContent();
        await links.first().click();
        await page.waitForFunction((t) => document.querySelector('#state').value === t, target);
    }
});

test('hostile text neither crashes nor hangs the page', async () => {
    await typeState('x'.repeat(70000));
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    await typeState('v=1&net=' + 'relu;'.repeat(500));
    await typeState(VALID);
    await page.waitForFunction(() => document.querySelectorAll('#shapes tbody tr.layer').length === 3);
    assert.deepEqual(pageErrors, [], 'no uncaught exceptions in the page');
    assert.deepEqual(consoleErrors, [], 'no console errors');
});
