// The tutorial page (build/site/tutorial.html) in headless Chromium: every number it shows is
// recomputed here with the engine in Node and must match; prose carries no typed digits; the
// explain figures are the engine's grids; the page fits a phone. (The exercise, which needs the
// playground's host API, is checked in embed_host.test.mjs.) Screenshots, a screenful each:
// test-artifacts/tutorial-390-NN.png and tutorial-1280-NN.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../web/engine.mjs';
import { SITE_DIR, ARTIFACTS_DIR, ENGINE_JS } from './engine.mjs';
import { startServer, launch } from './playground_support.mjs';

let server, browser, engine;
const pageErrors = [];

// The rows of an explain text block (the lines under its title), split into cells.
function explainBlock(text, title) {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.startsWith(title));
    assert.ok(i >= 0, `the explain text has a '${title}' block`);
    const rows = [];
    for (let j = i + 1; j < lines.length && lines[j].startsWith('  '); j++) rows.push(lines[j].trim().split(' '));
    return rows;
}

// What a slot NAME:PATH must show, computed here from the engine.
function expected(states, slot) {
    const [name, path] = slot.split(':');
    const state = states[name];
    assert.ok(state, `slot ${slot} names a known state`);
    const parts = path.split('.');
    if (parts[0] === 'explain') {
        assert.equal(parts[2], 'inner');
        const counts = explainBlock(engine.explain(state, Number(parts[1]) - 1), 'Products summed');
        const inner = new Set(counts.slice(1, -1).flatMap((r) => r.slice(1, -1)).map(Number));
        return [...inner].sort((a, b) => a - b).join(', ');
    }
    const v = parts.reduce((o, p) => o[p], engine.shapes(state));
    assert.notEqual(v, undefined, `slot ${slot}: no such value`);
    return Array.isArray(v) ? v.join('×') : String(v);
}

