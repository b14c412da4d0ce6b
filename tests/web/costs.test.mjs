// Edits cost what they change (issue #10), in the real playground, headless Chromium: the page
// holds no plan of its own (no weights made, no kernels) while the engine Worker computes the
// layers; the Worker's re-plan makes only the weights an edit changes, keeps the layers
// downstream of a change whose parameters did not change, and reuses output buffers that still
// fit; only the layers that changed are uploaded again as textures. The counters come from the
// test hooks convplay.costs() (the page) and convplay.runner().worker.plan (the Worker's
// plan.stats()). An upload is not copied back out of the page's memory for the Worker (which kept
// the values it decoded), and no colormap range is scanned on the page (the Worker sends them
// with the values): the same outputs and ranges as a page that does both itself. A cancelled
// layer leaves the previous outputs as they were; so does the Stop button, and "run again" then
// computes what it stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, LONG_LAYER, longLayerWith, usePlayground, openPage, waitSettled, makePng } from './playground_support.mjs';

const site = usePlayground({ before, after });
const pageErrors = [];

// The page at `state` once it shows its outputs (withWorker false: a browser without Workers).
async function open(state, { withWorker = true } = {}) {
    const opened = await openPage(site, state, { withWorker, errors: pageErrors });
    await waitSettled(opened.page, 60000);
    return opened;
}

// Both sides' counters once the page shows `state`'s outputs and the Worker reported its run.
async function settle(page, state) {
    if (state) assert.equal(await page.evaluate((s) => convplay.setState(s), state), true, state);
    await waitSettled(page, 60000);
    // The Worker's 'done' follows its last output: wait until its counters cover this run.
    await page.waitForFunction(() => { const r = convplay.runner(); return r.worker && r.doneRun === r.lastRun; });
    return page.evaluate(() => ({ page: convplay.costs(), plan: convplay.runner().worker.plan, hashes:
        Array.from({ length: convplay.shapes().layers.length + 1 }, (_, i) => convplay.outputHash(i - 1)) }));
}
const delta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - a[k]]));

test('an edit costs what it changes: the page makes no weights, the Worker only those that changed', async () => {
    // The default stack: conv2d(out=16, k=3, s=2, p=1); relu; convT2d(out=3, k=3, s=2, p=1).
    assert.match(DEFAULT_STATE, /net=conv2d\(out=16,k=3,s=2,p=1\);relu;convT2d\(out=3,k=3,s=2,p=1/);
    const { ctx, page } = await open(DEFAULT_STATE);
    let c = await settle(page);
    assert.equal((await page.evaluate(() => convplay.runner())).mode, 'worker');
    assert.deepEqual({ weights: c.page.weightsMade, plans: c.page.plansMade }, { weights: 0, plans: 0 },
                     'the page made no plan and no weights of its own');
    assert.equal(c.plan.weightsMade, 2, 'the Worker made the weights of the two conv layers once');

    // A weight preset on the last layer: its weights alone; layers 1 and 2 are not uploaded again.
    const lastPreset = DEFAULT_STATE.replace(/convT2d\(out=3,k=3,s=2,p=1/, 'convT2d(out=3,k=3,s=2,p=1,w=box');
    let n = await settle(page, lastPreset);
    let d = delta(c.plan, n.plan);
    assert.deepEqual([d.weightsMade, d.kernelsMade, d.outputsMade], [1, 1, 0], `last layer's preset: ${JSON.stringify(d)}`);
    assert.deepEqual(n.hashes.slice(0, 3), c.hashes.slice(0, 3), 'the input and layers 1-2 are the same values');
    const up = (x, slot) => x.page.uploadsBySlot[slot] || 0;
    assert.deepEqual([-1, 0, 1].map((s) => up(n, s) - up(c, s)), [0, 0, 0], 'the input and layers 1-2 are not uploaded again');
    assert.ok(up(n, 2) > up(c, 2), 'the changed layer is uploaded again');
    c = n;

    // Layer 1's seed: its weights are made again; the layers after it keep theirs, their kernels
    // and their buffers (everything downstream runs again on the new values).
    n = await settle(page, lastPreset.replace('conv2d(out=16,k=3,s=2,p=1)', 'conv2d(out=16,k=3,s=2,p=1,seed=7)'));
    d = delta(c.plan, n.plan);
    assert.deepEqual([d.weightsMade, d.kernelsMade, d.layersKept, d.outputsMade], [1, 1, 2, 0], `layer 1's seed: ${JSON.stringify(d)}`);
    assert.equal(delta(c.page, n.page).outputsMade, 0, 'the page reused its output buffers');
    c = n;

    // Layer 1's padding 1 -> 0: every shape after it shrinks (128 -> 127), the buffers still fit,
    // and the transposed conv keeps its weights (same channels and kernel).
    n = await settle(page, lastPreset.replace('conv2d(out=16,k=3,s=2,p=1)', 'conv2d(out=16,k=3,s=2,p=0,seed=7)'));
    d = delta(c.plan, n.plan);
    assert.deepEqual([d.weightsMade, d.weightsKept, d.outputsMade], [0, 2, 0], `layer 1's padding: ${JSON.stringify(d)}`);
    assert.ok(d.outputsKept >= 3, `the output buffers were reused: ${JSON.stringify(d)}`);
    assert.equal(delta(c.page, n.page).outputsMade, 0, `the page reused its buffers: ${JSON.stringify(delta(c.page, n.page))}`);
    assert.equal(n.page.weightsMade, 0, 'still no weights made on the page');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'costs-after-edits.png') });
    assert.deepEqual(pageErrors, []);
    await ctx.close();
});

