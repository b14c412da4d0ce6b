#!/usr/bin/env bash
# scripts/setup.sh: installs everything convplay needs on a fresh Debian 12 machine, and does
# nothing (in about a second) when it is all there already. Safe to run again and again:
# scripts/test.sh and scripts/serve.sh call it first.
#
#   1. Debian packages (compilers, clang with its sanitizer and libFuzzer runtimes, Emscripten,
#      Chromium, GoogleTest, SIMDe, stb, torch).
#   2. Debian *source* packages imgui and libsdl2 (the wasm UI needs their .c/.cpp files),
#      unpacked into a per-user cache outside the checkout, keyed by package version.
#   3. SDL2 built for wasm from that source into the same cache (Emscripten's own SDL port
#      downloads from the internet and cannot write to Debian's frozen Emscripten cache).
#   4. npm packages from the committed package-lock.json (only when the lock changed).
#
# Options: --skip-web-ui  skip steps 2-3 (not needed by the engine or its tests)
#          --web-ui       only steps 1-3 (what the ImGui page needs)
# Environment: CONVPLAY_CACHE overrides the cache folder
#              (default ${XDG_CACHE_HOME:-$HOME/.cache}/convplay).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The per-user cache shared by every checkout (same rule in setup.sh and build.sh).
CACHE=${CONVPLAY_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/convplay}
LOGS=$CACHE/logs
mkdir -p "$CACHE" "$LOGS"
# One set-up at a time per cache (serve.sh and test.sh started together would otherwise race
# on the SDL2 build and the downloads).
exec 9>"$CACHE/.setup.lock"
flock 9

do_web_ui=1 do_npm=1
for arg in "$@"; do
    case $arg in
        --skip-web-ui) do_web_ui=0 ;;
        --web-ui) do_npm=0 ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "setup: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }
# Runs a noisy command with its output in a log file; on failure shows the log's end.
logged() {
    local log=$LOGS/$1; shift
    if ! "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "'$*' failed (full log: $log)"
    fi
}
# apt and /etc/apt need root; use sudo when we are not root (and it exists).
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}
# DPkg::Lock::Timeout waits for another apt/dpkg run (e.g. unattended upgrades) to finish
# instead of failing at once on the lock.
APT_GET=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=1800)
apt_updated=0
apt_update() {
    [ $apt_updated = 1 ] && return 0
    say "apt-get update"
    logged apt-update.log as_root "${APT_GET[@]}" update
    apt_updated=1
}

