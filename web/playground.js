// convplay playground: the page's side of the bridge (src/platform/bridge_web.cpp calls
// window.cpBridge; this file calls the exported cp_app_* functions).
//   - Module configuration for convplay_app.js (canvas, errors)
//   - uploads: the hidden file input, drag and drop onto the page, paste (image or text)
//   - the share link: the fragment is written by the app when an edit ends; a fragment changed
//     by the user (or Back) is sent to the app
//   - keyboard containment: the canvas takes focus on pointerdown (with tabindex=-1 and SDL's
//     keyboard element hint, keys go to the app only while it has focus)
//   - a screen-reader summary of the shape table
//   - window.convplay: small hooks the browser tests and tests/web/ui_timing.mjs read
'use strict';

(function () {
    const canvas = document.getElementById('canvas');
    const fileInput = document.getElementById('file');
    const loading = document.getElementById('loading');
    const dropHint = document.getElementById('drop-hint');
    const fatalBox = document.getElementById('fatal');
    const MAX_FILE_BYTES = 256 << 20;   // larger files are refused before reading them
    let ownHash = location.hash;        // the fragment the app wrote last (not a user change)
    let runtimeReady = false;

    function showFatal(text) {
        fatalBox.textContent = text;
        fatalBox.hidden = false;
        loading.hidden = true;
    }

    // No WebGL2: say so rather than leave a blank page.
    if (!document.createElement('canvas').getContext('webgl2')) {
        showFatal('This page needs WebGL2, which this browser does not provide.');
    }

    window.Module = {
        canvas,
        print: (t) => console.log(t),
        printErr: (t) => console.warn(t),
        onRuntimeInitialized() { runtimeReady = true; },
        onAbort(what) { showFatal('The playground stopped: ' + what + '. Reload the page to start again.'); },
    };

    function call(name, ret, types, args) {
        return runtimeReady ? Module.ccall(name, ret, types, args) : null;
    }

    // [SECTION] uploads
    async function sendFile(file) {
        if (!runtimeReady || !file) return;
        if (file.size > MAX_FILE_BYTES) {
            call('cp_app_upload', 'number', ['number', 'number', 'string'],
                 [0, 0, `${file.name} (${(file.size / 1048576).toFixed(0)} MB, more than this page reads)`]);
            return;
        }
        const bytes = new Uint8Array(await file.arrayBuffer());
        const p = Module._malloc(Math.max(1, bytes.length));
        // Memory may grow inside malloc: read HEAPU8 again after it.
        Module.HEAPU8.set(bytes, p);
        try {
            call('cp_app_upload', 'number', ['number', 'number', 'string'], [p, bytes.length, file.name || 'pasted image']);
        } finally {
            Module._free(p);
        }
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
        canvas.focus();
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
    canvas.addEventListener('pointerdown', (e) => {
        canvas.focus();
        window.convplay.lastPointerDown = e.timeStamp;   // for tests/web/ui_timing.mjs
    });

    // [SECTION] the share link
    window.addEventListener('hashchange', () => {
        if (location.hash === ownHash) return;
        ownHash = location.hash;
        call('cp_app_set_state', 'number', ['string', 'number'], [decodeURIComponent(location.hash.slice(1)), 1]);
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
        summary,
        ready() {
            loading.hidden = true;
            document.body.dataset.ready = '1';
            window.convplay.readyAt = performance.now();
        },
        fatal: showFatal,
    };

    // [SECTION] hooks for tests and measurements (read-only, except setState/upload)
    window.convplay = {
        readyAt: 0,
        lastPointerDown: 0,
        ready: () => runtimeReady && document.body.dataset.ready === '1',
        frames: () => call('cp_app_frames', 'number', [], []),
        state: () => call('cp_app_state', 'string', [], []),
        setState: (text) => call('cp_app_set_state', 'number', ['string', 'number'], [text, 0]) === 1,
        shapes: () => JSON.parse(call('cp_app_shapes_json', 'string', [], []) || 'null'),
        outputHash: (slot) => call('cp_app_output_hash', 'number', ['number'], [slot]),
        busy: () => call('cp_app_busy', 'number', [], []) === 1,
        message: () => call('cp_app_message', 'string', [], []),
        rect: (name) => { const r = call('cp_app_widget_rect', 'string', ['string'], [name]); return r ? JSON.parse(r) : null; },
        timing: () => JSON.parse(call('cp_app_timing', 'string', [], [])),
        redraw: (n = 3) => call('cp_app_force_frames', null, ['number'], [n]),
        upload: (file) => sendFile(file),
    };
})();
