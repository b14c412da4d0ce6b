// The platform layer: SDL2 window + GL ES 3.0 (WebGL2) context, Dear ImGui's SDL backend with our
// own renderer (app/gl_renderer.hpp: no GL reads in a frame), and the main loop. Under
// Emscripten the browser drives the loop (one call per animation frame); natively it is a plain
// loop. A frame is skipped entirely when nothing happened, so an idle page costs nothing.
#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/gl.hpp"
#include "app/gl_renderer.hpp"
#include "imgui.h"
#include "imgui_impl_sdl.h"
#include "imgui_internal.h"
#include "platform/bridge.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#endif

namespace {

SDL_Window* g_window = nullptr;
SDL_GLContext g_gl = nullptr;
float g_font_px = 0;  // font size in device pixels the atlas was built at
float g_style_key = 0;
ImGuiStyle g_base_style;

// The font size in CSS px for a window of w x h: 13 on a desktop, growing with the window from
// 1600 px wide up to 2.5x on 4K; 15 on a touch screen.
float ui_font_px(int w, bool touch) {
    if (touch) return 15.0f;
    return 13.0f * std::clamp(std::round(float(w) / 1600.0f * 4.0f) / 4.0f, 1.0f, 2.5f);
}

// Bakes the font at its size in device pixels and scales it back, so text is sharp on HiDPI.
void build_font(float css_px, float dpr) {
    const float px = std::round(css_px * dpr);
    if (px == g_font_px) return;
    g_font_px = px;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.SizePixels = px;
    cfg.OversampleH = cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    io.Fonts->AddFontDefault(&cfg);
    io.FontGlobalScale = css_px / px;
    cp::app::imgui_gl::upload_fonts();
}

// Sizes follow the font; on a touch screen every frame (buttons, sliders, tabs) is >= 40 px tall.
void apply_style(float css_px, bool touch) {
    const float key = css_px + (touch ? 1000.0f : 0.0f);
    if (key == g_style_key) return;
    g_style_key = key;
    ImGuiStyle& style = ImGui::GetStyle();
    style = g_base_style;
    style.ScaleAllSizes(css_px / 13.0f);
    cp::app::touch_ui() = touch;
    if (touch) {
        style.FramePadding.y = std::ceil((40.0f - css_px) / 2.0f);
        style.ItemSpacing.y = 8;
        style.ScrollbarSize = 20;
        style.GrabMinSize = 24;
    }
}

// WebGL context loss (a GPU reset, a driver update, the browser reclaiming contexts): nothing is
// drawn while it lasts (GL calls on a lost context would fail or throw); when the browser
// restores it, every GL object is made again: the renderer's (program, buffers, font texture)
// and the feature-map textures and program. The state, the plan and the outputs live in wasm memory and
// are untouched. The page shows a notice meanwhile (web/playground.js).
bool g_context_lost = false;
bool g_context_restored = false;
bool g_cannot_draw = false;  // ImGui's program did not link after a restore (the page says so)

#ifdef __EMSCRIPTEN__
EM_BOOL on_context_lost(int, const void*, void*) {
    g_context_lost = true;
    return EM_TRUE;  // preventDefault: tells the browser the page can restore the context
}

EM_BOOL on_context_restored(int, const void*, void*) {
    g_context_lost = false;
    g_context_restored = true;
    cp::platform::app().request_frames(3);
    return EM_TRUE;
}
#endif

// Reads the link status of both programs, ImGui's and the feature maps', once both links were
// asked for (one wait for the GPU process, usually, with little queued before it). At start-up,
// not in the first frame that draws them: there each wait came behind that frame's uploads and the
// canvas's new buffers (docs/architecture.md, "Draw"). A program that did not link is said on the
// page, not only in the console: without ImGui's nothing can be drawn (false: the app stops);
// without the maps' the rest still works, and the status line says why the maps are empty.
bool finish_programs() {
    if (!cp::app::imgui_gl::program_ready()) {
        cp::platform::fatal("This page cannot draw: the browser's WebGL2 did not link its shader program "
                            "(the browser's console has the log).");
        return false;
    }
    if (!cp::platform::app().maps().program_ready())
        cp::platform::app().session().notice = {
            cp::app::Notice::Error, "The feature maps cannot be drawn: the browser's WebGL2 did not link their "
                                    "shader program (the browser's console has the log). Shapes, formulas and "
                                    "exports still work."};
    return true;
}

void recreate_gl_objects() {
    g_context_restored = false;
    cp::app::imgui_gl::forget();
    cp::app::imgui_gl::init();
    cp::app::imgui_gl::upload_fonts();
    cp::platform::app().maps().reset_gl();
    g_cannot_draw = !finish_programs();
}

// Events held for the next frame (see take_events).
std::deque<SDL_Event> g_held;

// Hands this frame's events to ImGui, in order, up to the second change of one key (a release
// after its press, a press after its release): that event and everything after it wait for the
// next frame. ImGui 1.86 sees only whether a key is down when a frame starts, so two changes of
// a key between frames were lost (a quick press, or Ctrl+Z then Ctrl+Shift+Z); with software GL
// two animation frames can be 100-300 ms apart. Returns whether any event came.
bool take_events() {
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) g_held.push_back(ev);
    std::vector<SDL_Scancode> changed;
    bool any = false;
    while (!g_held.empty()) {
        const SDL_Event& e = g_held.front();
        if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
            if (std::find(changed.begin(), changed.end(), e.key.keysym.scancode) != changed.end()) break;
            changed.push_back(e.key.keysym.scancode);
        }
        ImGui_ImplSDL2_ProcessEvent(&e);
        if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
            // The modifiers as they were at this event: the backend reads SDL's current state,
            // which already has the held events' (a Ctrl released after Ctrl+Y).
            ImGuiIO& io = ImGui::GetIO();
            const Uint16 mod = e.key.keysym.mod;
            io.KeyShift = (mod & KMOD_SHIFT) != 0;
            io.KeyCtrl = (mod & KMOD_CTRL) != 0;
            io.KeyAlt = (mod & KMOD_ALT) != 0;
            io.KeySuper = (mod & KMOD_GUI) != 0;
        }
