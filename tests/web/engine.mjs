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
// which Node 20's fetch rejects (docs/toolchain.md, trap 2).
export async function loadEngine(js = ENGINE_JS) {
    if (!existsSync(js)) {
        throw new Error(`${js} is missing: build it with scripts/build.sh wasm`);
    }
    const require = createRequire(import.meta.url);
    const createConvplayModule = require(js);
    const wasmBinary = readFileSync(js.replace(/\.js$/, '.wasm'));
    return createConvplayModule({ wasmBinary, print: () => {}, printErr: () => {} });
}

// cp_shapes_json(text) -> JSON text: the page's own wrapper.
export { shapesJson } from '../../web/engine.mjs';

// The state a first visit shows, as the engine defines it (cp_default_state).
export function defaultState(M) {
    return M.UTF8ToString(M._cp_default_state());
}
