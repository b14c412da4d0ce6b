// convplay playground: the page's side of the engine Worker (engine_worker.js). The app
// (bridge_web.cpp) asks for layers through cpBridge.runLayers; this file forwards the request to
// the Worker, copies each layer's output into the app's buffer (cp_app_output_slot) and tells
// the app it arrived (cp_app_output_done), which bumps that layer's version so only its texture
// is uploaded again. Without a Worker (none in this browser, or it failed to load the engine)
// the app runs the layers itself, a few per frame: the same plan, the same numbers.
//   window.cpRunner.start()          creates the Worker (early: it compiles the engine while the
//                                    app loads) and has it run the state of the page's link at
//                                    once (in the Worker's name); false when this browser cannot.
//                                    Those outputs wait here (PRE_CAP floats at most) for the app's
//                                    first request, which then gets them within its own frame
//                                    Called from index.html's head, so the Worker starts (which
//                                    takes a free moment of the main thread) before the app's
//                                    start-up holds that thread; later calls change nothing
//   window.cpRunner.whenStarted(ms)  a promise: the Worker's script runs (or `ms` passed, or
//                                    there is no Worker); the app's start waits for it
//   window.cpRunner.whenPreDone(ms)  a promise: the link's layers are here (or the Worker stopped
//                                    running them, or `ms` passed); the app's first frame waits
//                                    for it, so that it shows them
//   window.cpRunner.attach(Module)   once the app's runtime is up: switches the app to the Worker
//   window.cpRunner.runLayers(...)   the app's request (cpBridge.runLayers)
//   window.cpRunner.cancel()         the user's Stop (cpBridge.stopLayers): a run in flight ends at
//                                    once (its Worker is replaced by the spare); nothing is asked
//                                    again until the app's next request
//   window.cpRunner.decode(bytes, channels, name)   an upload decoded in the Worker (the app's
//                                    decoder and budget): a promise of {ok, id, data, shape, ranges,
//                                    notice} or {ok: false, message}; null when there is no Worker.
//                                    The Worker keeps the last one's values once the page gives
//                                    them back (keep): while the app's input is that upload (its
//                                    id, the app's input source) they are not sent again
//   window.cpRunner.keep(id, data)   decode `id`'s values, copied into the app's memory: back to
//                                    the Worker (transferred), which keeps them
//   window.cpRunner.piece            the most floats the page copies into its memory in one task
//   window.cpRunner.info()           {mode: 'worker' | 'main', running: the layer the Worker
//                                    runs (0-based) or -1, threads, isolated, build, ...counters}
//                                    for the tests (threads: what the Worker's engine runs each
//                                    layer on, from its ready message; 1 on the page)
'use strict';