#ifndef __EMSCRIPTEN__
        if (e.type == SDL_QUIT) std::exit(0);
#endif
        g_held.pop_front();
        any = true;
    }
    return any || !g_held.empty();
}

void main_loop(void*) {
    cp::app::App& app = cp::platform::app();
    if (take_events()) app.request_frames(3);
    if (g_context_lost) return;
    if (g_context_restored) recreate_gl_objects();
    if (g_cannot_draw) return;
    // Hidden page or frame scrolled away: no drawing and no layer runs until it shows again.
    if (!cp::platform::visible()) return;
    // Nothing new, nothing running: leave the last frame on screen (no redraw work).
    if (!app.wants_frame()) return;

    int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
    SDL_GL_GetDrawableSize(g_window, &fb_w, &fb_h);
    SDL_GetWindowSize(g_window, &win_w, &win_h);
    const float dpr = win_w > 0 ? float(fb_w) / float(win_w) : 1.0f;
    const bool touch = cp::platform::coarse_pointer();
    const float font_px = ui_font_px(win_w, touch);
    build_font(font_px, dpr);
    apply_style(font_px, touch);

    const auto build = [&app] {
        ImGui_ImplSDL2_NewFrame();
        // A frame built again at once (below) may read the same clock: ImGui needs time to pass.
        ImGui::GetIO().DeltaTime = std::max(ImGui::GetIO().DeltaTime, 1e-6f);
        ImGui::NewFrame();
        app.frame();
        ImGui::Render();
    };
    app.maps().begin_tick();
    build();

    // Not drawn: a frame while the engine Worker computes, for a moment (App::hold_frame; the
    // browser keeps showing the last one), and a frame that would draw what is on screen already
    // (imgui_gl::same_as_last).
    if (app.hold_frame()) {
        app.frame_not_drawn();
        return;  // not frame_done(): what this frame built is not on screen (a same frame's is)
    }
    // A widget released in this frame (a slider, a button) was drawn still held: ImGui picks its
    // colour before it sees the release, and the next frame draws it hovered. That frame is built
    // at once and drawn instead, so a click is drawn once, not twice in two frames: with software
    // GL each drawn frame costs 60-100 ms of CPU (docs/architecture.md, "Frames").
    if (const ImGuiContext& g = *ImGui::GetCurrentContext(); g.ActiveIdPreviousFrame != 0 && g.ActiveId == 0) {
        app.frame_not_drawn();
        build();
    }
    if (cp::app::imgui_gl::same_as_last(ImGui::GetDrawData(), app.maps().frame_key())) {
        app.frame_not_drawn();
    } else {
        const ImGuiIO& io = ImGui::GetIO();
        // HiDPI: the viewport covers the whole drawing buffer (DisplaySize is in CSS pixels).
        glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
        // The windows' background colour: the tiled panels draw none of their own (App::begin_panel).
        const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        cp::app::imgui_gl::render(ImGui::GetDrawData());
        SDL_GL_SwapWindow(g_window);
    }
    cp::platform::frame_done();
}

}  // namespace

int main(int, char**) {
    // Keyboard events only while the canvas has focus, so the host page keeps its typing
    // (with tabindex=-1 on the canvas and a pointerdown listener that focuses it: web/).
    SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        cp::platform::fatal(std::string("SDL could not start: ") + SDL_GetError());
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    // No depth or stencil buffer: ImGui draws in 2-D, and each would be one more buffer for the
    // software rasterizer to clear every frame.
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    int w = 1280, h = 800;
    cp::platform::initial_size(&w, &h);
    g_window = SDL_CreateWindow("convplay", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    g_gl = g_window ? SDL_GL_CreateContext(g_window) : nullptr;
    if (!g_gl) {
        cp::platform::fatal("This page needs WebGL2, which this browser did not provide.");
        return 1;
    }
    SDL_GL_MakeCurrent(g_window, g_gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no file system; the layout is computed each frame
    // Arrows move between widgets, Space / Enter use them: the playground works without a mouse
    // (Tab and Escape move focus in and out of it, web/playground.js).
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 3;
    style.GrabRounding = 3;
    // Opaque: the canvas is cleared to it under the tiled panels (App::begin_panel), and a
    // floating window (Export, a popup) shows nothing through itself.
    style.Colors[ImGuiCol_WindowBg].w = 1.0f;
    g_base_style = style;
    ImGui_ImplSDL2_InitForOpenGL(g_window, g_gl);
    cp::app::imgui_gl::init();
    cp::platform::init_bridge();
    cp::platform::app().maps().init_gl();
    if (!finish_programs()) return 1;

#ifdef __EMSCRIPTEN__
    emscripten_set_webglcontextlost_callback("#canvas", nullptr, EM_FALSE, on_context_lost);
    emscripten_set_webglcontextrestored_callback("#canvas", nullptr, EM_FALSE, on_context_restored);
    emscripten_set_main_loop_arg(main_loop, nullptr, 0, true);
#else
    for (;;) {
        main_loop(nullptr);
        SDL_Delay(8);
    }
#endif
    return 0;
}
