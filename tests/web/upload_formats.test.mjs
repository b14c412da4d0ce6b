// WebP and AVIF uploads (issue #10): stb, the engine's decoder, lacks them, so the engine Worker
// hands them to the browser's decoder (createImageBitmap) once the engine has checked the size
// the file declares, and the pixels take the engine's budget and conversions. Headless Chromium:
// a lossless WebP of a PNG's pixels gives the PNG's input bit for bit; a WebP declaring more
// pixels than the budget is refused before any decoding; a corrupt AVIF is called corrupt; a page
// without Workers refuses WebP saying why; every refusal keeps the image the page had.
// Screenshot: test-artifacts/upload-webp.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS_DIR } from './engine.mjs';
import { DEFAULT_STATE, usePlayground, openPage, waitSettled, makePng } from './playground_support.mjs';

const site = usePlayground({ before, after });
const pageErrors = [];

async function open({ withWorker = true } = {}) {
    const opened = await openPage(site, DEFAULT_STATE, { withWorker, errors: pageErrors });
    await waitSettled(opened.page, 60000);
    return opened;
}

// Uploads a file and waits until the page's message names it; returns that message.
const refusal = (message) => `error: ${message}. The current image is kept.`;
async function upload(page, name, mimeType, buffer) {
    await page.setInputFiles('#file', { name, mimeType, buffer });
    await page.waitForFunction((n) => convplay.message().includes(n), name, { timeout: 30000 });
    return page.evaluate(() => convplay.message());
}

// The browser's own WebP encoder, lossless (quality 1 in Chromium), of a PNG's pixels.
const webpOf = (page, png) => page.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 1 });
    return { type: blob.type, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) };
}, Array.from(png));

// A lossless WebP file header (RIFF, VP8L) declaring w x h, with no image data after it.
function webpDeclaring(w, h) {
    const b = Buffer.alloc(40);
    b.write('RIFF', 0), b.writeUInt32LE(32, 4), b.write('WEBPVP8L', 8), b.writeUInt32LE(20, 16);
    b[20] = 0x2f;
    b.writeUInt32LE(((w - 1) | ((h - 1) << 14)) >>> 0, 21);
    return b;
}

test('a WebP upload is decoded by the browser in the Worker: the same input as the PNG of its pixels', async () => {
    const { ctx, page } = await open();
    try {
        const png = makePng(96, 64);
        const webp = await webpOf(page, png);
        assert.equal(webp.type, 'image/webp', 'this Chromium encodes WebP');
        assert.match(await upload(page, 'same.png', 'image/png', png), /same\.png/);
        await waitSettled(page, 60000);
        const fromPng = { state: await page.evaluate(() => convplay.state()), input: await page.evaluate(() => convplay.outputHash(-1)) };
        const before = (await page.evaluate(() => convplay.runner())).decoded;
        await upload(page, 'same.webp', 'image/webp', Buffer.from(webp.bytes));
        await waitSettled(page, 60000);
        const message = await page.evaluate(() => convplay.message());
        assert.doesNotMatch(message, /corrupt|cannot|not an image|read only by/, message);
        assert.equal((await page.evaluate(() => convplay.runner())).decoded, before + 1, 'decoded in the Worker');
        assert.equal(await page.evaluate(() => convplay.state()), fromPng.state);
        assert.equal(await page.evaluate(() => convplay.outputHash(-1)), fromPng.input, 'the same pixels as the PNG');
        await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'upload-webp.png') });

        // Refusals keep the image.
        const kept = await page.evaluate(() => convplay.outputHash(-1));
        assert.equal(await upload(page, 'huge.webp', 'image/webp', webpDeclaring(16000, 16000)),
                     refusal('huge.webp is 16000x16000 pixels: too large to decode (at most 8192x8192 = 67108864 pixels)'));
        const avif = Buffer.concat([Buffer.from('0000001c6674797061766966000000006d696631', 'hex'), Buffer.alloc(64, 7)]);
        assert.equal(await upload(page, 'broken.avif', 'image/avif', avif),
                     refusal('broken.avif is a corrupt or truncated AVIF file (the browser could not decode it)'));
        assert.equal(await page.evaluate(() => convplay.outputHash(-1)), kept, 'the refused files left the image as it was');
    } finally {
        await ctx.close();
    }
    assert.deepEqual(pageErrors, []);
});

test('without a Worker, a WebP upload is refused saying what reads it, and the image is kept', async () => {
    const { ctx, page } = await open({ withWorker: false });
    try {
        const webp = await webpOf(page, makePng(32, 32));
        const kept = await page.evaluate(() => convplay.outputHash(-1));
        assert.equal(await upload(page, 'pic.webp', 'image/webp', Buffer.from(webp.bytes)),
                     refusal("pic.webp is a WebP file: convplay's own decoder needs PNG, JPEG, BMP, GIF, TGA or PNM; WebP and AVIF " +
                             "are read only by the playground's engine Worker, with the browser's decoder"));
        assert.equal(await page.evaluate(() => convplay.outputHash(-1)), kept);
    } finally {
        await ctx.close();
    }
    assert.deepEqual(pageErrors, []);
});
