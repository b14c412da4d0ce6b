// The playground's start-up in headless Chromium (build/site): where it waits for the GPU process,
// and the pages it shows when WebGL2 is missing or refused.
//   - Both shader programs' link status is read at start-up (main(), platform/main.cpp), not in
//     the first frame: read there, each wait came behind that frame's uploads and the canvas's
//     new buffers in the GPU process (docs/architecture.md, "Draw").
//   - No WebGL2 interface, or a browser that refuses the context: a message, no uncaught error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATE, openPage, usePlayground, waitReady, waitSettled } from './playground_support.mjs';

const site = usePlayground({ before, after });

// A page at the default state with `init` run before any of the page's scripts, not waited for
// (some never get ready); resolves { ctx, page, errors } (its uncaught errors as they come).
async function open(init, initArg) {
    const errors = [];
    const { ctx, page } = await openPage(site, DEFAULT_STATE, { init, initArg, errors, ready: false });
    return { ctx, page, errors };
}

test('both programs\' link status is read at start-up, none inside an animation frame', async () => {
    const { ctx, page, errors } = await open(() => {
        // Each link-status read, and whether an animation frame's callback (the app's frame)
        // made it; the first frame's start, to tell the app's start-up from its frames.
        window.__links = [];
        let inFrame = 0;
        const raf = window.requestAnimationFrame;
        window.requestAnimationFrame = function (cb) {
            return raf.call(window, (t) => {
                inFrame++;
                try { cb(t); } finally { inFrame--; }
            });
        };
        // Every link asked for and every link status read, in order (both links must be asked
        // for before either status is read: one wait for the GPU process, not two).
        window.__order = [];
        const link = WebGL2RenderingContext.prototype.linkProgram;
        WebGL2RenderingContext.prototype.linkProgram = function (program) {
            window.__order.push('link');
            return link.call(this, program);
        };
        const read = WebGL2RenderingContext.prototype.getProgramParameter;
        WebGL2RenderingContext.prototype.getProgramParameter = function (program, pname) {
            const value = read.call(this, program, pname);
            if (pname === 0x8b82 /* LINK_STATUS */) {
                window.__links.push({ inFrame: inFrame > 0, linked: value === true });
                window.__order.push('status');
            }
            return value;
        };
    });
    try {
        await waitReady(page);
        await waitSettled(page);
        const links = await page.evaluate(() => window.__links);
        assert.equal(links.length, 2, `one link-status read per program (ImGui's, the maps'): ${JSON.stringify(links)}`);
        assert.deepEqual(links.filter((l) => l.inFrame), [], 'no link status read inside a frame');
        assert.ok(links.every((l) => l.linked), 'both programs linked');
        assert.deepEqual(await page.evaluate(() => window.__order), ['link', 'link', 'status', 'status'],
            'both links asked for before either status is read');
        // And the programs draw: the maps went up and the outputs are shown.
        const t = await page.evaluate(() => convplay.timing());
        assert.ok(t.uploads > 0, 'the feature maps were uploaded');
        assert.equal(t.shown_edit, t.edits);
        assert.deepEqual(errors, []);
    } finally {
        await ctx.close();
    }
});

// The text of the page's message box, once it shows.
async function fatalText(page) {
    await page.waitForSelector('#fatal', { state: 'visible', timeout: 30000 });
    return page.locator('#fatal').textContent();
}

test('a browser without WebGL2 gets a message, not a blank page or an error', async () => {
    const { ctx, page, errors } = await open(() => { delete window.WebGL2RenderingContext; });
    try {
        assert.match(await fatalText(page), /needs WebGL2/);
        assert.deepEqual(errors, []);
    } finally {
        await ctx.close();
    }
});

test('a browser that refuses the WebGL2 context gets the app\'s message', async () => {
    const { ctx, page, errors } = await open(() => {
        const get = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
            return kind === 'webgl2' ? null : get.call(this, kind, ...rest);
        };
    });
    try {
        assert.match(await fatalText(page), /needs WebGL2, which this browser did not provide/);
        // The app stopped before its first frame: it never says it is ready.
        assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined);
        assert.deepEqual(errors, []);
    } finally {
        await ctx.close();
    }
});

// An init script that makes the n-th link-status read (0: ImGui's program, 1: the maps') report a
// failed link, as a GPU whose compiler refuses a shader would.
function failLink(n) {
    let reads = 0;
    const read = WebGL2RenderingContext.prototype.getProgramParameter;
    WebGL2RenderingContext.prototype.getProgramParameter = function (program, pname) {
        const value = read.call(this, program, pname);
        return pname === 0x8b82 /* LINK_STATUS */ && reads++ === n ? false : value;
    };
}

test('ImGui\'s program failing to link says so instead of a blank canvas', async () => {
    const { ctx, page, errors } = await open(failLink, 0);
    try {
        assert.match(await fatalText(page), /cannot draw: the browser's WebGL2 did not link its shader program/);
        assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined);
        assert.deepEqual(errors, []);
    } finally {
        await ctx.close();
    }
});

test('the maps\' program failing to link is on the status line; the rest of the app works', async () => {
    const { ctx, page, errors } = await open(failLink, 1);
    try {
        await waitReady(page);
        await waitSettled(page);
        assert.match(await page.evaluate(() => convplay.message()), /feature maps cannot be drawn/);
        assert.equal(await page.locator('#fatal').isVisible(), false);
        // Shapes and edits still work without the maps.
        assert.ok(await page.evaluate(() => convplay.setState('v=1&in=3x32x32&img=photo&net=conv2d(out=4,k=3)')));
        await waitSettled(page);
        assert.deepEqual((await page.evaluate(() => convplay.shapes())).layers.map((l) => l.out), [[1, 4, 30, 30]]);
        assert.ok(await page.evaluate(() => convplay.outputHash(0)) >= 0, 'the layer ran');
        assert.deepEqual(errors, []);
    } finally {
        await ctx.close();
    }
});
