// Debian's Chromium as the browser tests and benchmarks launch it (headless, software WebGL2:
// the flags checked in docs/toolchain.md). No other imports, so a benchmark can use it without a
// built site (playground_support.mjs, which re-exports it, loads the site's engine at import).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CONVPLAY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
    // Each new context is a new browser window here, and Chromium 156 builds each window's omnibox
    // popup as a WebUI page in a renderer of its own: about 700 ms of CPU on the 2 cores while the
    // page loads (docs/toolchain.md). A visitor's page opens in a window that has it already.
    '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

// The browser, with `extraArgs` after the usual flags.
export function launch(extraArgs = []) {
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
