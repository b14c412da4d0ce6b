// Uploads against the history and the embed's locks (QA H2, M3 of 2026-12-03).
// - Undo to a state made with an earlier upload shows that upload's own values (it ran that
//   state on the later file's values: an image's shape with a CSV's 50 values, a read past the
//   upload's buffer), also when both files have one size (the same state text); Redo the later
//   one's. An upload the page no longer keeps (Session::kEarlierUploadBytes) gives the photo
//   sample at that size and says why, as a shared `img=upload` link does.
// - lock=in: an upload of another size is refused with a message (the locked input stays);
//   one of the same size loads. lock=img: every upload is refused with a message, from the file
//   button or a drop, not silently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground, openPage, waitReady, waitSettled, clickWidget, makePng } from './playground_support.mjs';

const site = usePlayground({ before, after });
const pageErrors = [];
const STATE = 'v=1&in=3x32x32&img=checker&net=conv2d(out=4,k=3)';
// A one-column CSV: 50 samples, a 1x50 signal (a much smaller buffer than any image here).
const CSV = Buffer.from(Array.from({ length: 50 }, (_, i) => String(i % 7)).join('\n') + '\n');

async function open(query = '', { withWorker = true } = {}) {
    const { ctx, page } = await openPage(site, STATE, { errors: pageErrors, ready: false, withWorker });
    if (query) await page.goto(`${site.url}/index.html${query}#${STATE}`);
    await waitReady(page);
    await waitSettled(page, 60000);
    return { ctx, page };
}

// hash: the input's values; out: layer 1's (computed by the Worker from the input it was sent).
const look = (page) => page.evaluate(() => ({
    state: convplay.state(), input: convplay.shapes().input, hash: convplay.outputHash(-1), out: convplay.outputHash(0),
    message: convplay.message(),
}));

// Uploads through the file button (or, drop: a drop onto the page) and waits until the page's
// message names the file and the outputs are shown.
async function upload(page, name, mimeType, buffer, { drop = false } = {}) {
    if (drop) {
        await page.evaluate(({ name, mimeType, bytes }) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
            window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
        }, { name, mimeType, bytes: Array.from(buffer) });
    } else {
        await page.setInputFiles('#file', { name, mimeType, buffer });
    }
    await page.waitForFunction((n) => convplay.message().includes(n), name, { timeout: 30000 });
    await waitSettled(page, 60000);
    return look(page);
}

// Clicks Undo or Redo and waits until the state or the input changed (two uploads of one size
// print the same state).
async function undoRedo(page, which) {
    const shown = await page.evaluate(() => [convplay.state(), convplay.outputHash(-1)]);
    await clickWidget(page, which);
    await page.waitForFunction(([s, h]) => convplay.state() !== s || convplay.outputHash(-1) !== h, shown, { timeout: 30000 });
    await waitSettled(page, 60000);
    return look(page);
}

// The input the page shows for `state` loaded as text (a sample: drawn from the state alone).
async function sampleHash(page, state) {
    assert.ok(await page.evaluate((s) => convplay.setState(s), state));
    await waitSettled(page, 60000);
    return page.evaluate(() => convplay.outputHash(-1));
}

for (const [second, mimeType, buffer, withWorker = true] of [
    ['second.png', 'image/png', makePng(33, 17, { noise: true })], ['onecol.csv', 'text/csv', CSV],
    ['same-size.png', 'image/png', makePng(40, 30, { noise: true })], ['second.png', 'image/png', makePng(33, 17, { noise: true }), false]]) {
    test(`Undo past a second upload (${second}${withWorker ? '' : ', no Worker'}) shows the first upload's state with its own values; Redo the second's`, async () => {
        const { ctx, page } = await open('', { withWorker });
        try {
            const first = await upload(page, 'first.png', 'image/png', makePng(40, 30));
            assert.match(first.state, /in=3x30x40&img=upload/);
            const later = await upload(page, second, mimeType, buffer);
            assert.notEqual(later.hash, first.hash);

            const undone = await undoRedo(page, 'undo');
            assert.equal(undone.state, first.state);
            assert.deepEqual(undone.input, [1, 3, 30, 40]);
            assert.equal(undone.hash, first.hash, 'first.png\'s own values');
            assert.equal(undone.out, first.out, 'layer 1 computed from them');
            assert.equal(undone.message, 'info: Undone.');
            const redone = await undoRedo(page, 'redo');
            assert.equal(redone.state, later.state);
            assert.equal(redone.hash, later.hash, `${second}'s own values`);
            assert.equal(redone.out, later.out);
            // And back again: the history's steps stay as they were.
            assert.equal((await undoRedo(page, 'undo')).hash, first.hash);
            assert.equal((await undoRedo(page, 'undo')).state, STATE);
        } finally {
            await ctx.close();
        }
        assert.deepEqual(pageErrors, []);
    });
}

