// convplay embed.js, the host side of docs/embed.md: each <div data-convplay="STATE" ...>
// becomes a playground iframe near the viewport, sized by its `resize` messages.
(() => {
    'use strict';
    if (window.convplay && window.convplay.scan) return;   // loaded twice
    const me = document.currentScript;
    const BASE = me && me.src ? new URL('index.html', me.src).href : 'index.html';
    const FLAGS = ['panels', 'lock', 'hide', 'layer'];   // data-X passed on as X=
    const all = [];   // one per embed
    let count = 0;
    const io = window.IntersectionObserver && new IntersectionObserver((es) => {
        for (const e of es) if (e.isIntersecting) load(find(e.target));
    }, { rootMargin: '300px 0px' });

    const find = (el) => all.find((x) => x.el === el);
    function get(el) {
        if (typeof el === 'string') el = document.querySelector(el);
        const r = find(el) || (scan(), find(el));   // maybe not scanned yet
        if (!r) throw Error('convplay: not an embed: ' + el);
        return r;
    }
    const enc = (v) => encodeURIComponent(v).replace(/%2C/gi, ',');

    function load(r) {
        if (r.frame) return;
        if (io) io.unobserve(r.el);
        const d = r.el.dataset, f = r.frame = document.createElement('iframe');
        let q = '?embed=1&id=' + enc(r.id);
        for (const k of FLAGS) if (d[k]) q += '&' + k + '=' + enc(d[k]);
        if (/^https?:/.test(location.origin)) q += '&origin=' + enc(location.origin);
        let u = new URL(d.src || BASE, document.baseURI);
        // never javascript:, data: or blob: (a host showing user-written HTML would run it)
        if (!/^(https?|file):$/.test(u.protocol)) console.warn('convplay: data-src is not http(s); ignored'), u = new URL(BASE, document.baseURI);
        f.src = u.href.split(/[?#]/)[0] + q + '#' + r.state;
        r.origin = new URL(f.src).origin;
        f.title = 'convplay playground';
        f.allow = 'clipboard-write';
        f.style.cssText = 'display:block;width:100%;border:0;height:' + r.height + 'px';
        r.el.replaceChildren(f);
        r.el.style.minHeight = '';
    }

    function post(r, msg) {
        msg.convplay = 1;
        if (r.ready) r.frame.contentWindow.postMessage(msg, r.origin === 'null' ? '*' : r.origin);
        else r.queue.push(msg);
    }

    window.addEventListener('message', (e) => {
        const r = all.find((x) => x.frame && x.frame.contentWindow === e.source), d = e.data;
        // only our iframe, at its origin, version 1, our id
        if (!r || e.origin !== r.origin || !d || typeof d !== 'object' || d.convplay !== 1 ||
            typeof d.type !== 'string' || (d.id != null && d.id !== r.id)) return;
        if (d.type === 'resize') {
            if (!(d.height > 0)) return;
            if (r.auto) r.frame.style.height = Math.min(Math.ceil(d.height), 9999) + 'px';
        } else if (d.type === 'ready') {
            r.ready = true;
            for (const m of r.queue.splice(0)) post(r, m);
        }
        if (typeof d.state === 'string') r.state = d.state;
        if (d.type === 'shapes') r.shapes = d.shapes;
        for (const fn of (r.on[d.type] || []).slice()) {
            try { fn(d, r.el); } catch (err) { setTimeout(() => { throw err; }); }
        }
    });

    // Adds the new data-convplay elements under root (default: the page).
    function scan(root) {
        for (const el of (root || document).querySelectorAll('[data-convplay]')) {
            if (find(el)) continue;
            const d = el.dataset, fixed = /^\d+$/.test(d.height) && d.height > 0;
            let id = d.id || el.id;
            // the playground's rule (at most 64 printable characters), else it would echo no id
            if (id && !/^[ -~]{1,64}$/.test(id)) console.warn('convplay: id over 64 characters or not ASCII; ignored'), id = '';
            const r = { el, id: id || 'convplay-' + ++count, state: d.convplay, queue: [], on: {},
                        auto: !fixed, height: fixed ? Math.min(+d.height, 9999) : 420 };
            all.push(r);
            el.style.minHeight = r.height + 'px';   // its place kept: no scroll jump
            if (io) io.observe(el); else load(r);
        }
    }

    const send = (type, key) => (el, v) => {
        const r = get(el);
        load(r);
        post(r, key ? { type, [key]: v } : { type });
    };
    window.convplay = {
        // fn(message, el); returns an unsubscriber. A late 'ready' listener is called at once.
        on(el, type, fn) {
            const r = get(el), list = r.on[type] || (r.on[type] = []);
            list.push(fn);
            if (type === 'ready' && r.ready) setTimeout(() => fn({ convplay: 1, type, id: r.id, state: r.state }, r.el));
            return () => list.includes(fn) && list.splice(list.indexOf(fn), 1);
        },
        // Before the iframe exists, only sets the state it will start from.
        setState(el, state) {
            const r = get(el);
            if (r.frame) post(r, { type: 'setState', state: String(state) });
            else r.state = String(state);
        },
        selectLayer: send('selectLayer', 'layer'),   // 1-based, 0 = the input
        explainStep: send('explainStep', 'step'),    // 'next', 'prev' or a number
        getShapes: send('getShapes'),
        state: (el) => get(el).state,
        shapes: (el) => get(el).shapes,
        load: (el) => load(get(el)),
        scan,
    };

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => scan());
    else scan();
})();
