// The benchmark under Node: node bench/node.mjs [options] (scripts/bench.sh node runs it).
// Loads our engine (createEngine from web/engine.mjs), tfjs + tfjs-backend-wasm (non-threaded SIMD
// binary, checked), onnxruntime-web (wasm, 1 thread) and the ceiling module, then runs harness.mjs
// and prints report.mjs's table.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { installWasmSpy, wasmLoaded, runBench } from './harness.mjs';
import { ROOT, parseArgs, wasmCandidates, nameWasm, loadText, cpuModel, cpuSnapshot, cpuBusyText, finishRun } from './node-util.mjs';

const args = parseArgs(process.argv.slice(2));
if (args.threads > 1) throw new Error('--threads: the threaded table runs in Chromium only (bench/browser.mjs)');
const spy = installWasmSpy();  // before any peer loads its wasm
const require = createRequire(import.meta.url);
const loadBefore = loadText();

const { createEngine } = await import('../web/engine.mjs');
const engine = await createEngine({ modulePath: path.join(args.build, 'convplay_engine.js') });
const ceilingJs = path.join(args.build, 'bench/convplay_ceiling.js');
const ceiling = await require(ceilingJs)({ wasmBinary: readFileSync(ceilingJs.replace(/\.js$/, '.wasm')) });
spy.seen.length = 0;  // only the peers' binaries from here on

let tf = null, ort = null;
const details = {};
if (args.peers.includes('xnnpack')) {
    tf = await import('@tensorflow/tfjs');
    const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
    // Threads off (tfjs never uses them under Node anyway); SIMD on: the wasm backend then loads
    // tfjs-backend-wasm-simd.wasm, which the spy confirms by its SHA-256.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    tfwasm.setWasmPaths(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
    await tf.ready();
    details.tfjs = `${tf.version.tfjs}, backend ${tf.getBackend()}, SIMD flag ${tf.env().get('WASM_HAS_SIMD_SUPPORT')}, ` +
                   `threads flag ${tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')}`;
}
if (args.peers.includes('ort')) {
    ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = path.join(ROOT, 'node_modules/onnxruntime-web/dist/');
    // Load ORT's runtime now (the self-test's 1x1 conv), so its wasm shows up below before the layers run.
    const { ortSelfTest } = await import('./onnx.mjs');
    details.ort = await ortSelfTest(ort);
}
if (args.peers.length) details['wasm loaded by the peers'] = '\n    ' + nameWasm(await wasmLoaded(spy), wasmCandidates(args.build)).join('\n    ');

const cpu0 = cpuSnapshot();
const result = await runBench({ engine, tf, ort, ceiling }, args.bench, (s) => console.error(s));
const cpu1 = cpuSnapshot();
const loadAfter = loadText();
const envInfo = {
    name: `Node ${process.versions.node} (V8 ${process.versions.v8})`,
    details: { cpu: cpuModel(), 'load average before': loadBefore, 'load average after': loadAfter,
               'machine CPU busy during the benchmark': cpuBusyText(cpu0, cpu1), ...details },
};
if (finishRun(result, envInfo, args)) process.exitCode = 1;
