// Loading the engines in a benchmark page (bench/page.mjs, bench/spin.mjs): classic scripts (the
// page's own loader, web/engine.mjs), our threaded build, and the peers set up as the tables run them.
import { loadScript } from '/web/engine.mjs';

export { loadScript };

// Our threaded build (/build-threads/, a cross-origin isolated page) on `threads` threads.
export async function loadThreadedEngine(createEngine, threads) {
    const mt = new URL('/build-threads/convplay_engine_mt.js', location.href).href;
    await loadScript(mt);
    const engine = await createEngine({ factory: globalThis.createConvplayModule, threads, moduleArgs: { mainScriptUrlOrBlob: mt } });
    if (engine.threads !== threads) throw new Error(`the threaded engine gave ${engine.threads} threads, not ${threads}`);
    return engine;
}

// tfjs with its wasm backend (XNNPACK), SIMD on; on more than one thread its threaded SIMD build.
export async function loadTf(threads) {
    await loadScript('/node_modules/@tensorflow/tfjs/dist/tf.min.js');
    await loadScript('/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
    const tf = globalThis.tf;
    // Single thread: no cross-origin isolation, so no threads anyway; the flag makes it
    // explicit. Threaded: the threaded SIMD build (tfjs-backend-wasm-threaded-simd.wasm).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    if (threads > 1) {
        // tfjs caps XNNPACK's pool at half the logical cores (it assumes two hardware threads
        // per core), so on a 2-core machine setThreadsCount(2) runs 1 thread. The page says
        // it has twice the threads asked for; the check after tf.ready() says if it took.
        Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
        tf.wasm.setThreadsCount(threads);
    }
    tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
    await tf.ready();
    if (threads > 1 && tf.wasm.getThreadsCount() !== threads)
        throw new Error(`tfjs runs XNNPACK on ${tf.wasm.getThreadsCount()} threads, not ${threads}`);
    return tf;
}

// onnxruntime-web, wasm execution provider, SIMD on, on `threads` threads.
export async function loadOrt(threads) {
    const ort = await import('/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs');
    Object.assign(ort.env.wasm, { numThreads: threads, simd: true, proxy: false, wasmPaths: '/node_modules/onnxruntime-web/dist/' });
    return ort;
}
