// ImGui's renderer with no GL reads during a frame (see gl_renderer.hpp).
#include "app/gl_renderer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "shaders.gen.hpp"

namespace cp::app {

namespace {

GLuint compile(GLenum kind, const std::string& prefix, const char* body) {
    const std::string src = "#version 300 es\n" + prefix + body;
    const char* p = src.c_str();
    GLuint s = glCreateShader(kind);
    if (!s) return 0;
    glShaderSource(s, 1, &p, nullptr);
    glCompileShader(s);
    return s;
}

void print_shader_log(GLuint s, const char* what) {
    char log[1024] = {};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    if (log[0]) std::fprintf(stderr, "%s shader: %s\n", what, log);
}

}  // namespace

PendingProgram start_program(const char* what, const char* vert_body, const std::string& frag_prefix, const char* frag_body) {
    PendingProgram p{0, compile(GL_VERTEX_SHADER, "", vert_body), compile(GL_FRAGMENT_SHADER, frag_prefix, frag_body), what};
    p.program = p.vs && p.fs ? glCreateProgram() : 0;
    if (p.program) {
        glAttachShader(p.program, p.vs);
        glAttachShader(p.program, p.fs);
        glBindAttribLocation(p.program, kAttribPosition, "Position");
        glBindAttribLocation(p.program, kAttribUV, "UV");
        glBindAttribLocation(p.program, kAttribColor, "Color");
        glLinkProgram(p.program);
    }
    return p;
}

GLuint finish_program(PendingProgram& p) {
    GLuint program = p.program;
    if (program) {
        // Only the link status is asked (one wait for the GPU, which compiled both stages
        // meanwhile), not each shader's after its compile.
        GLint ok = 0;
        glGetProgramiv(program, GL_LINK_STATUS, &ok);
        if (!ok) {
            print_shader_log(p.vs, p.what);
            print_shader_log(p.fs, p.what);
            char log[1024] = {};
            glGetProgramInfoLog(program, sizeof log, nullptr, log);
            std::fprintf(stderr, "%s program did not link: %s\n", p.what, log);
            glDeleteProgram(program);
            program = 0;
        }
    }
    if (p.vs) glDeleteShader(p.vs);
    if (p.fs) glDeleteShader(p.fs);
    p = PendingProgram{};
    return program;
}

namespace imgui_gl {

namespace {

GLuint g_program = 0, g_vao = 0, g_vbo = 0, g_ibo = 0, g_font = 0;
// What the last frame drawn drew (same_as_last), and this frame's, as bytes.
std::vector<unsigned char> g_last, g_this;
bool g_forget_last = true;
GLint g_u_proj = -1, g_u_tex = -1;
PendingProgram g_pending;  // the program until program_ready

}  // namespace

bool program_ready() {
    if (g_pending.program) {
        g_program = finish_program(g_pending);
        if (g_program) {
            g_u_proj = glGetUniformLocation(g_program, "u_proj");
            g_u_tex = glGetUniformLocation(g_program, "u_tex");
        }
    }
    return g_program != 0;
}

void init() {
    g_program = 0;
    g_pending = start_program("ImGui", k_imgui_vert, "precision mediump float;\n", k_imgui_frag);
    glGenVertexArrays(1, &g_vao);
    glGenBuffers(1, &g_vbo);
    glGenBuffers(1, &g_ibo);
    // The vertex layout is the vertex array's state: set once.
    glBindVertexArray(g_vao);
    glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g_ibo);
    glEnableVertexAttribArray(kAttribPosition);
    glEnableVertexAttribArray(kAttribUV);
    glEnableVertexAttribArray(kAttribColor);
    const auto at = [](size_t offset) { return reinterpret_cast<const void*>(offset); };
    glVertexAttribPointer(kAttribPosition, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, pos)));
    glVertexAttribPointer(kAttribUV, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, uv)));
    glVertexAttribPointer(kAttribColor, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, col)));
    glBindVertexArray(0);
    ImGuiIO& io = ImGui::GetIO();
    io.BackendRendererName = "convplay_gl_renderer";
}

void forget() {
    g_program = g_vao = g_vbo = g_ibo = g_font = 0;
    g_forget_last = true;
    g_pending = PendingProgram{};
    ImGui::GetIO().Fonts->SetTexID(nullptr);
}

void upload_fonts() {
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    if (!g_font) glGenTextures(1, &g_font);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, g_font);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    g_forget_last = true;   // new glyphs under the same texture name
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(g_font)));
}

namespace {

template <class T>
void put(std::vector<unsigned char>& out, const T* p, size_t n) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    out.insert(out.end(), b, b + n * sizeof(T));
}

}  // namespace

