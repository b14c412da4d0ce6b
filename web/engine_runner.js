// convplay playground: the page's side of the engine Worker (engine_worker.js). The app
// (bridge_web.cpp) asks for layers through cpBridge.runLayers; this file forwards the request to
// the Worker, copies each layer's output into the app's buffer (cp_app_output_slot) and tells
// the app it arrived (cp_app_output_done), which bumps that layer's version so only its texture
// is uploaded again. Without a Worker (none in this browser, or it failed to load the engine)
// the app runs the layers itself, a few per frame: the same plan, the same numbers.
//   window.cpRunner.start()          creates the Worker (early: it compiles the engine while the
//                                    app loads); false when this browser cannot
//   window.cpRunner.attach(Module)   once the app's runtime is up: switches the app to the Worker
//   window.cpRunner.runLayers(...)   the app's request (cpBridge.runLayers)
//   window.cpRunner.decode(bytes, channels, name)   an upload decoded in the Worker (the app's
//                                    decoder and budget): a promise of {ok, data, shape, notice} or
//                                    {ok: false, message}; null when there is no Worker
//   window.cpRunner.info()           {mode: 'worker' | 'main', ...counters} for the tests
'use strict';

window.cpRunner = (function () {
    let worker = null, M = null;
    let mode = 'main';
    let sentInput = -1;             // the input version the Worker has
    const info = { accepted: 0, dropped: 0, requests: 0, decoded: 0, worker: null, failure: '' };
    const decoding = new Map();     // id -> resolve
    let nextDecode = 1;

    function fallBack(why) {
        if (worker) worker.terminate();
        worker = null;
        info.failure = why;
        console.warn(`convplay: the engine Worker stopped (${why}); layers now run on the page`);
        if (mode === 'worker' && M) M.ccall('cp_app_set_runner', null, ['number'], [0]);
        mode = 'main';
        // Decodes in flight: the page decodes them itself.
        for (const resolve of decoding.values()) resolve(null);
        decoding.clear();
    }

    function onMessage(e) {
        const d = e.data;
        if (!d || typeof d !== 'object') return;
        if (d.type === 'output' && M) {
            const data = d.data;
            const p = M.ccall('cp_app_output_slot', 'number', ['number', 'number', 'number'], [d.run, d.layer, data.length]);
            if (!p) { info.dropped++; return; }
            M.HEAPF32.set(data, p >> 2);   // read HEAPF32 after the call: memory may have grown
            M.ccall('cp_app_output_done', 'number', ['number', 'number', 'number'], [d.run, d.layer, d.ms]);
            info.accepted++;
        } else if (d.type === 'decoded' && decoding.has(d.id)) {
            info.decoded++;
            decoding.get(d.id)(d);
            decoding.delete(d.id);
        } else if (d.type === 'done') {
            info.worker = d.stats;
        } else if (d.type === 'failed') {
            fallBack(d.message);
        }
    }

    return {
        start() {
            if (typeof Worker !== 'function') return false;
            try {
                worker = new Worker('engine_worker.js');
            } catch (e) {
                worker = null;
                info.failure = String(e && e.message || e);
                return false;
            }
            worker.onmessage = onMessage;
            worker.onerror = (e) => { e.preventDefault(); fallBack(e.message || 'error'); };
            return true;
        },
        attach(Module) {
            M = Module;
            if (!worker) return;
            mode = 'worker';
            M.ccall('cp_app_set_runner', null, ['number'], [1]);
        },
        runLayers(run, state, from, inputPtr, n, inputVersion) {
            if (!worker) return;
            info.requests++;
            const msg = { type: 'run', run, state, from, inputVersion };
            const transfer = [];
            if (inputVersion !== sentInput) {
                msg.input = M.HEAPF32.slice(inputPtr >> 2, (inputPtr >> 2) + n);
                transfer.push(msg.input.buffer);
                sentInput = inputVersion;
            }
            worker.postMessage(msg, transfer);
        },
        decode(bytes, channels, name) {
            if (!worker) return null;
            const id = nextDecode++;
            return new Promise((resolve) => {
                decoding.set(id, resolve);
                worker.postMessage({ type: 'decode', id, bytes, channels, name }, [bytes.buffer]);
            });
        },
        info: () => ({ mode, ...info }),
    };
})();
