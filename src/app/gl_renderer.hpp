// Draws ImGui's draw data with GL ES 3.0 (WebGL2), in place of ImGui's OpenGL3 backend. That
// backend reads back every piece of GL state it changes (about 25 glGetIntegerv / glIsEnabled a
// frame) to restore it afterwards, and makes a vertex array per frame. In a browser each read is
// a synchronous round trip to the GPU process that waits for all the work queued before it: with
// software GL (SwiftShader) that was most of a frame's main-thread time, and seconds at start-up.
// Nothing else draws into this context, so this renderer sets the whole state it needs and reads
// nothing back during a frame. The programs (ImGui's and the feature maps') are compiled and
// linked at start-up, both links asked for before either's status is read (program_ready, from
// platform/main.cpp's start-up: usually one wait for the GPU process, with little queued
// before it). Read in the first frame instead, each wait came behind that frame's uploads and the
// canvas's new buffers.
#pragma once
#include <string>

#include "app/gl.hpp"
#include "imgui.h"

namespace cp::app {

// Vertex attribute locations of every program that draws ImGui's vertices (shaders/imgui.vert):
// ImGui's own and the feature maps' (gl_maps.cpp), so one vertex setup feeds both.
inline constexpr GLuint kAttribPosition = 0, kAttribUV = 1, kAttribColor = 2;

// A program whose link was asked for and whose status was not read yet.
struct PendingProgram {
    GLuint program = 0, vs = 0, fs = 0;
    const char* what = "";
};

// Compiles and links a program from GLSL ES 3.0 bodies (shaders/*.vert|frag; `#version 300 es`
// is prepended, and `frag_prefix` before the fragment body) with the attribute locations above,
// without waiting for the GPU: nothing is read back. Call it at start-up, then finish_program.
PendingProgram start_program(const char* what, const char* vert_body, const std::string& frag_prefix, const char* frag_body);
// The program once linked, or 0 when it did not link (the logs go to stderr, naming it `what`);
// deletes its shaders and empties `p`. Waits for the GPU once (the link status; then its uniform
// locations cost nothing more). 0 for an empty `p`.
GLuint finish_program(PendingProgram& p);

namespace imgui_gl {

// Makes the program (its link asked for: program_ready reads the result), buffers and vertex
// array (after the GL context exists, and again after a context loss: forget() first).
void init();
// Whether the program linked: reads its link status the first time (one wait for the GPU
// process), then its uniforms' locations; false (and a log) when it did not link.
bool program_ready();
// The GL context was lost: its objects are gone. Forgets their names (deleting them would only
// warn).
void forget();
// (Re)uploads ImGui's font atlas (after it was built at a new size) and sets its texture id.
void upload_fonts();
// Draws `dd` into the default framebuffer; leaves the scissor test off, so a glClear before the
// next frame clears everything.
void render(const ImDrawData* dd);
// Whether drawing `dd` now would give exactly the pixels of the frame drawn last: the same draw
// lists (vertices, indices, commands, clip rectangles, textures) and the same `extra` (whatever
// else those pixels depend on: the feature maps' styles and uploads, MapCache::frame_key). Keeps
// this frame's for the next call. The app redraws for a few frames after any input or change, to
// let ImGui settle (hover, active widgets, sizes that follow the last frame's); most of them draw
// what is on screen already, and with software GL (SwiftShader) each costs about 100 ms of CPU at
// 1400x900 on the cores the engine Worker computes on (docs/architecture.md, "Frames").
bool same_as_last(const ImDrawData* dd, const std::string& extra);
// The next same_as_last is false (the GL context was restored: nothing is on screen).
void forget_last();
// ImGui's state for its vertices (program, projection, blending, scissor, vertex array): the
// renderer sets it before drawing and again where a draw list asks (ImDrawCallback_ResetRenderState,
// after a feature map's own program drew).
void setup_state(const ImDrawData* dd);

}  // namespace imgui_gl

}  // namespace cp::app
