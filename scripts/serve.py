#!/usr/bin/env python3
"""scripts/serve.py: a static file server for build/site (scripts/serve.sh) and the browser tests.

By default every response says

    Cross-Origin-Opener-Policy: same-origin
    Cross-Origin-Embedder-Policy: require-corp

which makes the page cross-origin isolated: the browser then gives it SharedArrayBuffer, and the
playground's engine Worker loads the threaded engine (convplay_engine_mt.js). Everything the site
loads is its own (same origin), so require-corp blocks nothing. --no-isolation leaves both
headers out (an ordinary host: one thread). Every response also carries
Cross-Origin-Resource-Policy: cross-origin, so an isolated page of another origin may still embed
the playground and load web/embed.js.

Prints "serving http://127.0.0.1:PORT/ (cross-origin isolated|not isolated)" once listening
(--port 0: a free port; the tests read it from that line).
"""
import argparse
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    # The browser compiles .wasm while it downloads only when it is served as application/wasm.
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript'}
    isolated = True
    quiet = False

    def end_headers(self):
        if self.isolated:
            self.send_header('Cross-Origin-Opener-Policy', 'same-origin')
            self.send_header('Cross-Origin-Embedder-Policy', 'require-corp')
        self.send_header('Cross-Origin-Resource-Policy', 'cross-origin')
        super().end_headers()

    def log_message(self, fmt, *args):
        if not self.quiet:
            super().log_message(fmt, *args)


def main():
    ap = argparse.ArgumentParser(description='Serve a folder (default build/site), cross-origin isolated unless told not to.')
    ap.add_argument('--dir', default='build/site')
    ap.add_argument('--port', type=int, default=8080)
    ap.add_argument('--bind', default='127.0.0.1')
    ap.add_argument('--no-isolation', action='store_true', help='no COOP/COEP headers (one thread)')
    ap.add_argument('--quiet', action='store_true', help='no line per request')
    args = ap.parse_args()
    handler = type('SiteHandler', (Handler,), {'isolated': not args.no_isolation, 'quiet': args.quiet})
    server = http.server.ThreadingHTTPServer((args.bind, args.port), functools.partial(handler, directory=args.dir))
    mode = 'not isolated' if args.no_isolation else 'cross-origin isolated'
    print(f'serving http://{args.bind}:{server.server_address[1]}/ ({mode})', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
