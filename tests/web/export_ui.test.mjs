// The playground's Export window in headless Chromium: real clicks on real widgets, downloads
// caught by Playwright and their bytes checked (the ONNX file is byte for byte the CLI's export,
// the NPY header carries the tensor's shape, the PNG its size, the Markdown the table), and
// the PyTorch code lands on the clipboard. Needs build/site and build/native/convplay.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ARTIFACTS_DIR, SITE_DIR } from './engine.mjs';
import { cli } from './export_support.mjs';
import { launch, startServer, waitReady, waitSettled, widgetRect } from './playground_support.mjs';

const STATE = 'v=1&in=3x32x32&img=checker&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)';
let server, browser, context, page;

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'convplay_app.wasm')), `${SITE_DIR} has no playground: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    let url;
    ({ proc: server, url } = await startServer());
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    page = await context.newPage();
    await page.goto(`${url}/#${STATE}`);
    await waitReady(page);
    await waitSettled(page);
});

after(async () => {
    await browser?.close();
    server?.kill();
});

async function click(name) {
    const r = await widgetRect(page, name);
    await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
}

// Clicks a widget and returns the file it downloads: { name, bytes }.
async function download(name) {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), click(name)]);
    const file = await d.path();
    return { name: d.suggestedFilename(), bytes: readFileSync(file) };
}

test('the Export button opens the window', async () => {
    await click('export');
    await widgetRect(page, 'export_onnx');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'export-window.png') });
});

test('Download .onnx gives the same model as `convplay export --to onnx`', async () => {
    const { name, bytes } = await download('export_onnx');
    assert.equal(name, 'convplay.onnx');
    const canonical = await page.evaluate(() => convplay.state());
    const r = cli(['export', canonical, '--to', 'onnx']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(bytes[0], 0x08, 'ModelProto field 1 (ir_version) first');
    assert.ok(bytes.includes(Buffer.from('Conv')) && bytes.includes(Buffer.from('ConvTranspose')), 'the graph has the layers');
    assert.ok(Buffer.compare(bytes, r.stdout) === 0, 'byte for byte the CLI export');
});

test('NPY and PNG of the last feature map', async () => {
    const npy = await download('export_npy');
    assert.equal(npy.name, 'layer3_convT2d.npy');
    assert.equal(npy.bytes.toString('latin1', 0, 6), '\x93NUMPY');
    const header = npy.bytes.toString('latin1', 10, 10 + npy.bytes.readUInt16LE(8));
    assert.match(header, /'descr': '<f4'/);
    assert.match(header, /'shape': \(1, 3, 32, 32\)/);
    assert.equal(npy.bytes.length, 10 + npy.bytes.readUInt16LE(8) + 3 * 32 * 32 * 4);
    const png = await download('export_png');
    assert.equal(png.name, 'layer3_convT2d.png');
    assert.equal(png.bytes.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], [32, 32], 'RGB composite of 3 channels, 32x32');
});

test('the shape table as JSON and Markdown', async () => {
    const json = await download('export_json');
    assert.equal(json.name, 'convplay_shapes.json');
    assert.deepEqual(JSON.parse(json.bytes.toString()).output, [1, 3, 32, 32]);
    const md = await download('export_md');
    assert.equal(md.name, 'convplay_shapes.md');
    const text = md.bytes.toString();
    assert.match(text, /\| 1 \| `conv2d\(out=4,k=3,s=2,p=1\)` \| 1x3x32x32 \| 1x4x16x16 \| 112 \|/);
    assert.equal(text, cli(['shapes', await page.evaluate(() => convplay.state()), '--markdown']).stdout.toString());
    assert.deepEqual(await page.evaluate(() => convplay.downloads),
                     ['convplay.onnx', 'layer3_convT2d.npy', 'layer3_convT2d.png', 'convplay_shapes.json', 'convplay_shapes.md']);
});

test('Copy PyTorch code puts the exported code on the clipboard', async () => {
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await click('export_pytorch');
    // The app copies on its next frame and writeText is asynchronous: wait for the text.
    let text = '';
    for (let i = 0; i < 100 && !text; ++i) {
        await page.waitForTimeout(100);
        text = await page.evaluate(() => navigator.clipboard.readText());
    }
    assert.match(text, /^# convplay export \(PyTorch\)/);
    assert.match(text, /assert tuple\(y\.shape\) == \(1, 3, 32, 32\)/);
    assert.equal(text, cli(['export', await page.evaluate(() => convplay.state()), '--to', 'pytorch']).stdout.toString());
});