test('Undo to an upload the page no longer holds shows the photo sample at its size, saying why; Redo still works', async () => {
    const { ctx, page } = await open();
    try {
        // 1-megapixel RGB images: 12 MiB each, so the page keeps two earlier ones (32 MiB) and
        // drops the oldest when a fourth comes.
        const shots = [];
        for (let i = 0; i < 4; i++) shots.push(await upload(page, `big${i}.png`, 'image/png', makePng(1024, 1024 - i, { noise: i % 2 === 1 })));
        for (let i = 2; i >= 1; i--) {
            const back = await undoRedo(page, 'undo');
            assert.equal(back.state, shots[i].state);
            assert.equal(back.hash, shots[i].hash, `big${i}.png's own values`);
        }
        const gone = await undoRedo(page, 'undo');
        assert.equal(gone.state, shots[0].state.replace('img=upload', 'img=photo'));
        assert.equal(gone.message, 'warning: This state was made with an uploaded image, which this page no longer holds: ' +
                                   'showing the photo sample instead. Drop or paste the image to use it again.');
        const photoHash = gone.hash;
        const redone = await undoRedo(page, 'redo');
        assert.equal(redone.hash, shots[1].hash);
        // What Undo showed is the photo sample itself.
        assert.equal(await sampleHash(page, gone.state), photoHash);
    } finally {
        await ctx.close();
    }
    assert.deepEqual(pageErrors, []);
});

test('lock=in refuses an upload of another size, saying so, and takes one of the same size', async () => {
    const { ctx, page } = await open('?embed=1&lock=in');
    try {
        const before = await look(page);
        for (const drop of [false, true]) {
            const name = drop ? 'dropped.png' : 'other.png';
            const refused = await upload(page, name, 'image/png', makePng(40, 30), { drop });
            assert.equal(refused.message, `error: 'in' is locked in this embed: ${name} is 3x30x40, the input must stay 3x32x32. The current image is kept.`);
            assert.equal(refused.state, before.state);
            assert.equal(refused.hash, before.hash);
        }
        const same = await upload(page, 'same.png', 'image/png', makePng(32, 32));
        assert.equal(same.state, STATE.replace('img=checker', 'img=upload'));
        assert.notEqual(same.hash, before.hash);
    } finally {
        await ctx.close();
    }
    assert.deepEqual(pageErrors, []);
});

for (const [query, words] of [['?embed=1&lock=img', "'img' is locked in this embed"], ['?embed=1&lock=all', 'This embed is read-only']]) {
    test(`${query.slice(9)} refuses an upload with a message, from the file button or a drop`, async () => {
        const { ctx, page } = await open(query);
        try {
            const before = await look(page);
            for (const drop of [false, true]) {
                const name = drop ? 'dropped.png' : 'picked.png';
                const refused = await upload(page, name, 'image/png', makePng(32, 32), { drop });
                assert.equal(refused.message, `error: ${words}: ${name} was not loaded. The current image is kept.`);
                assert.equal(refused.state, before.state);
                assert.equal(refused.hash, before.hash);
            }
        } finally {
            await ctx.close();
        }
        assert.deepEqual(pageErrors, []);
    });
}
