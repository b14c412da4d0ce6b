// WebGL context loss in the real playground (build/site, headless Chromium): the page loses its
// context through WEBGL_lose_context, shows a notice, keeps answering and keeps the state; once
// the context is restored every GL object is made again (ImGui's and the feature-map textures
// and program), the page draws the same picture as before and the outputs are the same.
// Screenshots: test-artifacts/context-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, usePlayground, waitReady, waitSettled } from './playground_support.mjs';

const site = usePlayground({ before, after });
let page;
const pageErrors = [];
const run = (fn, arg) => page.evaluate(fn, arg);
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `context-${name}.png`) });

// The page, opened by the first test (usePlayground's browser exists once its hook ran).
async function open() {
    if (page) return;
    page = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${site.url}/#${DEFAULT_STATE}`);
    await waitReady(page);
    await waitSettled(page);
}

// The hash of every output (the input, then each layer).
const hashes = () => run(() => Array.from({ length: convplay.shapes().layers.length + 1 }, (_, i) => convplay.outputHash(i - 1)));

// Draws a few frames and waits until they are on screen.
async function settleFrames() {
    const f0 = await run(() => convplay.frames());
    await run(() => convplay.redraw(4));
    await page.waitForFunction((f) => convplay.frames() >= f + 3, f0);
    await page.waitForTimeout(100);
}

test('a lost WebGL context: a notice, a live page, then the same picture once restored', async () => {
    await open();
    await settleFrames();
    const picture = await shot('before');
    const outputs = await hashes(), state = await run(() => convplay.state());
    const uploads = (await run(() => convplay.timing())).uploads;

    await run(() => {
        window.loseContext = document.getElementById('canvas').getContext('webgl2').getExtension('WEBGL_lose_context');
        window.loseContext.loseContext();
    });
    await page.waitForSelector('#gl-lost', { state: 'visible' });
    assert.equal(await run(() => document.getElementById('canvas').getContext('webgl2').isContextLost()), true);
    // While lost: the app answers, keeps its state, accepts an edit, and draws nothing.
    assert.equal(await run(() => convplay.state()), state);
    const frames = await run(() => convplay.frames());
    await run(() => convplay.redraw(5));
    await page.waitForTimeout(300);
    assert.equal(await run(() => convplay.frames()), frames, 'no frame is drawn on a lost context');
    await shot('lost');

    await run(() => window.loseContext.restoreContext());
    await page.waitForSelector('#gl-lost', { state: 'hidden' });
    assert.equal(await run(() => document.getElementById('canvas').getContext('webgl2').isContextLost()), false);
    await waitSettled(page);
    await settleFrames();
    const after = await shot('restored');
    assert.equal(await run(() => convplay.state()), state);
    assert.deepEqual(await hashes(), outputs, 'the outputs are the same');
    assert.ok((await run(() => convplay.timing())).uploads > uploads, 'the feature maps were uploaded again');
    assert.ok(after.equals(picture), 'the page draws the same picture as before the loss');

    // And keeps working: an edit runs and shows.
    await run(() => convplay.setState('v=1&in=3x32x32&net=conv2d(out=4,k=3);relu'));
    await waitSettled(page);
    assert.equal(await run(() => convplay.planStatus()), '');
    assert.deepEqual(pageErrors, []);
});

test('an edit made while the context is lost is shown once it is restored', async () => {
    await open();
    await run(() => convplay.setState(convplay.state()));
    await waitSettled(page);
    await run(() => window.loseContext.loseContext());
    await page.waitForSelector('#gl-lost', { state: 'visible' });
    const next = 'v=1&in=1x24x24&img=impulse&net=conv2d(out=2,k=5,p=2);maxpool2d(k=2)';
    assert.equal(await run((t) => convplay.setState(t), next), true);
    await run(() => window.loseContext.restoreContext());
    await page.waitForSelector('#gl-lost', { state: 'hidden' });
    await waitSettled(page);
    assert.equal(await run(() => convplay.state()), next);
    assert.equal(await run(() => convplay.shapes().layers.length), 2);
    await shot('edit-while-lost');
    assert.deepEqual(pageErrors, []);
});
