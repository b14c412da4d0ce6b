// Shared by the Node tests: paths of the built artefacts and a loader for the wasm engine.
// Not a test file itself (node --test runs only *.test.mjs here).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// scripts/test.sh builds these; the variables let a test run against another build folder.
export const ENGINE_JS = process.env.CONVPLAY_ENGINE_JS ?? path.join(ROOT, 'build/wasm/convplay_engine.js');
export const SITE_DIR = process.env.CONVPLAY_SITE_DIR ?? path.join(ROOT, 'build/site');
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts');

// Loads convplay_engine.js (MODULARIZE, CommonJS under Node) and instantiates it. The .wasm
// bytes are handed over directly: Emscripten 3.1.6 would otherwise fetch() the file path,
// which Node 20's fetch rejects (toolchain.md, trap 2).
export async function loadEngine() {
    if (!existsSync(ENGINE_JS)) {
        throw new Error(`${ENGINE_JS} is missing: build it with scripts/build.sh wasm`);
    }
    const require = createRequire(import.meta.url);
    const createConvplayModule = require(ENGINE_JS);
    const wasmBinary = readFileSync(ENGINE_JS.replace(/\.js$/, '.wasm'));
    return createConvplayModule({ wasmBinary, print: () => {}, printErr: () => {} });
}

// cp_shapes_json(text) -> JSON text, with the input copied through malloc like the page does.
export function shapesJson(M, text) {
    const size = M.lengthBytesUTF8(text) + 1;
    const ptr = M._malloc(size);
    try {
        M.stringToUTF8(text, ptr, size);
        return M.UTF8ToString(M._cp_shapes_json(ptr));
    } finally {
        M._free(ptr);
    }
}