test('an upload costs the page no copy back and no range scan; outputs and ranges as computed on the page', async () => {
    const got = {};
    for (const withWorker of [true, false]) {
        const { ctx, page } = await open(DEFAULT_STATE, { withWorker });
        const count = () => page.evaluate(() => ({ page: convplay.costs(), runner: convplay.runner() }));
        const c = await count();
        await page.setInputFiles('#file', { name: 'noise.png', mimeType: 'image/png', buffer: makePng(640, 480, { noise: true }) });
        await page.waitForFunction(() => convplay.state().includes('img=upload'), null, { timeout: 30000 });
        await waitSettled(page, 60000);
        if (withWorker) await page.waitForFunction(() => { const r = convplay.runner(); return r.doneRun === r.lastRun; });
        // Every thumbnail drawn with the new values (its ranges are the map cache's).
        await page.evaluate(() => convplay.redraw(3));
        const after = await count();
        const slots = [-1, 0, 1, 2];
        got[withWorker] = await page.evaluate((ss) => ({ hashes: ss.map((k) => convplay.outputHash(k)), ranges: ss.map((k) => convplay.mapRanges(k)) }), slots);
        got[withWorker].rangeValues = after.page.rangeValues - c.page.rangeValues;
        if (withWorker) {
            const d = delta(c.runner, after.runner);
            assert.equal(after.runner.mode, 'worker');
            assert.deepEqual([d.inputsCopied, d.inputsNamed], [0, 1], `the Worker's own decode is the input, not a copy: ${JSON.stringify(d)}`);
            assert.equal(d.uploadsKept, 1, "the decoded values went back to the Worker, which keeps them (no copy of its own)");
            assert.equal(d.rangesTaken, 3, 'each of the 3 layers came with its ranges');
            // Each layer in pieces of at most cpRunner.piece floats, a task each (layer 1: 16x240x320, 5 pieces of 1 MB).
            const pieces = await page.evaluate(() => convplay.shapes().layers.reduce(
                (n, L) => n + Math.max(1, Math.ceil(L.out.reduce((a, b) => a * b, 1) / cpRunner.piece)), 0));
            assert.ok(pieces > 3);
            assert.equal(d.pieces, pieces, 'the big layers came in pieces');
            assert.equal(got[withWorker].rangeValues, 0, 'no value was scanned for a range on the page');
            // A whole-stack rerun (layer 1's seed): the input is not sent again, no range scanned here.
            const seed = (await page.evaluate(() => convplay.state())).replace('conv2d(out=16,k=3,s=2,p=1)', 'conv2d(out=16,k=3,s=2,p=1,seed=9)');
            assert.match(seed, /seed=9.*img=upload|img=upload.*seed=9/);
            const b = await count();
            assert.equal(await page.evaluate((s) => convplay.setState(s), seed), true);
            await waitSettled(page, 60000);
            await page.waitForFunction(() => { const r = convplay.runner(); return r.doneRun === r.lastRun; });
            await page.evaluate(() => convplay.redraw(3));
            const e = await count();
            assert.deepEqual([e.runner.inputsCopied - b.runner.inputsCopied, e.runner.inputsNamed - b.runner.inputsNamed,
                              e.runner.rangesTaken - b.runner.rangesTaken, e.page.rangeValues - b.page.rangeValues], [0, 0, 3, 0],
                             'a rerun sends no input and scans no range on the page');
            // The Worker keeps every buffer the page gives back (RECYCLE_MAX, 24 MB: more than the
            // rerun's 14 pieces). How many pieces are in flight at once, and so how many of them
            // need a buffer made, depends on how far the page's main thread is behind the Worker
            // (the loaded machine's timing, not the code): a new one now and then is no fault, a
            // dropped one is (keeping 6, as before 9ce5c7d, drops them each run).
            const w0 = b.runner.worker, w1 = e.runner.worker;
            assert.equal(w1.buffersNotKept - w0.buffersNotKept, 0, `the Worker dropped buffers the page gave back: ${JSON.stringify(w1)}`);
            assert.ok(w1.buffersReused - w0.buffersReused > 0, `the rerun's pieces went into buffers the page gave back: ${JSON.stringify(w1)}`);
            assert.equal(w1.buffersMade - w0.buffersMade + w1.buffersReused - w0.buffersReused, pieces, 'a buffer a piece');
        } else {
            assert.equal((await page.evaluate(() => convplay.runner())).mode, 'main');
            assert.ok(got[withWorker].rangeValues >= 3 * 640 * 480, `the page scanned the values itself: ${got[withWorker].rangeValues}`);
        }
        await ctx.close();
    }
    for (const h of got.true.hashes) assert.ok(h >= 0, 'every output computed');
    assert.deepEqual(got.true.hashes, got.false.hashes, 'the same input and outputs');
    for (const r of got.true.ranges) assert.ok(r && r.lo.length > 0, 'every slot has ranges');
    assert.deepEqual(got.true.ranges, got.false.ranges, 'the same ranges, to the bit');
    assert.deepEqual(pageErrors, []);
});

