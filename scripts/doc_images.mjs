// scripts/doc_images.mjs: makes the README's pictures of the playground's main layouts
// (docs/img/layout-*.png) from Playwright screenshots of build/site (run scripts/build.sh site
// first): node scripts/doc_images.mjs. Each picture must stay under 150 KB (checked here).
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../tests/web/engine.mjs';
import { DEFAULT_STATE, startServer, launch, waitReady, waitSettled } from '../tests/web/playground_support.mjs';

const OUT = path.join(ROOT, 'docs/img');
const MAX_BYTES = 150 * 1024;
// name, viewport, query flags, touch (a phone)
const LAYOUTS = [
    ['full-1100x660', 1100, 660, '', false],
    ['phone-360x720', 360, 720, '', true],
    ['embed-default-700x450', 700, 450, 'embed=1', false],
    ['embed-explain-640x420', 640, 420, 'embed=1&panels=explain&layer=3', false],
    ['embed-map-shapes-560x380', 560, 380, 'embed=1&panels=map,shapes&layer=3&lock=all', false],
];

mkdirSync(OUT, { recursive: true });
const { proc, url } = await startServer();
const browser = await launch();
let failed = false;
try {
    for (const [name, width, height, query, touch] of LAYOUTS) {
        const context = await browser.newContext({ viewport: { width, height }, hasTouch: touch, isMobile: touch });
        const page = await context.newPage();
        await page.goto(`${url}/index.html${query ? '?' + query : ''}#${DEFAULT_STATE}`);
        await waitReady(page);
        await waitSettled(page);
        await page.evaluate(() => convplay.redraw(3));
        await page.waitForTimeout(300);
        const file = path.join(OUT, `layout-${name}.png`);
        await page.screenshot({ path: file });
        const bytes = statSync(file).size;
        console.log(`${path.relative(ROOT, file)}: ${width}x${height}, ${(bytes / 1024).toFixed(0)} KB`);
        if (bytes > MAX_BYTES) {
            console.error(`  more than ${MAX_BYTES / 1024} KB: make the viewport smaller`);
            failed = true;
        }
        await context.close();
    }
} finally {
    await browser.close();
    proc.kill();
}
process.exit(failed ? 1 : 0);
