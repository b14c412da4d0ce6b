// Feature maps go to the GPU at most MapCache::kFrameUploadBytes a frame (src/app/gl_maps.hpp): a
// stack at 1024x1024 (its last layer 3x1023x1023, 12 MB in the viewer) is uploaded over several
// frames, drawn meanwhile as while it is computed, and counts as shown only once every map shows
// its new values (build/site, headless Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATE, usePlayground, openPage, waitSettled, waitQuiet } from './playground_support.mjs';

const site = usePlayground({ before, after });

test('a big stack is uploaded within the per-frame budget and then shown whole', async () => {
    const { ctx, page } = await openPage(site, DEFAULT_STATE, { viewport: { width: 1400, height: 900 } });
    try {
        await waitSettled(page, 60000);
        const c0 = await page.evaluate(() => convplay.costs());
        assert.ok(c0.frameUploadBudget > 0, JSON.stringify(c0));
        const big = DEFAULT_STATE.replace(/in=3x\d+x\d+/, 'in=3x1024x1024');
        // The costs on the first animation frame that finds the new state's outputs shown (the
        // app's frames run on animation frames too): what had gone up by then.
        const c1 = await page.evaluate((s) => new Promise((resolve) => {
            const e0 = convplay.timing().edits, t0 = performance.now();
            convplay.setState(s);
            const tick = () => {
                const t = convplay.timing();
                if (t.edits > e0 && t.shown_edit === t.edits && !convplay.busy()) resolve(convplay.costs());
                else if (performance.now() - t0 > 60000) resolve({ timedOut: true, timing: t });
                else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        }), big);
        assert.ok(!c1.timedOut, `the big stack's outputs were not shown within 60 s: ${JSON.stringify(c1)}`);
        await waitSettled(page, 60000);
        const viewer = (await page.evaluate(() => convplay.shapes())).layers[2].out;
        assert.deepEqual(viewer, [1, 3, 1023, 1023], 'the viewer shows a map bigger than the budget');
        assert.ok(3 * 1023 * 1023 * 4 > c1.frameUploadBudget);
        assert.ok(c1.maxFrameUploadBytes <= c1.frameUploadBudget,
                  `a frame uploaded ${c1.maxFrameUploadBytes} bytes, over the budget of ${c1.frameUploadBudget}`);
        // Shown only once every map of the new values went up (the input's and each layer's
        // thumbnail, and the viewer's full-size map of layer 3).
        for (const slot of ['-1', '0', '1']) assert.ok(c1.uploadsBySlot[slot] > (c0.uploadsBySlot[slot] || 0), `slot ${slot}: ${JSON.stringify(c1)}`);
        assert.ok(c1.uploadsBySlot['2'] >= (c0.uploadsBySlot['2'] || 0) + 2, `layer 3's thumbnail and viewer map: ${JSON.stringify(c1)}`);
        // Nothing left going up: the frames stop. The last request_frames(n) may still have a frame
        // or two to build after the one that showed the outputs (on a loaded machine those come
        // late: CI once saw one inside a fixed 500 ms window), so this waits for 1 s without a
        // frame, within 15 s: maps still going up ask for a frame every animation frame and never
        // give that.
        const quiet = await waitQuiet(page, { quietMs: 1000, within: 15000 });
        assert.ok(quiet.quietMs >= 1000, `frames were still built on an idle page: ${JSON.stringify(quiet)}`);
    } finally {
        await ctx.close();
    }
});