window.cpRunner = (function () {
    // A spare Worker waits with its engine loaded, so replacing one costs no start-up.
    let worker = null, spare = null, M = null;
    let mode = 'main';
    let sentInput = -1;             // the input version the Worker has
    let keptUpload = 0;             // the decode id whose values the Worker keeps (0: none)
    let lastDecoded = 0;            // the id of the Worker's last decode that succeeded (0: none)
    // The layer the Worker is running ({layer, at, stale}); a stale one still running after
    // RESTART_MS is abandoned: the Worker is replaced (a fresh one loads in a few hundred ms and
    // recomputes what the app still lacks), since the kernels cannot stop inside a layer.
    let running = null, restartTimer = 0;
    const RESTART_MS = 250;
    let spareTimer = 0;
    const SPARE_DELAY_MS = 1000;
    // The most floats the page copies into its memory in one task (an output's piece, an upload's):
    // 1 MB, whatever the layer's size. Copied into memory the app has just grown (a bigger stack),
    // each page is touched first: 4 MB took 2-70 ms where the same copy again took 0.3 ms (10 MB
    // upload, load 4-5). Not smaller: under load 7-11 a piece's task took 20-38 ms at 1 MB and
    // 23-33 ms at 256 KB, the loaded CPU's time, not the copy's.
    const PIECE = 1 << 18;
    // The most floats of the link's outputs kept here for the app's first request, copied into its
    // memory in that request's task, the first frame's (4 MB, what a frame uploads:
    // MapCache::kFrameUploadBytes; the default state's layers are 2.9 MB); the layers after them
    // come from the Worker when it asks, a piece a task. That memory is new, every page of it
    // touched first: 16 MB (the cap before; in=3x1024x1024's first layer) took 11-60 ms there
    // (load 3.5-5), inside a first frame already of 107-196 ms. (The app takes layers in order
    // only, so the page cannot copy them itself after the Worker's later ones.)
    const PRE_CAP = 1 << 20;
    // The link's state as the Worker ran it before the app asked ({state, layers: [{data, ranges,
    // ms, kernel}]}), until the app's first request takes it; null after.
    let pre = null;
    // lastRun: the run last asked for; doneRun: the last run the Worker finished (its counters,
    // `worker`, are as of that run).
    // threads / isolated / build: the Worker's ready message (engine_worker.js).
    const engine = { threads: 1, isolated: false, build: '' };
    // inputsCopied / inputsNamed: inputs sent as values copied out of the app's memory, or as the
    // id of an upload the Worker kept (no copy); uploadsKept: decoded uploads whose values went
    // back to the Worker once copied in (keep); rangesTaken: outputs that came with their ranges;
    // pieces: output pieces copied in (a layer of more than PIECE floats comes in several);
    // givenBack / buffersDropped: their buffers given back to the Worker / dropped here (only those
    // of a Worker that stopped); info().held: those not given back yet.
    // copyMs: this page's milliseconds taking output pieces in (copies, ranges, the app's calls),
    // summed; workMs / kernelsMs: the Worker's own milliseconds for doneRun, and the part of
    // them in the kernels (its 'done' message).
    // inputsDrawn: inputs the Worker drew itself (the state's own image: no values sent); preTaken:
    // layers of the link's state that were ready when the app first asked; startedAt / readyAt /
    // preAt: when (this page's performance.now() clock, read in the Worker: this thread may hear
    // of it much later) the Worker's script began, its engine was loaded, and it sent the last of
    // those layers.
    const info = { accepted: 0, dropped: 0, requests: 0, decoded: 0, layersRun: 0, superseded: 0, restarts: 0, refused: 0, resent: 0,
                   cancelled: 0, inputsCopied: 0, inputsNamed: 0, inputsDrawn: 0, uploadsKept: 0, rangesTaken: 0, pieces: 0, preTaken: 0,
                   startedAt: 0, readyAt: 0, preAt: 0, lastRun: 0, doneRun: 0, worker: null, failure: '',
                   copyMs: 0, workMs: 0, kernelsMs: 0, givenBack: 0, buffersDropped: 0 };
    // Buffers of output pieces copied in: every one goes back to the Worker, which copies later
    // pieces into them (engine_worker.js `recycle`) and keeps at most RECYCLE_MAX (the largest),
    // so this page drops none. A dropped one is garbage of this thread's heap: when the page kept
    // 24, the 20 of a 10 MB upload's 44 pieces it dropped made V8 run an 'external memory
    // pressure' major GC on this thread in every upload traced (5 of 5, load 5); the ones the
    // Worker drops are collected on its own thread. They go back a few at a time
    // (GIVE_BACK_BATCH) and at each layer's last piece, so the Worker has them for its next
    // layers, rather than with the next request (a big stack's whole run would wait here).
    // 24 MB of pieces: a whole-stack edit of the default stack at 512x512 (11 pieces) makes none.
    let giveBack = [];
    const RECYCLE_MAX = (24 << 20) / (4 * PIECE);
    const GIVE_BACK_BATCH = 4;
    // The buffers to give back now, counted as given (a 'recycle' message or a request's `recycle`).
    function handBack() {
        const buffers = giveBack;
        info.givenBack += buffers.length;
        giveBack = [];
        return buffers;
    }
    function keepForWorker(buffer, now) {
        giveBack.push(buffer);
        if (worker && (now || giveBack.length >= GIVE_BACK_BATCH)) {
            const buffers = handBack();
            toWorker({ type: 'recycle', buffers, recycleMax: RECYCLE_MAX, piece: PIECE }, buffers);
        }
    }
    // The app's request is posted once the app's frame that made it has returned (a microtask),
    // not from inside it. Posted at once, the Worker it woke often ran in the middle of that frame
    // (on this VM a woken thread is queued on its waker's core: bench/README.md, "Waking a
    // thread"): the frame's call that asks for the layers (0.1-0.2 ms) took 1-38 ms in 28 of 80
    // edits at load 10-13, against 2 of 80 (at most 2.7 ms) posted after the frame (a build timing
    // each frame's parts, 2026-12-03). The cost: the Worker starts after the rest of the frame
    // (a mouse edit's request reached it 1.9-2.1 ms after the edit, against 1.2; load 9-11).
    // Every other message to the Worker goes after it (toWorker), so their order is unchanged.
    let queued = null;   // {w, msg, transfer}: the request not posted yet
    function flushRequest() {
        const q = queued;
        queued = null;
        // Every swap of the Worker goes through stop(), which flushes first; q.w keeps a request
        // from reaching another Worker should a later path swap it without stop().
        if (q && q.w === worker) q.w.postMessage(q.msg, q.transfer);
    }
    function toWorker(msg, transfer) {
        flushRequest();
        worker.postMessage(msg, transfer);
    }
    let started = null, startedResolve = null;   // whenStarted()'s promise, and its resolve
    let preDone = null, preDoneResolve = null;   // whenPreDone()'s
    const decoding = new Map();     // id -> resolve
    let nextDecode = 1;

    // Drops the Worker; decodes in flight are then done on the page.
    function stop() {
        flushRequest();   // as if posted at once: the Worker that stops had it
        if (worker) worker.terminate();
        worker = null;
        running = null;
        clearTimeout(restartTimer);
        info.buffersDropped += giveBack.length;   // made by the Worker that stopped: a new one starts without them
        giveBack = [];
        sentInput = -1;
        keptUpload = 0;
        lastDecoded = 0;
        for (const resolve of decoding.values()) resolve(null);
        decoding.clear();
    }

    // Drops the Worker (and the layer it computes: the kernels cannot stop inside one) for the
    // spare, whose engine is loaded. False when no Worker could take its place.
    function swap() {
        stop();
        worker = spare || spawn();
        spare = null;
        if (!worker) fallBack('it could not be started again');
        return !!worker;
    }

    function restart() {
        info.restarts++;
        if (!swap()) return;
        // The app asks again (from the layers it lacks, with its input): cp_app_set_runner resets it.
        M.ccall('cp_app_set_runner', null, ['number'], [1]);
    }

    // Restarts once the stale layer has run RESTART_MS, else checks again when it will have. A
    // timer may fire a little before performance.now() says its delay passed (seen: 0.5 ms), so
    // the check is made again rather than trusted to the timer.
    function abandonIfStale() {
        if (!running || !running.stale) return;
        const left = running.at + RESTART_MS - performance.now();
        clearTimeout(restartTimer);
        if (left > 0) restartTimer = setTimeout(abandonIfStale, left + 1);
        else restart();
    }

    // A new Worker, or null; it is heard only once it is `worker` (a spare's messages are dropped).
    // pre: {link, cap}, the state it runs at once (engine_worker.js), in its name: a message to a
    // new Worker waits until this thread is free to hear that the Worker's script ran, and the
    // app's start-up holds this thread for a long while.
    function spawn(pre) {
        let w;
        try {
            w = new Worker('engine_worker.js', pre ? { name: JSON.stringify(pre) } : {});
        } catch (e) {
            info.failure = String(e && e.message || e);
            return null;
        }
        w.onmessage = (e) => { if (worker === w) onMessage(e); };
        w.onerror = (e) => {
            e.preventDefault();
            if (worker === w) fallBack(e.message || 'error');
            else if (spare === w) spare = null;
        };
        return w;
    }

    // The app shows the thread count (App::engine_text).
    function tellEngine() {
        if (M) M.ccall('cp_app_set_engine_threads', null, ['number', 'number'], [engine.threads, engine.isolated ? 1 : 0]);
    }

    function fallBack(why) {
        stop();
        if (spare) spare.terminate();
        spare = null;
        clearTimeout(spareTimer);
        spareTimer = 0;
        info.failure = why;
        if (startedResolve) startedResolve();   // the app's start waits for no Worker now
        if (preDoneResolve) preDoneResolve();
        console.warn(`convplay: the engine Worker stopped (${why}); layers now run on the page`);
        if (mode === 'worker' && M) M.ccall('cp_app_set_runner', null, ['number'], [0]);
        mode = 'main';
    }

    // When a Worker's message says it happened (its `when`: ms since the epoch), on this page's clock.
    const workerTime = (d) => (typeof d.when === 'number' ? d.when - performance.timeOrigin : performance.now());

    // A layer's values are all in the app's memory: its ranges (from the Worker) and the news.
    function arrived(run, layer, { ranges, ms, kernel }) {
        const r = ranges && M.ccall('cp_app_output_ranges_slot', 'number', ['number', 'number', 'number'], [run, layer, ranges.length]);
        if (r) {
            M.HEAPF32.set(ranges, r >> 2);
            info.rangesTaken++;
        }
        M.ccall('cp_app_output_done', 'number', ['number', 'number', 'number', 'string'], [run, layer, ms, String(kernel || '')]);
        info.accepted++;
    }

    // Layer `layer` of the link's run (kept: {data, ranges, ms, kernel}) as layer `layer` of the
    // app's run `run`, copied in now, a piece at a time as the Worker's would be. False when the
    // app does not want it.
    function takeKept(run, layer, kept) {
        const t0 = performance.now();
        const total = kept.data.length;
        const p = M.ccall('cp_app_output_slot', 'number', ['number', 'number', 'number'], [run, layer, total]);
        if (!p) return false;
        let at = 0;
        do {
            M.HEAPF32.set(kept.data.subarray(at, at + PIECE), (p >> 2) + at);
            info.pieces++;
            at += PIECE;
        } while (at < total);
        // Given back like a piece's (not a view of the Worker's shared memory: nothing to give), even
        // when too big for a piece: the Worker then drops it (engine_worker.js `recycle`), garbage
        // of its thread, not of this one.
        if (kept.data.buffer instanceof ArrayBuffer) keepForWorker(kept.data.buffer);
        arrived(run, layer, kept);
        info.preTaken++;
        info.copyMs += performance.now() - t0;
        return true;
    }

    function onMessage(e) {
        const d = e.data;
        if (!d || typeof d !== 'object') return;
        if (d.type === 'started') {
            if (!info.startedAt) info.startedAt = workerTime(d);
            if (startedResolve) startedResolve();
        } else if (d.type === 'predone') {
            if (preDoneResolve) preDoneResolve();
        } else if (d.type === 'ready') {
            Object.assign(engine, { threads: d.threads, isolated: d.isolated, build: d.build });
            if (!info.readyAt) info.readyAt = workerTime(d);
            tellEngine();
        } else if (d.type === 'output' && d.pre) {
            // The link's state, run before the app asked: kept until its first request.
            if (pre && pre.state === d.pre && d.layer === pre.layers.length) {
                pre.layers.push({ data: d.data, ranges: d.ranges, ms: d.ms, kernel: d.kernel });
                info.preAt = workerTime(d);
            }
        } else if (d.type === 'output' && M) {
            // One piece of the layer's values (engine_worker.js), each in a task of its own; the
            // slot is asked for again each time (a newer state in between drops the rest).
            const t0 = performance.now();
            const data = d.data, last = d.at + data.length >= d.total;
            const p = M.ccall('cp_app_output_slot', 'number', ['number', 'number', 'number'], [d.run, d.layer, d.total]);
            if (p) M.HEAPF32.set(data, (p >> 2) + d.at);   // read HEAPF32 after the call: memory may have grown
            // Its buffer goes back to the Worker (keepForWorker: a few at a time, at once after the
            // layer's last piece), which copies later pieces into it; a view of the Worker's shared
            // memory (its threaded build) has nothing to give back.
            if (data.buffer instanceof ArrayBuffer && data.buffer.byteLength) keepForWorker(data.buffer, last);
            const t1 = performance.now();
            info.copyMs += t1 - t0;
            if (!p) { if (last) info.dropped++; return; }
            info.pieces++;
            if (!last) return;
            arrived(d.run, d.layer, d);
            info.copyMs += performance.now() - t1;
        } else if (d.type === 'decoded' && decoding.has(d.id)) {
            info.decoded++;
            // keptUpload stays until keep() gives this one's values back: the Worker keeps the
            // earlier upload until then, and the app's input is still that one.
            lastDecoded = d.ok ? d.id : 0;
            decoding.get(d.id)(d);
            decoding.delete(d.id);
        } else if (d.type === 'start') {
            // pre: the link's state, run before the app asked (of use to a request for that state).
            // at: when the layer started in the Worker, not when this busy page heard of it (after
            // the outputs before it and a frame): RESTART_MS counts from the layer's real start.
            running = { layer: d.layer, at: workerTime(d), stale: false, pre: d.pre || null };
            if (d.pre && pre && pre.state !== d.pre) pre = { state: d.pre, layers: [] };
        } else if (d.type === 'end') {
            running = null;
            info.layersRun++;
        } else if (d.type === 'superseded') {
            info.superseded++;
        } else if (d.type === 'done') {
            info.worker = d.stats;
            info.doneRun = d.run;
            info.workMs = d.work;
            info.kernelsMs = d.kernels;
            // The spare loads a while after a run ended, not while the page starts nor while the
            // first outputs are drawn (2 cores: compiling its engine would compete with both).
            if (!spare && !spareTimer) spareTimer = setTimeout(() => { spareTimer = 0; if (!spare) spare = spawn(); }, SPARE_DELAY_MS);
        } else if (d.type === 'refused') {
            info.refused++;
            sentInput = -1;   // a refused request's input was not taken
            M.ccall('cp_app_run_refused', null, ['number', 'string'], [d.run, String(d.message)]);
        } else if (d.type === 'resend') {
            // The request named an upload the Worker does not keep: the app asks again, and the
            // input goes as values (nothing was computed for it).
            info.resent++;
            sentInput = -1;
            keptUpload = 0;
            M.ccall('cp_app_set_runner', null, ['number'], [1]);
        } else if (d.type === 'failed') {
            fallBack(d.message);
        }
    }

    return {
        start() {
            if (started) return !!worker;
            started = new Promise((resolve) => { startedResolve = resolve; });
            // Not for a page nobody sees (the app runs nothing while it is hidden), nor inside a
            // frame: an embed may be scrolled out of view, and runs no layers until it is seen
            // (docs/embed.md; a host page may hold several).
            const early = !document.hidden && window.self === window.top;
            worker = typeof Worker === 'function' ? spawn(early ? { link: location.hash.replace(/^#/, ''), cap: PRE_CAP } : null) : null;
            if (!worker) startedResolve();
            if (worker && early) {
                preDone = new Promise((resolve) => { preDoneResolve = resolve; });
                pre = { state: '', layers: [] };
            }
            return !!worker;
        },
        whenPreDone(ms) {
            if (!preDone) return Promise.resolve();
            return Promise.race([preDone, new Promise((resolve) => setTimeout(resolve, ms))]);
        },
        whenStarted(ms) {
            if (!started) return Promise.resolve();
            return Promise.race([started, new Promise((resolve) => setTimeout(resolve, ms))]);
        },
        attach(Module) {
            M = Module;
            if (!worker) return;
            mode = 'worker';
            M.ccall('cp_app_set_runner', null, ['number'], [1]);
            tellEngine();
        },
        runLayers(run, state, from, changedFrom, inputPtr, n, inputVersion, inputSource, sample) {
            if (!worker) return;
            info.requests++;
            info.lastRun = run;
            // The app's first request: the layers the Worker already ran for this state (the
            // link's, with the state's own image) go into its memory now, inside the frame that
            // asked, which then draws them; the Worker is asked for the rest.
            const kept = pre;
            pre = null;
            if (kept && sample && kept.state === state) {
                while (from < kept.layers.length && takeKept(run, from, kept.layers[from])) from++;
            }
            // A layer of the link's run is of use to a request for the same state and image.
            if (running && running.layer >= changedFrom && !(running.pre && running.pre === state && sample)) {
                // The layer being computed is of no use to this request.
                running.stale = true;
                const restarts = info.restarts;
                abandonIfStale();
                // Replaced: the app asks the new Worker on its next frame.
                if (info.restarts !== restarts) return;
            }
            const recycle = handBack();
            const msg = { type: 'run', run, state, from, piece: PIECE, inputVersion, recycle, recycleMax: RECYCLE_MAX };
            const transfer = recycle.slice();
            if (inputVersion !== sentInput) {
                if (sample) {
                    msg.sample = true;   // the state's own image: the Worker draws it
                    info.inputsDrawn++;
                } else if (inputSource && inputSource === keptUpload) {
                    msg.upload = inputSource;   // the Worker decoded these values and kept them
                    info.inputsNamed++;
                } else {
                    msg.input = M.HEAPF32.slice(inputPtr >> 2, (inputPtr >> 2) + n);
                    transfer.push(msg.input.buffer);
                    info.inputsCopied++;
                }
                sentInput = inputVersion;
            }
            flushRequest();
            queued = { w: worker, msg, transfer };
            Promise.resolve().then(flushRequest);
        },
        cancel() {
            // Asked only while the app waits for layers; a run between layers would go on to the
            // next one, so the Worker is swapped in either case.
            if (!worker) return;
            info.cancelled++;
            swap();
        },
        decode(bytes, channels, name) {
            if (!worker) return null;
            const id = nextDecode++;
            return new Promise((resolve) => {
                decoding.set(id, resolve);
                toWorker({ type: 'decode', id, bytes, channels, name }, [bytes.buffer]);
            });
        },
        // The values of decode `id` (its data), copied into the app's memory: back to the Worker,
        // which keeps them (no copy of its own) so that an input that is this upload need not be
        // sent again. Only for the Worker that decoded them, and the last decode.
        keep(id, data) {
            if (!worker || !(data instanceof Float32Array) || !(data.buffer instanceof ArrayBuffer) || id !== lastDecoded) return;
            toWorker({ type: 'keep', id, data }, [data.buffer]);
            keptUpload = id;
            info.uploadsKept++;
        },
        piece: PIECE,
        info: () => ({ mode, ...(mode === 'worker' ? engine : { threads: 1, isolated: false, build: '' }), ...info,
                       running: running ? running.layer : -1, held: giveBack.length }),
    };
})();
