// The platform layer: SDL2 window + GL ES 3.0 (WebGL2) context, Dear ImGui's SDL/OpenGL3
// backends, and the main loop. Under Emscripten the browser drives the loop (one call per
// animation frame); natively it is a plain loop. A frame is skipped entirely when nothing
// happened, so an idle page costs nothing.
#include <SDL.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "app/app.hpp"
#include "app/gl.hpp"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "platform/bridge.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace {

SDL_Window* g_window = nullptr;
SDL_GLContext g_gl = nullptr;
float g_font_scale = 0;  // device pixel ratio the font atlas was built for

// Bakes the font at the device pixel ratio and scales it back, so text is sharp on HiDPI.
void build_font(float dpr) {
    if (dpr == g_font_scale) return;
    g_font_scale = dpr;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.SizePixels = std::round(13.0f * dpr);
    cfg.OversampleH = cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    io.Fonts->AddFontDefault(&cfg);
    io.FontGlobalScale = 1.0f / dpr;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

void main_loop(void*) {
    cp::app::App& app = cp::platform::app();
    bool events = false;
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        ImGui_ImplSDL2_ProcessEvent(&ev);
        events = true;
#ifndef __EMSCRIPTEN__
        if (ev.type == SDL_QUIT) std::exit(0);
#endif
    }
    if (events) app.request_frames(3);
    // Nothing new, nothing running: leave the last frame on screen (no redraw work).
    if (!app.wants_frame()) return;

    int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
    SDL_GL_GetDrawableSize(g_window, &fb_w, &fb_h);
    SDL_GetWindowSize(g_window, &win_w, &win_h);
    const float dpr = win_w > 0 ? float(fb_w) / float(win_w) : 1.0f;
    if (std::fabs(dpr - g_font_scale) > 0.01f) build_font(dpr);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();

    const ImGuiIO& io = ImGui::GetIO();
    // HiDPI: the viewport covers the whole drawing buffer (DisplaySize is in CSS pixels).
    glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
    glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    SDL_GL_SwapWindow(g_window);
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
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 3;
    style.GrabRounding = 3;
    ImGui_ImplSDL2_InitForOpenGL(g_window, g_gl);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    cp::platform::init_bridge();

#ifdef __EMSCRIPTEN__
    emscripten_set_main_loop_arg(main_loop, nullptr, 0, true);
#else
    for (;;) {
        main_loop(nullptr);
        SDL_Delay(8);
    }
#endif
    return 0;
}