bool same_as_last(const ImDrawData* dd, const std::string& extra) {
    g_this.clear();
    const float view[6] = {dd->DisplayPos.x, dd->DisplayPos.y, dd->DisplaySize.x, dd->DisplaySize.y, dd->FramebufferScale.x,
                           dd->FramebufferScale.y};
    put(g_this, view, 6);
    for (int n = 0; n < dd->CmdListsCount; ++n) {
        const ImDrawList* list = dd->CmdLists[n];
        const int sizes[3] = {list->VtxBuffer.Size, list->IdxBuffer.Size, list->CmdBuffer.Size};
        put(g_this, sizes, 3);
        put(g_this, list->VtxBuffer.Data, size_t(list->VtxBuffer.Size));
        put(g_this, list->IdxBuffer.Data, size_t(list->IdxBuffer.Size));
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            // Field by field (no padding bytes); a callback's data pointer is new each frame: what it
            // draws with is in `extra`.
            const float clip[4] = {cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w};
            const uint64_t rest[5] = {uint64_t(reinterpret_cast<uintptr_t>(cmd.TextureId)), cmd.VtxOffset, cmd.IdxOffset,
                                      cmd.ElemCount, uint64_t(reinterpret_cast<uintptr_t>(cmd.UserCallback))};
            put(g_this, clip, 4);
            put(g_this, rest, 5);
        }
    }
    put(g_this, extra.data(), extra.size());
    const bool same = !g_forget_last && g_this.size() == g_last.size() && std::memcmp(g_this.data(), g_last.data(), g_last.size()) == 0;
    g_forget_last = false;
    g_last.swap(g_this);
    return same;
}

void forget_last() { g_forget_last = true; }

void setup_state(const ImDrawData* dd) {
    const int fb_w = int(dd->DisplaySize.x * dd->FramebufferScale.x), fb_h = int(dd->DisplaySize.y * dd->FramebufferScale.y);
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_STENCIL_TEST);
    glEnable(GL_SCISSOR_TEST);
    glViewport(0, 0, fb_w, fb_h);
    const float L = dd->DisplayPos.x, R = L + dd->DisplaySize.x, T = dd->DisplayPos.y, B = T + dd->DisplaySize.y;
    const float proj[16] = {2 / (R - L), 0, 0, 0, 0, 2 / (T - B), 0, 0, 0, 0, -1, 0, (R + L) / (L - R), (T + B) / (B - T), 0, 1};
    glUseProgram(g_program);
    glUniform1i(g_u_tex, 0);
    glUniformMatrix4fv(g_u_proj, 1, GL_FALSE, proj);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(g_vao);
    glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
}

void render(const ImDrawData* dd) {
    const int fb_w = int(dd->DisplaySize.x * dd->FramebufferScale.x), fb_h = int(dd->DisplaySize.y * dd->FramebufferScale.y);
    if (fb_w <= 0 || fb_h <= 0 || !program_ready()) return;
    setup_state(dd);
    const ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
    for (int n = 0; n < dd->CmdListsCount; ++n) {
        const ImDrawList* list = dd->CmdLists[n];
        // New storage each list (the old one may still be drawn from): no wait either way.
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(list->VtxBuffer.Size) * GLsizeiptr(sizeof(ImDrawVert)), list->VtxBuffer.Data, GL_STREAM_DRAW);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(list->IdxBuffer.Size) * GLsizeiptr(sizeof(ImDrawIdx)), list->IdxBuffer.Data, GL_STREAM_DRAW);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                if (cmd.UserCallback == ImDrawCallback_ResetRenderState) setup_state(dd);
                else cmd.UserCallback(list, &cmd);
                continue;
            }
            const ImVec2 lo((cmd.ClipRect.x - off.x) * scale.x, (cmd.ClipRect.y - off.y) * scale.y);
            const ImVec2 hi((cmd.ClipRect.z - off.x) * scale.x, (cmd.ClipRect.w - off.y) * scale.y);
            if (hi.x <= lo.x || hi.y <= lo.y) continue;
            // GL's y runs up from the bottom.
            glScissor(int(lo.x), int(float(fb_h) - hi.y), int(hi.x - lo.x), int(hi.y - lo.y));
            glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(cmd.GetTexID())));
            glDrawElements(GL_TRIANGLES, GLsizei(cmd.ElemCount), sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                           reinterpret_cast<const void*>(size_t(cmd.IdxOffset) * sizeof(ImDrawIdx)));
        }
    }
    glDisable(GL_SCISSOR_TEST);
    glBindVertexArray(0);
}

}  // namespace imgui_gl

}  // namespace cp::app