# Emscripten 3.1.6's JS tools need Debian's node modules (acorn); the machine's node does not
# look there by itself (docs/toolchain.md, trap 1).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
APT_PACKAGES=(
    build-essential cmake ninja-build   # native build
    clang libclang-rt-14-dev            # ASan + UBSan test build and libFuzzer (scripts/build.sh sanitize)
    dpkg-dev                            # dpkg-source, to unpack the source packages
    emscripten                          # em++ 3.1.6 with LLVM 14 and binaryen
    libgtest-dev googletest             # GoogleTest; its source (/usr/src/googletest) builds for wasm
    libsimde-dev                        # wasm SIMD128 intrinsics on x86, for native kernel tests
    libstb-dev                          # stb_image / stb_image_write
    chromium                            # the browser for Playwright (never `playwright install`)
    python3 python3-torch python3-numpy # reference numerics for golden fixtures
    time                                # GNU time: peak memory in tests/cli/budget_test.sh
)
install_apt() {
    local missing=() p
    # One dpkg-query for all names: prints the ones not fully installed.
    while read -r p status; do
        [ "$status" = installed ] || missing+=("$p")
    done < <(for p in "${APT_PACKAGES[@]}"; do
                 printf '%s %s\n' "$p" "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || echo none)"
             done)
    # Node comes from NodeSource on these machines; only fall back to Debian's when it is absent.
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    if [ ${#missing[@]} = 0 ]; then
        say "Debian packages: all ${#APT_PACKAGES[@]} present"
        return
    fi
    say "installing Debian packages: ${missing[*]} (a few minutes)"
    apt_update
    logged apt-install.log as_root "${APT_GET[@]}" install --no-install-recommends "${missing[@]}"
}

# ---------------------------------------------------------------------------------------------
# 2. Debian source packages imgui and libsdl2 -> $CACHE/src/<pkg>/<version>/tree
# ---------------------------------------------------------------------------------------------
has_deb_src() {
    grep -qsE '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources ||
        grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}
# Adds a deb-src twin of the machine's main Debian 'deb' entry (same URI, suites, key), so
# whatever mirror or snapshot the machine uses is used for sources too.
add_deb_src() {
    local codename entry uri suites comps key
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
    # deb822 stanzas are separated by blank lines; take the first 'deb' one listing $codename.
    entry=$(awk -v RS= -v cn="$codename" '
        /(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ && $0 ~ ("(^|\n)Suites:[^\n]*[ \t]" cn "([ \t]|\n|$)") { print; exit }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    field() { sed -n "s/^$1:[[:space:]]*//p" <<<"$entry" | head -n 1; }
    uri=$(field URIs); suites=$(field Suites); comps=$(field Components); key=$(field Signed-By)
    if [ -z "$uri" ]; then
        # One-line format: deb [opts] URI codename components...
        local line
        line=$(grep -hsE "^[[:space:]]*deb[[:space:]].*[[:space:]]${codename}[[:space:]]" \
                   /etc/apt/sources.list /etc/apt/sources.list.d/*.list | head -n 1 || true)
        [ -n "$line" ] || die "no Debian 'deb' entry for $codename found in /etc/apt to copy for deb-src"
        line=$(sed -E 's/\[[^]]*\]//' <<<"$line")
        read -r _ uri suites comps <<<"$line"
    fi
    say "adding deb-src entry for $uri ($suites)"
    as_root tee /etc/apt/sources.list.d/convplay-debian-src.sources >/dev/null <<EOF
# Added by convplay scripts/setup.sh: source packages (imgui, libsdl2) for the wasm build.
Types: deb-src
URIs: $uri
Suites: $suites
Components: ${comps:-main}
${key:+Signed-By: $key}
EOF
    apt_updated=0
    apt_update
}
# Prints the version `apt-get source` would fetch for package $1 (from the .dsc file name).
# Asking apt takes ~2 s, so the answer is remembered until apt's Sources lists change.
source_version() {
    local key memo=$CACHE/src/$1.version ver
    key=$(ls -l --time-style=+%s /var/lib/apt/lists/*_source_Sources* 2>/dev/null | md5sum | cut -c1-16)
    if [ -f "$memo" ] && [ "$(sed -n 1p "$memo")" = "$key" ]; then
        sed -n 2p "$memo"
        return
    fi
    ver=$(apt-get source --print-uris "$1" 2>/dev/null | sed -nE "s/^'[^']*' ${1}_([^ ]+)\.dsc .*/\1/p" | head -n 1)
    if [ -n "$ver" ]; then
        mkdir -p "$CACHE/src"
        printf '%s\n%s\n' "$key" "$ver" >"$memo"
    fi
    echo "$ver"
}
# Downloads and unpacks source package $1 into $CACHE/src/$1/<version>/tree; prints the tree.
fetch_source() {
    local pkg=$1 ver dir
    ver=$(source_version "$pkg")
    if [ -z "$ver" ]; then
        # Source lists missing or stale (e.g. apt lists cleaned): refresh once and retry.
        apt_update >&2
        ver=$(source_version "$pkg")
    fi
    [ -n "$ver" ] || die "apt cannot find source package '$pkg' (is the deb-src entry right?)"
    dir=$CACHE/src/$pkg/$ver
    if [ ! -f "$dir/.unpacked" ]; then
        say "fetching source package $pkg $ver" >&2
        rm -rf "$dir"; mkdir -p "$dir"
        # apt-get source writes into the current folder; as root it warns that the download
        # is not sandboxed, which is harmless.
        (cd "$dir" && logged "source-$pkg.log" apt-get source --download-only "$pkg=$ver")
        (cd "$dir" && logged "unpack-$pkg.log" dpkg-source -x ./*.dsc tree)
        touch "$dir/.unpacked"
    fi
    echo "$dir/tree"
}

# ---------------------------------------------------------------------------------------------
# 3. SDL2 for wasm -> $CACHE/sdl2-wasm/<sdl version>-emcc<emcc version>
# ---------------------------------------------------------------------------------------------
build_sdl2_wasm() {
    local src=$1 ver emver prefix bdir t0
    ver=$(basename "$(dirname "$src")")
    # The Debian package version is a fast stand-in for `emcc -dumpversion` (1.5 s).
    emver=$(dpkg-query -W -f='${Version}' emscripten 2>/dev/null | sed 's/~.*//') || true
    [ -n "$emver" ] || emver=$(emcc -dumpversion 2>/dev/null) || die "emcc does not run"
    prefix=$CACHE/sdl2-wasm/$ver-emcc$emver
    if [ ! -f "$prefix/.built" ]; then
        say "building SDL2 $ver for wasm (once per machine; 3-5 minutes)" >&2
        t0=$SECONDS
        bdir=$CACHE/tmp/sdl2-build
        rm -rf "$bdir" "$prefix"
        # Flags from docs/toolchain.md: a static library only, no tests.
        logged sdl2-configure.log emcmake cmake -S "$src" -B "$bdir" -G Ninja \
            -DCMAKE_BUILD_TYPE=Release -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF \
            -DCMAKE_INSTALL_PREFIX="$prefix"
        logged sdl2-build.log cmake --build "$bdir" -j "$(nproc)"
        logged sdl2-install.log cmake --install "$bdir"
        [ -f "$prefix/lib/libSDL2.a" ] || die "SDL2 build did not produce $prefix/lib/libSDL2.a"
        rm -rf "$bdir"
        touch "$prefix/.built"
        say "SDL2 for wasm built in $((SECONDS - t0)) s" >&2
    fi
    echo "$prefix"
}

setup_web_ui() {
    has_deb_src || add_deb_src
    local imgui sdl_src sdl_prefix
    imgui=$(fetch_source imgui)
    sdl_src=$(fetch_source libsdl2)
    sdl_prefix=$(build_sdl2_wasm "$sdl_src")
    # One small file tells the builds where the current versions are (scripts/build.sh
    # passes these to CMake), so nothing hard-codes a version.
    cat >"$CACHE/deps.env.tmp" <<EOF
# Written by scripts/setup.sh; read by scripts/build.sh.
CONVPLAY_IMGUI_DIR=$imgui
CONVPLAY_SDL2_PREFIX=$sdl_prefix
EOF
    mv "$CACHE/deps.env.tmp" "$CACHE/deps.env"
    say "web UI deps: imgui $(basename "$(dirname "$imgui")"), SDL2 for wasm $(basename "$sdl_prefix")"
}

# ---------------------------------------------------------------------------------------------
# 4. npm packages (playwright-core for browser tests; tfjs and onnxruntime-web for benchmarks)
# ---------------------------------------------------------------------------------------------
setup_npm() {
    local want have=''
    # The stamp is the hash of the lock plus node's major version: `npm ci` again only when
    # either changed (or node_modules is gone).
    want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1) node$(node -p 'process.versions.node.split(".")[0]')"
    [ -f "$ROOT/node_modules/.convplay-stamp" ] && have=$(cat "$ROOT/node_modules/.convplay-stamp")
    if [ "$want" = "$have" ]; then
        say "npm packages: up to date"
        return
    fi
    say "npm ci (npm keeps its download cache, ~/.npm by default)"
    # --ignore-scripts: none of our packages needs an install script, and it rules out any
    # post-install download (e.g. a browser). No audit/fund: they need extra network calls.
    (cd "$ROOT" && logged npm-ci.log npm ci --ignore-scripts --no-audit --no-fund --prefer-offline)
    echo "$want" >"$ROOT/node_modules/.convplay-stamp"
}

t_start=$SECONDS
install_apt
for tool in emcc em++ emcmake cmake ninja node npm /usr/bin/chromium; do
    command -v "$tool" >/dev/null || die "'$tool' is still missing after installing packages"
done
if [ $do_web_ui = 1 ]; then setup_web_ui; fi
if [ $do_npm = 1 ]; then setup_npm; fi
say "done in $((SECONDS - t_start)) s"
