// convplay playground: the page's side of the bridge (src/platform/bridge_web.cpp calls
// window.cpBridge; this file calls the exported cp_app_* functions).
//   - Module configuration for convplay_app.js (canvas, errors)
//   - uploads: the hidden file input, drag and drop onto the page, paste (image or text)
//   - the share link: the fragment is written by the app when an edit ends; a fragment changed
//     by the user (or Back) is sent to the app
//   - keyboard: the canvas is in the tab order (a focus ring shows when Tab brings it); with SDL's
//     keyboard element hint keys go to the app only while it has focus; Tab leaves and Escape
//     hands focus back (to the host page in an iframe) unless the app is using the keys
//   - the wheel and touch: in an iframe the wheel scrolls the host page unless the app can use it
//     (an armed zoomable view, a window that can still scroll once the frame has focus); a
//     vertical swipe scrolls, a horizontal drag or a tap works the widgets, a pinch zooms a map
//   - visibility: no frames while the page is hidden or the frame is out of view
//   - WebGL context loss: a notice while the context is lost
//   - the host API: checked messages from window.parent -> the app; the app's messages -> host
//   - downloads: one function (cpBridge.download) for every file the app hands the user
//   - a screen-reader summary of the shape table
//   - the engine Worker that computes the layers (engine_runner.js; without one, the app does)
//   - window.convplay: small hooks the browser tests and tests/web/ui_timing.mjs read
'use strict';

