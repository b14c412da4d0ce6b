// The feature-map colours on screen (WebGL2 fragment shader, shaders/colormap.frag, its palette
// generated from core/colormap.cpp) against the PNG writer's (engine/image.cpp
// render_feature_map, `convplay run`), cell by cell, for a sequential and a diverging map. Both
// read the same anchors; this catches a shader, range or interpolation that drifts from them.
// Needs build/site and build/native/convplay. Screenshots: test-artifacts/colormap-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { CLI } from './export_support.mjs';
import { usePlayground, waitReady, waitSettled, widgetRect } from './playground_support.mjs';

const site = usePlayground({ before, after });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'convplay-colormap-'));
let page;
after(() => rmSync(tmp, { recursive: true, force: true }));

// RGBA pixels of a PNG, decoded by the browser (no PNG library in the repository).
async function decode(png) {
    return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width, c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        // Base64, not an array of numbers: 5 million numbers through Playwright took 100 s at load 6.
        const px = g.getImageData(0, 0, img.width, img.height).data;
        let bin = '';
        for (let i = 0; i < px.length; i += 0x8000) bin += String.fromCharCode(...px.subarray(i, i + 0x8000));
        return { w: img.width, h: img.height, data: btoa(bin) };
    }, png.toString('base64')).then((im) => ({ ...im, data: Buffer.from(im.data, 'base64') }));
}
const rgb = (im, x, y) => Array.from(im.data.subarray((y * im.width_ + x) * 4, (y * im.width_ + x) * 4 + 3));

// Layer 1: a Sobel filter of a gradient (both signs: the diverging map, symmetric range);
// layer 2: its ReLU (zero and above: the sequential map).
const STATE = 'v=1&in=1x8x8&img=gradient&net=conv2d(out=1,k=3,p=1,w=sobelx,bias=0);relu';
const PNGS = ['01_conv2d.png', '02_relu.png'];

for (const layer of [1, 2]) {
    test(`layer ${layer}: every cell on screen has the PNG writer's colour`, async () => {
        page ??= await site.browser.newPage({ viewport: { width: 1400, height: 900 } });
        const out = path.join(tmp, `out${layer}`);
        execFileSync(CLI, ['run', STATE, '--out', out], { stdio: 'pipe' });
        const want = await decode(readFileSync(path.join(out, PNGS[layer - 1])));
        want.width_ = want.w;
        assert.deepEqual([want.w, want.h], [8, 8], 'one channel: the PNG is the map itself');

        await page.goto(`${site.url}/?layer=${layer}#${STATE}`);
        await waitReady(page);
        await waitSettled(page);
        assert.equal((await page.evaluate(() => convplay.view())).slot, layer - 1, 'the viewer shows the layer');
        const r = await widgetRect(page, 'viewer');
        await page.evaluate(() => convplay.redraw(3));
        await page.waitForTimeout(200);
        const shotPath = path.join(ARTIFACTS_DIR, `colormap-layer${layer}.png`);
        const screen = await decode(await page.screenshot({ path: shotPath }));
        screen.width_ = screen.w;

        // The viewer fits the map in its box, centred (feature_map_view.cpp): cell (y, x) is
        // centred at mid + ((x + 0.5) - W/2, (y + 0.5) - H/2) * zoom.
        const zoom = Math.min(r.w / 8, r.h / 8), mx = r.x + r.w / 2, my = r.y + r.h / 2;
        let worst = 0, where = '';
        for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++) {
                const sx = Math.round(mx + (x + 0.5 - 4) * zoom), sy = Math.round(my + (y + 0.5 - 4) * zoom);
                const got = rgb(screen, sx, sy), exp = rgb(want, x, y);
                const d = Math.max(...got.map((v, i) => Math.abs(v - exp[i])));
                if (d > worst) worst = d, where = `cell (${y}, ${x}): screen ${got}, PNG ${exp}`;
            }
        console.log(`colormap: layer ${layer}, worst difference ${worst}/255 over 64 cells`);
        // 8-bit rounding on both sides and the GPU's float interpolation: a few units at most.
        assert.ok(worst <= 3, `the colours differ by ${worst} at ${where} (screenshot ${shotPath})`);
        // The map is not flat (a test that cannot see a wrong colour would pass anyway).
        const colours = new Set();
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) colours.add(rgb(want, x, y).join(','));
        assert.ok(colours.size >= 3, `the map has ${colours.size} colours`);
    });
}