test("a big upload's pieces all go back to the Worker: the page drops no buffer (no garbage for its main thread's GC)", async () => {
    // 1024x1024: layer 1 is 16x512x512 (16 pieces of 1 MB), the relu 16, the convT 3x1024x1024
    // 12: 44 pieces, more than the Worker keeps (RECYCLE_MAX, 24). A page that gave back only
    // RECYCLE_MAX of them dropped the other 20 (20 MB of V8 garbage on its main thread).
    const { ctx, page } = await open(DEFAULT_STATE);
    const runner = () => page.evaluate(() => convplay.runner());
    const b = await runner();
    await page.setInputFiles('#file', { name: 'noise.png', mimeType: 'image/png', buffer: makePng(1024, 1024, { noise: true }) });
    await page.waitForFunction(() => convplay.state().includes('img=upload'), null, { timeout: 30000 });
    await waitSettled(page, 60000);
    await page.waitForFunction(() => { const r = convplay.runner(); return r.doneRun === r.lastRun; });
    const e = await runner();
    const pieces = e.pieces - b.pieces;
    assert.equal(pieces, 44, `the upload's run came in 44 pieces: ${JSON.stringify(e)}`);
    // (A piece of a superseded run is given back too, uncounted in `pieces`.)
    assert.ok(e.givenBack - b.givenBack >= pieces, `every piece's buffer went back to the Worker: ${JSON.stringify(e)}`);
    assert.deepEqual([e.held, e.buffersDropped], [0, 0], `the page holds none and dropped none: ${JSON.stringify(e)}`);
    assert.deepEqual(pageErrors, []);
    await ctx.close();
});