(function () {
    const canvas = document.getElementById('canvas');
    const fileInput = document.getElementById('file');
    const loading = document.getElementById('loading');
    const dropHint = document.getElementById('drop-hint');
    const fatalBox = document.getElementById('fatal');
    let ownHash = location.hash;        // the fragment the app wrote last (not a user change)
    let runtimeReady = false;
    const inFrame = window.parent !== window;
    let config = null;                  // the app's parsed query flags and limits (cp_app_embed_config)

    function showFatal(text) {
        fatalBox.textContent = text;
        fatalBox.hidden = false;
        loading.hidden = true;
    }

    // WebGL context loss: the app stops drawing and makes its GL objects again once the browser
    // restores the context (src/platform/main.cpp, which also calls preventDefault so that it
    // may); meanwhile the canvas is blank, so say why.
    const glLost = document.getElementById('gl-lost');
    canvas.addEventListener('webglcontextlost', () => { glLost.hidden = false; });
    canvas.addEventListener('webglcontextrestored', () => { glLost.hidden = true; });

    // No WebGL2: say so rather than leave a blank page. Only the interface is looked for: making
    // a context to test costs a second GPU context (about 250 ms of the main thread with software
    // GL); a browser that has the interface but refuses a context is reported by the app
    // (src/platform/main.cpp) when it asks for its own.
    if (typeof WebGL2RenderingContext === 'undefined') {
        showFatal('This page needs WebGL2, which this browser does not provide.');
    }

    // The engine Worker (engine_runner.js, started from index.html's head) loads the engine and
    // runs the link's state while the app loads.
    const runnerStarted = !!window.cpRunner && window.cpRunner.start();
    // The app's start-up (main(): the GL context, a long synchronous wait on the GPU process)
    // waits until the Worker runs, since starting it needs a free moment of this thread; at most
    // this long (a Worker that is slow to start must not hold the first frame back much).
    const WORKER_START_WAIT_MS = 300;
    // The first frame waits (at most this long) for the link's layers the Worker is running, so
    // that it shows them: under software GL each frame costs the GPU process 100-300 ms, and a
    // first frame drawn without them delays the one that has them by as much.
    const PRE_WAIT_MS = 500;
    let holdFirstFrame = runnerStarted;

    window.Module = {
        canvas,
        print: (t) => console.log(t),
        printErr: (t) => console.warn(t),
        onRuntimeInitialized() {
            runtimeReady = true;
            if (runnerStarted) {
                window.cpRunner.attach(Module);
                window.cpRunner.whenPreDone(PRE_WAIT_MS).then(() => { holdFirstFrame = false; updateVisible(); });
            }
            updateVisible();
        },
        onAbort(what) { showFatal('The playground stopped: ' + what + '. Reload the page to start again.'); },
    };
    // The wasm index.html began compiling as the page started; the runtime's own loader otherwise.
    if (window.cpAppWasm) {
        Module.instantiateWasm = (imports, receive) => {
            const started = runnerStarted ? window.cpRunner.whenStarted(WORKER_START_WAIT_MS) : null;
            window.cpAppWasm
                .catch(() => fetch('convplay_app.wasm', { credentials: 'same-origin' })   // not served as application/wasm
                    .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.arrayBuffer(); })
                    .then((bytes) => WebAssembly.compile(bytes)))
                .then((module) => Promise.all([WebAssembly.instantiate(module, imports), started])
                    .then(([instance]) => receive(instance, module)))
                .catch((e) => showFatal(`The playground could not load its code (convplay_app.wasm): ${e && e.message || e}. Reload the page to try again.`));
            return {};
        };
    }

    // ccall copies 'string' arguments onto the wasm stack (5 MiB): a 10 MB pasted or linked text
    // would run past it and trap. Long strings go through the heap instead; the app then refuses
    // them by their length like any other text (one limit, in C++).
    const STACK_STRING_MAX = 4096;
    function call(name, ret, types, args) {
        if (!runtimeReady) return null;
        const heap = [];
        try {
            types = types.map((t, i) => {
                if (t !== 'string' || typeof args[i] !== 'string' || args[i].length <= STACK_STRING_MAX) return t;
                const n = Module.lengthBytesUTF8(args[i]) + 1, p = Module._malloc(n);
                if (!p) throw new RangeError(`no memory for a text of ${n} bytes`);
                heap.push(p);
                Module.stringToUTF8(args[i], p, n);
                args = args.slice();
                args[i] = p;
                return 'number';
            });
            return Module.ccall(name, ret, types, args);
        } catch (e) {
            if (!(e instanceof RangeError)) throw e;
            console.warn(`convplay: ${name} not called: ${e.message}`);
            return null;
        } finally {
            heap.forEach((p) => Module._free(p));
        }
    }

    // [SECTION] uploads
    // The flags are parsed by the app (one parser, src/core/embed_flags.cpp); read them once it runs.
    function embedConfig() {
        if (!config && runtimeReady) {
            try { config = JSON.parse(call('cp_app_embed_config', 'string', [], [])); } catch { config = null; }
        }
        return config || { embed: false, id: '', origins: [], hideUpload: false, maxFileBytes: 0, maxText: 0 };
    }

    // One upload at a time: a decoded one is written into the app's memory over several tasks.
    let uploading = Promise.resolve();
    function sendFile(file) {
        uploading = uploading.then(() => sendOne(file), () => sendOne(file));
        return uploading;
    }

    async function sendOne(file) {
        if (!runtimeReady || !file) return;
        const name = file.name || 'pasted image';
        // A null pointer and a size: the app says why the file was not read (uploads off in this
        // embed, too large, or no memory to copy it into) and keeps the current image.
        const unread = (size) => call('cp_app_upload', 'number', ['number', 'number', 'string'],
                                      [0, Math.min(size, 0x7fffffff), name]);
        if (embedConfig().hideUpload) return unread(file.size);   // a drop or paste too: never read
        if (file.size > embedConfig().maxFileBytes) return unread(file.size);   // refused before reading it
        let bytes = new Uint8Array(await file.arrayBuffer());
        // Decoded in the engine Worker when there is one (the app's decoder and budget, off this
        // thread; the bytes are handed over, not copied); otherwise, or if the Worker stopped
        // meanwhile, here (the file read again).
        const channels = call('cp_app_upload_channels', 'number', [], []);
        const decoded = window.cpRunner && await window.cpRunner.decode(bytes, channels, name);
        if (decoded) {
            await useDecoded(decoded, name);
            return;
        }
        if (bytes.byteLength !== file.size) bytes = new Uint8Array(await file.arrayBuffer());
        const p = Module._malloc(Math.max(1, bytes.length));
        if (!p) return unread(bytes.length);
        // Memory may grow inside malloc: read HEAPU8 again after it.
        Module.HEAPU8.set(bytes, p);
        try {
            call('cp_app_upload', 'number', ['number', 'number', 'string'], [p, bytes.length, name]);
        } finally {
            Module._free(p);
        }
    }

    // A Worker's decode (engine_runner.js) handed to the app: its values and their ranges written
    // straight into the app's memory (cp_app_upload_slot), at most cpRunner.piece floats a task,
    // or its refusal. The decode's id tells the app that the Worker kept these values.
    async function useDecoded(d, name) {
        const done = (ok, ranged, text) => call('cp_app_upload_decoded', 'number', ['number', 'number', 'number', 'string', 'string'],
                                                [ok, ok ? d.id : 0, ranged, name, text]);
        if (!d.ok) return done(0, 0, d.message);
        // [1, C, H, W], or a signal file's [1, C, L] (height 0)
        const [c, h, w] = d.shape.length === 4 ? d.shape.slice(1) : [d.shape[1], 0, d.shape[2]];
        if (d.data.length !== c * Math.max(h, 1) * w) return done(0, 0, `${name} came back with ${d.data.length} values for ${d.shape.join('x')}`);
        const p = call('cp_app_upload_slot', 'number', ['number', 'number', 'number', 'string'], [c, h, w, name]);
        if (!p) return 0;   // no memory for it: the app said so
        // HEAPF32 read at each piece: memory may have grown. Only sendFile (one at a time) writes there.
        for (let at = 0; at < d.data.length; at += window.cpRunner.piece) {
            if (at) await new Promise((resolve) => setTimeout(resolve, 0));
            Module.HEAPF32.set(d.data.subarray(at, at + window.cpRunner.piece), (p >> 2) + at);
        }
        const r = d.ranges && d.ranges.length === 2 * c ? call('cp_app_upload_ranges_slot', 'number', [], []) : 0;
        if (r) Module.HEAPF32.set(d.ranges, r >> 2);
        // Given back before the app hears of it (so before any request that names this upload):
        // the Worker keeps these values instead of a copy, and this page drops no buffer of the
        // image's size.
        window.cpRunner.keep(d.id, d.data);
        return done(1, r ? 1 : 0, d.notice);
    }

    fileInput.addEventListener('change', () => {
        const f = fileInput.files && fileInput.files[0];
        sendFile(f).finally(() => { fileInput.value = ''; });
    });

    let dragDepth = 0;
    window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; dropHint.hidden = false; });
    window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; dropHint.hidden = true; } });
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
        e.preventDefault();
        dragDepth = 0;
        dropHint.hidden = true;
        const dt = e.dataTransfer;
        if (dt.files && dt.files.length) sendFile(dt.files[0]);
        else if (dt.getData('text/plain')) call('cp_app_paste_text', null, ['string'], [dt.getData('text/plain')]);
        focusByPointer();
    });

    // Paste: only while the playground has focus, so the host page's own fields paste normally.
    // SDL has no clipboard on the web: pasted text goes to the app (typed into the focused field,
    // or loaded as a state / share link).
    document.addEventListener('paste', (e) => {
        const active = document.activeElement;
        if (active !== canvas && active !== document.body) return;
        const items = e.clipboardData ? Array.from(e.clipboardData.items) : [];
        const image = items.find((i) => i.kind === 'file');
        if (image) {
            e.preventDefault();
            sendFile(image.getAsFile());
            return;
        }
        const text = e.clipboardData && e.clipboardData.getData('text/plain');
        if (text) {
            e.preventDefault();
            call('cp_app_paste_text', null, ['string'], [text]);
        }
    });

    // [SECTION] keyboard containment and focus
    // The focus ring (class kbd-focus) shows only when focus came from the keyboard: script focus
    // after a click would match :focus-visible in Chromium.
    let pointerFocusAt = -1e9;
    function focusByPointer() {
        pointerFocusAt = performance.now();
        canvas.focus({ preventScroll: true });
    }
    canvas.addEventListener('focus', () => canvas.classList.toggle('kbd-focus', performance.now() - pointerFocusAt > 500));
    canvas.addEventListener('blur', () => canvas.classList.remove('kbd-focus'));
    canvas.addEventListener('pointerdown', (e) => {
        focusByPointer();
        // Before SDL's mousedown (pointerdown comes first): the app takes the click with them.
        call('cp_app_pointer_modifiers', null, ['number'], [(e.ctrlKey ? 1 : 0) | (e.shiftKey ? 2 : 0) | (e.altKey ? 4 : 0) | (e.metaKey ? 8 : 0)]);
        window.convplay.lastPointerDown = e.timeStamp;   // for tests/web/ui_timing.mjs
    });
    const keyboardBusy = () => call('cp_app_keyboard_busy', 'number', [], []) === 1;
    // Capture phase on window: runs before SDL's listener on the canvas. Stopping the event there
    // keeps it from SDL (which would cancel it), so the browser's own Tab handling happens.
    window.addEventListener('keydown', (e) => {
        if (document.activeElement !== canvas || keyboardBusy()) return;
        if (e.key === 'Tab') {
            e.stopPropagation();
        } else if (e.key === 'Escape') {
            e.stopPropagation();
            canvas.blur();
            if (inFrame) { try { window.parent.focus(); } catch { /* a host that forbids it */ } }
        }
    }, true);

    // [SECTION] the wheel: in an iframe, the host page scrolls unless the app can use it
    const synthetic = new WeakSet();   // events this file made for SDL: let through
    function canvasXY(e) {
        const r = canvas.getBoundingClientRect();
        return [e.clientX - r.left, e.clientY - r.top];
    }
    window.addEventListener('wheel', (e) => {
        if (e.target !== canvas || synthetic.has(e) || !inFrame || !runtimeReady) return;
        const [x, y] = canvasXY(e);
        const target = call('cp_app_wheel_target', 'number', ['number', 'number', 'number'], [x, y, e.deltaY]);
        const focused = document.hasFocus() && document.activeElement === canvas;
        // 2: an armed (clicked) zoomable view; 1: a window that can scroll, once the frame was clicked.
        if (target === 2 || (target === 1 && focused)) return;
        // SDL never sees it, so nothing cancels it: the browser scrolls, chaining to the host page.
        e.stopPropagation();
    }, { capture: true, passive: true });

    // [SECTION] touch: SDL never sees touches; this turns them into scrolling or mouse events.
    // A vertical swipe scrolls (the host page in an iframe, else the app's window under the
    // finger); a horizontal drag is a mouse drag (a slider moves only then); a tap is a click;
    // two fingers over the feature map zoom it.
    const SLOP = 10;        // CSS px a finger moves before a touch is a swipe or a drag, not a tap
    const ZOOM_STEP = 1.25; // one wheel step of the viewer (feature_map_view.cpp)
    let gesture = null;
    function mouse(type, x, y, buttons) {
        const ev = new MouseEvent(type, { clientX: x, clientY: y, screenX: x, screenY: y, button: 0, buttons,
                                          bubbles: true, cancelable: true, view: window });
        canvas.dispatchEvent(ev);
    }
    function wheelStep(x, y, zoomIn) {
        const ev = new WheelEvent('wheel', { clientX: x, clientY: y, deltaY: zoomIn ? -100 : 100, deltaMode: 0,
                                             bubbles: true, cancelable: true, view: window });
        synthetic.add(ev);
        canvas.dispatchEvent(ev);
    }
    const touchById = (list, id) => Array.from(list).find((t) => t.identifier === id);
    const spread = (a, b) => Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
    window.addEventListener('touchstart', (e) => {
        if (e.target !== canvas) return;
        e.stopPropagation();
        if (!runtimeReady) return;
        if (e.touches.length === 1) {
            const t = e.touches[0];
            gesture = { id: t.identifier, x0: t.clientX, y0: t.clientY, x: t.clientX, y: t.clientY, mode: 'pending' };
        } else if (e.touches.length === 2) {
            if (gesture && gesture.mode === 'drag') mouse('mouseup', gesture.x, gesture.y, 0);
            const [a, b] = e.touches;
            const cx = (a.clientX + b.clientX) / 2, cy = (a.clientY + b.clientY) / 2;
            const r = canvas.getBoundingClientRect();
            const zone = call('cp_app_wheel_target', 'number', ['number', 'number', 'number'], [cx - r.left, cy - r.top, 0]);
            gesture = { mode: zone >= 2 ? 'pinch' : 'none', d0: spread(a, b), steps: 0, cx, cy };
            if (gesture.mode === 'pinch') mouse('mousemove', cx, cy, 0);
        }
    }, { capture: true, passive: true });
    window.addEventListener('touchmove', (e) => {
        if (e.target !== canvas || !gesture) return;
        e.stopPropagation();
        if (gesture.mode === 'pinch' && e.touches.length >= 2) {
            e.preventDefault();
            const want = Math.round(Math.log(spread(e.touches[0], e.touches[1]) / gesture.d0) / Math.log(ZOOM_STEP));
            for (; gesture.steps < want; gesture.steps++) wheelStep(gesture.cx, gesture.cy, true);
            for (; gesture.steps > want; gesture.steps--) wheelStep(gesture.cx, gesture.cy, false);
            return;
        }
        const t = touchById(e.changedTouches, gesture.id);
        if (!t) return;
        if (gesture.mode === 'pending' && Math.hypot(t.clientX - gesture.x0, t.clientY - gesture.y0) > SLOP) {
            if (Math.abs(t.clientX - gesture.x0) > Math.abs(t.clientY - gesture.y0)) {
                gesture.mode = 'drag';
                mouse('mousemove', gesture.x0, gesture.y0, 0);
                mouse('mousedown', gesture.x0, gesture.y0, 1);
            } else {
                gesture.mode = 'scroll';
            }
        }
        if (gesture.mode === 'drag') {
            e.preventDefault();
            mouse('mousemove', t.clientX, t.clientY, 1);
        } else if (gesture.mode === 'scroll' && !inFrame) {
            // The page itself does not scroll: move the app's window under the finger.
            e.preventDefault();
            const [x, y] = canvasXY(t);
            call('cp_app_touch_scroll', null, ['number', 'number', 'number'], [x, y, gesture.y - t.clientY]);
        }
        gesture.x = t.clientX, gesture.y = t.clientY;
    }, { capture: true, passive: false });
    function touchEnd(e) {
        if (e.target !== canvas || !gesture) return;
        e.stopPropagation();
        if (gesture.mode === 'drag') {
            mouse('mouseup', gesture.x, gesture.y, 0);
        } else if (gesture.mode === 'pending' && e.type === 'touchend') {
            // A tap: our own click (the browser's emulated mouse events are cancelled).
            if (e.cancelable) e.preventDefault();
            focusByPointer();
            mouse('mousemove', gesture.x0, gesture.y0, 0);
            mouse('mousedown', gesture.x0, gesture.y0, 1);
            mouse('mouseup', gesture.x0, gesture.y0, 0);
        }
        if (e.touches.length === 0) gesture = null;
    }
    window.addEventListener('touchend', touchEnd, { capture: true, passive: false });
    window.addEventListener('touchcancel', touchEnd, { capture: true, passive: false });

    // [SECTION] visibility: no heavy work while nobody can see the playground
    let docVisible = !document.hidden, onScreen = true;
    function updateVisible() {
        call('cp_app_set_visible', null, ['number'], [docVisible && onScreen && !holdFirstFrame ? 1 : 0]);
    }
    document.addEventListener('visibilitychange', () => { docVisible = !document.hidden; updateVisible(); });
    if ('IntersectionObserver' in window) {
        // In an iframe the implicit root is the top-level viewport: off-screen embeds pause.
        new IntersectionObserver((entries) => {
            onScreen = entries[entries.length - 1].isIntersecting;
            updateVisible();
        }).observe(canvas);
    }

    // [SECTION] the host API (docs/embed.md): messages from window.parent, checked here
    const pending = [];    // messages that came before the app was ready (at most 16)
    // setState is coalesced: a burst of them (a host replaying edits, or a flood) loads only the
    // last, once, in a task of its own. Any other message first loads the pending state, so the
    // host sees its messages answered in the order it sent them.
    let nextState = null;
    function loadNextState() {
        if (nextState === null) return;
        const text = nextState;
        nextState = null;
        call('cp_app_host_set_state', null, ['string'], [text]);
    }
    function fromHost(origin, d) {
        const cfg = embedConfig();
        if (cfg.origins.length && !cfg.origins.includes(origin)) return;
        if (d.type === 'setState') {
            if (typeof d.state !== 'string' || d.state.length > cfg.maxText) return;   // the codec would refuse it
            if (nextState === null) setTimeout(loadNextState, 0);
            nextState = d.state;
            return;
        }
        loadNextState();
        switch (d.type) {
        case 'selectLayer':
            // clamped to an int only, so that its error repeats the number the host sent
            if (Number.isInteger(d.layer)) call('cp_app_host_select_layer', null, ['number'], [Math.max(-2147483648, Math.min(d.layer, 2147483647))]);
            break;
        case 'explainStep':
            if (d.step === 'next' || d.step === 'prev') call('cp_app_host_explain_step', null, ['number', 'number'], [d.step === 'next' ? 1 : -1, 0]);
            else if (Number.isInteger(d.step) && d.step >= 0) call('cp_app_host_explain_step', null, ['number', 'number'], [0, Math.min(d.step, 1e9)]);
            break;
        case 'getShapes': call('cp_app_host_get_shapes', null, [], []); break;
        case 'getState': call('cp_app_host_get_state', null, [], []); break;
        default: break;
        }
    }
    window.addEventListener('message', (e) => {
        if (!inFrame || e.source !== window.parent) return;
        const d = e.data;
        if (!d || typeof d !== 'object' || Array.isArray(d) || d.convplay !== 1 || typeof d.type !== 'string' || d.type.length > 32) return;
        if (document.body.dataset.ready !== '1') {
            if (pending.length < 16) pending.push([e.origin, d]);
            return;
        }
        fromHost(e.origin, d);
    });
    function postToHost(json) {
        if (!inFrame) return;
        let msg;
        try { msg = JSON.parse(json); } catch { return; }
        const cfg = embedConfig();
        window.parent.postMessage(msg, cfg.origins.length ? cfg.origins[0] : '*');
    }

    // [SECTION] the share link
    window.addEventListener('hashchange', () => {
        if (location.hash === ownHash) return;
        ownHash = location.hash;
        // Raw: the codec decodes percent escapes itself and keeps malformed ones as text.
        call('cp_app_set_state', 'number', ['string', 'number'], [location.hash.slice(1), 1]);
    });

    // [SECTION] the screen-reader summary
    function dims(a) { return Array.isArray(a) ? a.join('×') : ''; }
    function summary(json) {
        let d;
        try { d = JSON.parse(json); } catch { return; }
        document.getElementById('summary-state').textContent =
            `State ${d.state || ''}. Input ${dims(d.input)}` + (d.output ? `, output ${dims(d.output)}.` : '.');
        const ol = document.getElementById('summary-layers');
        ol.replaceChildren(...(d.layers || []).map((L) => {
            const li = document.createElement('li');
            li.textContent = L.error
                ? `${L.text}: error: ${L.error}`
                : `${L.text}: ${dims(L.in)} to ${dims(L.out)}, ${L.params} parameters, ${L.macs} multiply-accumulates.`;
            return li;
        }));
        const fix = (d.mismatches || []).map((m) => m.message).join(' ');
        document.getElementById('summary-fix').textContent = fix;
    }

    // [SECTION] called by the app (bridge_web.cpp)
    window.cpBridge = {
        openFilePicker() { fileInput.click(); },
        setFragment(text) {
            ownHash = '#' + text;
            if (location.hash !== ownHash) history.replaceState(null, '', ownHash);
        },
        copyText(text) {
            if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
        },
        // Every download of the page goes through here: a Blob behind a temporary <a download>.
        download(name, mime, bytes) {
            const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
            const a = document.createElement('a');
            a.href = url;
            a.download = name;
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 60000);
            window.convplay.downloads.push(name);
        },
        summary,
        ready() {
            loading.hidden = true;
            document.body.dataset.ready = '1';
            if (embedConfig().embed) document.body.classList.add('embed');
            window.convplay.readyAt = performance.now();
            for (const [origin, d] of pending.splice(0)) fromHost(origin, d);
        },
        fatal: showFatal,
        postToHost,
        runLayers: (...a) => window.cpRunner.runLayers(...a),
        stopLayers: () => window.cpRunner.cancel(),
        openUrl(url, newTab) {
            if (newTab) window.open(url, '_blank', 'noopener');
            else location.href = url;
        },
    };

    // [SECTION] hooks for tests and measurements (read-only, except setState/upload)
    window.convplay = {
        readyAt: 0,
        lastPointerDown: 0,
        downloads: [],      // names of the files handed to the user, in order
        ready: () => runtimeReady && document.body.dataset.ready === '1',
        frames: () => call('cp_app_frames', 'number', [], []),
        state: () => call('cp_app_state', 'string', [], []),
        setState: (text) => call('cp_app_set_state', 'number', ['string', 'number'], [text, 0]) === 1,
        shapes: () => JSON.parse(call('cp_app_shapes_json', 'string', [], []) || 'null'),
        outputHash: (slot) => call('cp_app_output_hash', 'number', ['number'], [slot]),
        busy: () => call('cp_app_busy', 'number', [], []) === 1,
        message: () => call('cp_app_message', 'string', [], []),
        planStatus: () => call('cp_app_plan_status', 'string', [], []),
        rect: (name) => { const r = call('cp_app_widget_rect', 'string', ['string'], [name]); return r ? JSON.parse(r) : null; },
        probe: (name) => { const r = call('cp_app_probe', 'string', ['string'], [name]); return r ? JSON.parse(r) : null; },
        timing: () => JSON.parse(call('cp_app_timing', 'string', [], [])),
        // what the page made so far: {weightsMade, outputsMade, outputsKept, plansMade, uploads,
        // uploadsBySlot: {'-1': input, '0': layer 1, ...}, rangeValues: values scanned here for their colormap ranges}
        costs: () => JSON.parse(call('cp_app_costs', 'string', [], [])),
        // the per-channel ranges of slot's thumbnail ({lo, hi}; -1 the input), or null
        mapRanges: (slot) => { const r = call('cp_app_map_ranges', 'string', ['number'], [slot]); return r ? JSON.parse(r) : null; },
        view: () => JSON.parse(call('cp_app_view', 'string', [], [])),
        redraw: (n = 3) => call('cp_app_force_frames', null, ['number'], [n]),
        upload: (file) => sendFile(file),
        // where the layers run ({mode: 'worker' | 'main', running, accepted, dropped, requests, worker: its counters})
        runner: () => (window.cpRunner ? window.cpRunner.info() : { mode: 'main' }),
    };
})();