async function openTutorial(width, height) {
    // A browser context each: its own renderer processes, so the WebGL contexts of a closed
    // page's playgrounds do not count against Chromium's limit of active contexts.
    const page = await (await browser.newContext({ viewport: { width, height } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/tutorial.html`);
    await page.waitForSelector('body[data-numbers]', { timeout: 30000 });
    assert.equal(await page.getAttribute('body', 'data-numbers'), 'ready', 'every slot was filled');
    return page;
}

// The page as a reader scrolls through it: one viewport-sized screenshot per screenful, each
// taken once the playgrounds on screen (they load lazily) said ready. (One tall capture does not
// work: headless Chromium repeats the top of the page below 8192 px.)
async function scrollShots(page, prefix) {
    for (const f of readdirSync(ARTIFACTS_DIR)) if (f.startsWith(path.basename(prefix) + '-')) rmSync(path.join(ARTIFACTS_DIR, f));
    const h = page.viewportSize().height;
    for (let i = 0; ; i++) {
        const end = await page.evaluate(([y, h]) => {
            window.scrollTo(0, y);
            return window.scrollY + h >= document.documentElement.scrollHeight - 1;
        }, [i * h, h]);
        // Every playground on screen must be ready; one that is not yet is brought to the middle
        // of the screen until it is (one just coming into view may not have started), then the
        // screenful is shown again.
        const late = await page.evaluate(async (y) => {
            const ready = (el, ms) => new Promise((resolve) => {
                convplay.on(el, 'ready', () => resolve(true));
                setTimeout(() => resolve(false), ms);
            });
            const late = [];
            const onScreen = [...document.querySelectorAll('.embed')].filter((el) => {
                const r = el.getBoundingClientRect();
                return r.bottom > 0 && r.top < innerHeight;
            });
            for (const el of onScreen) {
                if (await ready(el, 1000)) continue;
                el.scrollIntoView({ block: 'center' });
                if (!(await ready(el, 30000))) late.push(el.dataset.name);
            }
            window.scrollTo(0, y);
            return late;
        }, i * h);
        assert.deepEqual(late, [], `playgrounds not ready on screen ${i + 1}`);
        await page.waitForTimeout(400);   // a few frames after ready
        await page.screenshot({ path: `${prefix}-${String(i + 1).padStart(2, '0')}.png`, timeout: 20000 });
        if (end) return i + 1;
    }
}

before(async () => {
    assert.ok(existsSync(path.join(SITE_DIR, 'tutorial.html')), `${SITE_DIR} has no tutorial: run scripts/build.sh site`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    engine = await createEngine({ modulePath: ENGINE_JS });
    server = await startServer();
    browser = await launch();
});

after(async () => {
    await browser?.close();
    server?.proc.kill();
});

test('every number in the tutorial is the engine\'s', async () => {
    const page = await openTutorial(1280, 900);
    const { states, slots } = await page.evaluate(() => {
        const states = JSON.parse(document.getElementById('states').textContent);
        for (const el of document.querySelectorAll('[data-name][data-convplay]')) states[el.dataset.name] = el.dataset.convplay;
        return { states, slots: [...document.querySelectorAll('[data-n]')].map((el) => [el.dataset.n, el.textContent]) };
    });
    assert.ok(slots.length >= 40, `the article has its numbers (${slots.length} slots)`);
    for (const [slot, shown] of slots) assert.equal(shown, expected(states, slot), `slot ${slot}`);
    // The lessons, as the engine states them.
    assert.equal(expected(states, 't3:layers.0.out.2'), '5');
    assert.equal(expected(states, 't3op:layers.0.out.2'), '6');
    assert.equal(expected(states, 'ed256:layers.2.out.2'), '255');
    assert.equal(expected(states, 'ed255k4:layers.2.out.2'), '254');
    assert.equal(expected(states, 'ed255k4fix:layers.2.out.2'), '255');
    assert.notEqual(expected(states, 't3:explain.1.inner'), expected(states, 't4:explain.1.inner'), 'k=3 overlaps unevenly, k=4 evenly');

    // No digit typed in the prose: numbers live in slots, code (parameters, states) and figures.
    const typed = await page.evaluate(() => {
        const skip = 'code, pre, [data-n], figure, script, style, .embed, #exercise-result, #exercise-hint';
        const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
        const bad = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode())
            if (/\d/.test(n.textContent) && !n.parentElement.closest(skip)) bad.push(n.textContent.trim());
        return bad;
    });
    assert.deepEqual(typed, [], 'digits outside slots and code');

    // The explain figures are the engine's grids, cell for cell.
    const figs = await page.$$eval('figure[data-explain]', (fs) => fs.map((f) => ({
        key: f.dataset.explain,
        grids: [...f.querySelectorAll('.grid')].map((g) => [...g.children].map((c) => c.className.replace('cell ', '') + (c.textContent || ''))),
        steps: [...f.querySelectorAll('.steps li')].map((li) => li.textContent),
    })));
    assert.equal(figs.length, 3);
    const glyph = { '#': 'in', o: 'zero', '.': 'pad', '+': 'extra' };
    for (const f of figs) {
        const [name, layer] = f.key.split(':');
        const text = engine.explain(states[name], Number(layer) - 1);
        const counts = explainBlock(text, 'Products summed').flat().map((c) => 'count' + c);
        const grid = explainBlock(text, 'The grid').flat().map((c) => glyph[c]);
        assert.deepEqual(f.grids, [grid, counts], `figure ${f.key}`);
        if (f.steps.length) assert.deepEqual(f.steps, text.split('\n').filter((l) => /^Step \d+\. /.test(l)).map((l) => l.replace(/^Step \d+\. /, '')));
    }
    await page.context().close();
});

test('the tutorial reads on a phone (390 px) and on a desktop (1280 px)', async () => {
    for (const [w, h] of [[390, 844], [1280, 900]]) {
        const page = await openTutorial(w, h);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= w, `no sideways scrolling at ${w} px`);
        const font = await page.$eval('article p', (p) => parseFloat(getComputedStyle(p).fontSize));
        assert.ok(font >= 16, `body text at least 16 px at ${w} px (${font})`);
        const shots = await scrollShots(page, path.join(ARTIFACTS_DIR, `tutorial-${w}`));
        assert.ok(shots >= 5, `${shots} screenfuls at ${w} px`);
        await page.context().close();
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors');
});