test('a cancelled layer leaves the previous outputs as they were', async () => {
    // Layer 2 of LONG_LAYER alone takes seconds: editing it, then editing it again while it
    // runs, abandons that run (its Worker is replaced after 250 ms). Layer 1 is not touched by
    // either edit: its output stays the one shown before, never copied again.
    const { ctx, page } = await open(LONG_LAYER);
    const hash = (i) => page.evaluate((k) => convplay.outputHash(k), i);
    const before = [await hash(-1), await hash(0)];
    const accepted = (await page.evaluate(() => convplay.runner())).accepted;
    assert.ok(await page.evaluate((s) => convplay.setState(s), longLayerWith('box')));
    // The second edit comes once the Worker has started layer 2 (on a loaded machine 100 ms
    // after the first edit may be before it: the newer request then simply replaces the first).
    await page.waitForFunction(() => convplay.runner().running === 1, null, { timeout: 30000 });
    assert.ok(await page.evaluate((s) => convplay.setState(s), longLayerWith('gauss')));
    // While the replacement Worker works: layer 1 and the input as before, layer 2 not current.
    await page.waitForFunction(() => convplay.runner().restarts >= 1, null, { timeout: 30000 });
    assert.deepEqual([await hash(-1), await hash(0)], before, 'the input and layer 1 kept their values');
    assert.equal(await hash(1), -1, 'layer 2 is not current until its new values arrive');
    await waitSettled(page, 60000);
    assert.deepEqual([await hash(-1), await hash(0)], before, 'still the same after the new run');
    const r = await page.evaluate(() => convplay.runner());
    assert.equal(r.accepted - accepted, 1, 'only layer 2 was copied into the page again');
    assert.ok(await hash(1) >= 0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'costs-cancelled.png') });
    assert.deepEqual(pageErrors, []);
    await ctx.close();
});

test('Stop ends a long run at once: the outputs stay as they were, and "run again" computes the rest', async () => {
    const { ctx, page } = await open(LONG_LAYER);
    const hash = (i) => page.evaluate((k) => convplay.outputHash(k), i);
    const before = [await hash(-1), await hash(0), await hash(1)];
    const BOX = longLayerWith('box');
    assert.ok(await page.evaluate((s) => convplay.setState(s), BOX));
    // A run longer than a moment shows its progress and a Stop button.
    await page.waitForFunction(() => { convplay.redraw(1); return convplay.runner().running === 1 && !!convplay.rect('stop'); },
                               null, { timeout: 30000 });
    const r = await page.evaluate(() => convplay.rect('stop'));
    await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
    await page.waitForFunction(() => !convplay.busy());
    assert.equal(await page.evaluate(() => convplay.planStatus()), '', 'the state is fine, only stopped');
    const stopped = await page.evaluate(() => convplay.runner());
    assert.equal(stopped.cancelled, 1, 'the Worker computing layer 2 was replaced');
    assert.deepEqual([await hash(-1), await hash(0)], before.slice(0, 2), 'the input and layer 1 as they were');
    assert.equal(await hash(1), -1, 'layer 2 is stale (its previous values are shown as such)');
    // Nothing more is asked or delivered until the user goes on.
    await page.waitForTimeout(1500);
    const later = await page.evaluate(() => convplay.runner());
    assert.deepEqual([later.requests, later.accepted, await hash(1)], [stopped.requests, stopped.accepted, -1]);
    await page.evaluate(() => convplay.redraw(2));
    await page.waitForFunction(() => { convplay.redraw(1); return !!convplay.rect('run_again'); });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'costs-stopped.png') });
    const a = await page.evaluate(() => convplay.rect('run_again'));
    await page.mouse.click(a.x + a.w / 2, a.y + a.h / 2);
    await page.waitForFunction(() => convplay.outputHash(1) >= 0, null, { timeout: 60000 });
    assert.equal(await page.evaluate(() => convplay.planStatus()), '');
    assert.deepEqual([await hash(-1), await hash(0)], before.slice(0, 2));
    const now = await hash(1);
    assert.ok(now >= 0 && now !== before[2], 'layer 2 computed with its new weights');
    assert.deepEqual(pageErrors, []);
    await ctx.close();
});
