// Which frames the playground draws (build/site, headless Chromium): a frame that would draw what
// is on screen already is built (input handled) but not drawn, and while the engine Worker
// computes an edit's run the frames are held for a moment, so a run that ends within it shows in
// one drawn frame, with its outputs (src/platform/main.cpp, App::hold_frame; docs/architecture.md,
// "Frames"). With software GL each drawn frame costs about 100 ms of CPU on the cores the Worker
// computes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, usePlayground, openPage, waitSettled, sliderPoint } from './playground_support.mjs';

const site = usePlayground({ before, after });
const counts = (page) => page.evaluate(() => { const t = convplay.timing(); return { built: t.frames, drawn: t.frames - (t.not_drawn ?? 0) }; });
// The Worker's run for the last edit reported its end, and the frames asked for since came.
async function settled(page) {
    await waitSettled(page);
    await page.waitForFunction(() => { const r = convplay.runner(); return r.mode !== 'worker' || r.doneRun === r.lastRun; });
    await page.waitForTimeout(300);
}

test('frames that would draw what is on screen are not drawn; the picture stays', async () => {
    const { ctx, page } = await openPage(site, DEFAULT_STATE);
    try {
        await settled(page);
        const shot = path.join(ARTIFACTS_DIR, 'frames-before.png');
        const a = await page.screenshot({ path: shot });
        const c0 = await counts(page);
        await page.evaluate(() => convplay.redraw(6));
        await page.waitForFunction((n) => convplay.frames() >= n + 6, c0.built);
        await page.waitForTimeout(200);
        const c1 = await counts(page);
        assert.ok(c1.built >= c0.built + 6, `frames built: ${c0.built} -> ${c1.built}`);
        assert.equal(c1.drawn, c0.drawn, `nothing changed, yet ${c1.drawn - c0.drawn} of ${c1.built - c0.built} frames were drawn`);
        const b = await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'frames-after.png') });
        assert.ok(a.equals(b), 'the picture changed while no frame was drawn');
        // A change is drawn.
        await page.evaluate((s) => convplay.setState(s), DEFAULT_STATE.replace('out=16', 'out=8'));
        await settled(page);
        const c2 = await counts(page);
        assert.ok(c2.drawn > c1.drawn, 'an edit drew no frame');
        const c = await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'frames-edited.png') });
        assert.ok(!a.equals(c), 'the edit did not change the picture');
    } finally {
        await ctx.close();
    }
});

test('an edit whose run ends within the hold is drawn once, with its outputs', async () => {
    // A small input: the Worker's run takes a few ms, well within the hold even on a busy machine.
    const small = DEFAULT_STATE.replace(/in=3x\d+x\d+/, 'in=3x64x64');
    const { ctx, page } = await openPage(site, small);
    try {
        await settled(page);
        // The app's hold (App::hold_frame, kHoldMs in src/app/app.hpp), as the app reports it.
        const HOLD_MS = (await page.evaluate(() => convplay.timing())).hold_ms;
        assert.ok(HOLD_MS > 0, `hold_ms ${HOLD_MS}`);
        let checked = 0;
        for (let i = 0; i < 6; i++) {
            const c0 = await counts(page);
            await page.evaluate((s) => convplay.setState(s), small.replace('out=16', i % 2 ? 'out=16' : 'out=12'));
            await settled(page);
            const c1 = await counts(page);
            const t = await page.evaluate(() => convplay.timing());
            // A run that outlasted the hold shows a frame without its outputs first, as it should.
            if (t.shown_ms - t.edit_ms >= HOLD_MS) continue;
            checked++;
            assert.equal(c1.drawn - c0.drawn, 1, `edit ${i + 1}: ${c1.drawn - c0.drawn} frames drawn of ${c1.built - c0.built} built, ` +
                         `outputs shown ${(t.shown_ms - t.edit_ms).toFixed(1)} ms after the edit`);
        }
        assert.ok(checked >= 3, `only ${checked} of 6 runs ended within ${HOLD_MS} ms`);
    } finally {
        await ctx.close();
    }
});

test('a widget released is drawn once, as it looks after the release', async () => {
    // ImGui picks a slider's colour before it sees the button go up: the frame that handles a
    // release draws it still held, the next one hovered. main.cpp builds that next frame at once
    // and draws it alone (two drawn frames before: 60-100 ms of SwiftShader each).
    const small = DEFAULT_STATE.replace(/in=3x\d+x\d+/, 'in=3x64x64');
    const { ctx, page } = await openPage(site, small);
    try {
        await settled(page);
        for (const [i, k] of [5, 3].entries()) {
            const p = await sliderPoint(page, 'L1.kernel', k);
            await page.mouse.move(p.x, p.y);
            await page.mouse.down();
            await settled(page);   // the edit's run ended and its frame is drawn, the slider still held
            const c0 = await counts(page);
            await page.mouse.up();
            await settled(page);
            const c1 = await counts(page);
            assert.equal(c1.drawn - c0.drawn, 1, `release ${i + 1}: ${c1.drawn - c0.drawn} frames drawn of ${c1.built - c0.built} built`);
            const link = decodeURIComponent(await page.evaluate(() => location.hash));
            assert.ok(link.includes(`conv2d(out=16,k=${k},`), `release ${i + 1}: the link is ${link}`);
        }
    } finally {
        await ctx.close();
    }
});

test('the link follows an edit with the first frame drawn after it, not inside the edit', async () => {
    // history.replaceState costs headless Chromium's GPU process about 24 ms of SwiftShader (the
    // window's address bar): written inside the edit, it landed on the cores while the engine
    // Worker ran the edit (App::link_due_).
    const { ctx, page } = await openPage(site, DEFAULT_STATE);
    try {
        await settled(page);
        const next = DEFAULT_STATE.replace('out=16', 'out=12');
        const [before, during] = await page.evaluate((s) => { const h = location.hash; convplay.setState(s); return [h, location.hash]; }, next);
        assert.equal(during, before, 'the link changed inside the edit');
        await settled(page);
        assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes('out=12'), 'the link did not follow the edit');
    } finally {
        await ctx.close();
    }
});
