// MapCache (see gl_maps.hpp).
#include "app/gl_maps.hpp"

#include <algorithm>

#include "app/gl_renderer.hpp"
#include "engine/ranges.hpp"
#include "shaders.gen.hpp"

namespace cp::app {

namespace {

void map_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const auto* p = static_cast<const MapDraw*>(cmd->UserCallbackData);
    p->self->apply(p->style, p->tex, p->w, p->h);
}

}  // namespace

const MapTexture& MapCache::get(int slot, const Tensor& t, uint64_t version, int item, int64_t channels,
                                int64_t max_px, const std::vector<float>* ranges) {
    MapTexture& m = max_px > 0 ? thumbs_[slot] : slots_[slot];
    // [N, C, H, W] or [N, C, L] (then H = 1): batch item `item` is C planes of H*W floats.
    const int64_t C = t.shape.size() > 1 ? t.shape[1] : 1;
    const int max_c = int(std::min<int64_t>(C, max_layers_));
    const int c = int(std::min<int64_t>(max_c, std::max<int64_t>(channels, 1)));
    const int64_t H = t.shape.size() == 4 ? t.shape[2] : 1;
    const int64_t W = t.shape.back();
    const int64_t N = t.shape[0];
    item = int(std::clamp<int64_t>(item, 0, N - 1));
    // A 1-d map is drawn as line plots from its values, never sampled from a texture: nothing
    // is uploaded, so a signal longer than the GPU's widest texture is drawn too.
    const bool signal = t.shape.size() == 3;
    const int64_t step = max_px > 0 && !signal ? std::max<int64_t>(1, (std::max(H, W) + max_px - 1) / max_px) : 1;
    const bool same_values = m.version == version && m.item == item;
    if (same_values && (m.tex || m.plot_only) && (m.too_big || (m.c >= c && m.step == int(step)))) return m;
    m.version = version;
    m.item = item;
    m.channels = C;
    m.max_c = max_c;
    m.plot_only = signal;
    m.too_big = (!signal && (H > max_size_ || W > max_size_)) || H * W == 0;
    if (m.too_big) return m;
    const float* full = t.ptr() + item * C * H * W;
    if (signal && c * W <= MapTexture::kKeptSignal) {
        m.signal.shape = {1, c, W};
        m.signal.data.assign(full, full + c * W);
    } else {
        m.signal = {};
    }
    // The other texture of this slot (thumbnail or full size) may hold these values' ranges: a
    // pass over every value (512 channels: millions) is made once per version.
    const auto& other = max_px > 0 ? slots_ : thumbs_;
    const auto twin = other.find(slot);
    if (!same_values && twin != other.end() && twin->second.version == version && twin->second.item == item &&
        twin->second.max_c == max_c && !twin->second.lo.empty()) {
        m.lo = twin->second.lo, m.hi = twin->second.hi;
        m.all_lo = twin->second.all_lo, m.all_hi = twin->second.all_hi;
    } else if (!same_values) {
        // Per-channel ranges for the colormap over every channel (values are never clamped
        // before upload), so a shared range does not depend on how many planes are uploaded.
        m.lo.assign(size_t(max_c), 0);
        m.hi.assign(size_t(max_c), 0);
        if (ranges && int64_t(ranges->size()) == 2 * N * C) {
            const float* lo = ranges->data() + item * C;
            m.lo.assign(lo, lo + max_c);
            m.hi.assign(lo + N * C, lo + N * C + max_c);
        } else {
            plane_ranges(full, max_c, H * W, m.lo.data(), m.hi.data());
            range_values_ += max_c * H * W;
        }
        m.all_lo = max_c ? *std::min_element(m.lo.begin(), m.lo.end()) : 0;
        m.all_hi = max_c ? *std::max_element(m.hi.begin(), m.hi.end()) : 0;
    }
    if (signal) {
        if (m.tex) glDeleteTextures(1, &m.tex);
        m.tex = 0;
        m.c = c, m.h = 1, m.w = int(W), m.step = 1;
        return m;
    }
    // A thumbnail: the value at the middle of each step x step block (what NEAREST sampling of
    // the full map at that size shows).
    const float* base = full;
    const int64_t h = (H + step - 1) / step, w = (W + step - 1) / step;
    if (step > 1) {
        small_.resize(size_t(c * h * w));
        for (int64_t k = 0; k < c; ++k)
            for (int64_t y = 0; y < h; ++y) {
                const float* row = full + (k * H + std::min(H - 1, y * step + step / 2)) * W;
                float* out = small_.data() + (k * h + y) * w;
                for (int64_t x = 0; x < w; ++x) out[x] = row[std::min(W - 1, x * step + step / 2)];
            }
        base = small_.data();
    }
    m.step = int(step);
    if (!m.tex) glGenTextures(1, &m.tex);
    glBindTexture(GL_TEXTURE_2D_ARRAY, m.tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    if (m.c != c || m.h != int(h) || m.w != int(w)) {
        // R32F is not filterable in WebGL2: NEAREST, which is what a pixel view wants anyway.
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexImage3D(GL_TEXTURE_2D_ARRAY, 0, GL_R32F, GLsizei(w), GLsizei(h), c, 0, GL_RED, GL_FLOAT, base);
        m.c = c, m.h = int(h), m.w = int(w);
    } else {
        glTexSubImage3D(GL_TEXTURE_2D_ARRAY, 0, 0, 0, 0, GLsizei(w), GLsizei(h), c, GL_RED, GL_FLOAT, base);
    }
    glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
    ++uploads_;
    ++uploads_by_slot_[slot];
    return m;
}

const MapTexture* MapCache::peek(int slot, bool thumb) const {
    const auto& maps = thumb ? thumbs_ : slots_;
    auto it = maps.find(slot);
    return it == maps.end() ? nullptr : &it->second;
}

void MapCache::forget_from(int slot) {
    for (auto* maps : {&slots_, &thumbs_})
        for (auto it = maps->lower_bound(slot); it != maps->end();) {
            if (it->second.tex) glDeleteTextures(1, &it->second.tex);
            it = maps->erase(it);
        }
}

void MapCache::begin_frame() { pending_.clear(); }

std::string MapCache::frame_key() const {
    std::string key = std::to_string(uploads_);
    for (const MapDraw& d : pending_) {
        const float f[5] = {d.style.lo, d.style.hi, d.w, d.h, d.style.grid ? 1.0f : 0.0f};
        const int64_t i[3] = {int64_t(d.style.mode), d.style.layer, int64_t(d.tex)};
        key.append(reinterpret_cast<const char*>(f), sizeof f).append(reinterpret_cast<const char*>(i), sizeof i);
    }
    return key;
}

void MapCache::reset_gl() {
    // The old names are not deleted: their objects died with the context, and WebGL warns about
    // deleting them (an entry each stays in Emscripten's id tables).
    for (auto* maps : {&slots_, &thumbs_})
        for (auto& [slot, m] : *maps) m = MapTexture{};
    program_ = 0;
    pending_program_ = PendingProgram{};
    max_layers_ = max_size_ = 0;
    pending_.clear();
    init_gl();
}

void MapCache::draw(ImDrawList* dl, const MapTexture& m, const MapStyle& style, ImVec2 p0, ImVec2 p1, ImVec2 uv0,
                    ImVec2 uv1) {
    if (!m.ready() || !program_ready()) return;
    pending_.push_back({this, style, m.tex, float(m.w), float(m.h)});
    dl->AddCallback(map_callback, &pending_.back());
    // The quad carries ImGui's font texture id: the renderer binds it to unit 0, harmlessly; the
    // shader reads the map array from unit 1.
    dl->AddImage(ImGui::GetIO().Fonts->TexID, p0, p1, uv0, uv1);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void MapCache::init_gl() {
    glGetIntegerv(GL_MAX_ARRAY_TEXTURE_LAYERS, &max_layers_);
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size_);
    // The palettes come from the C++ table (core/colormap.cpp), so the page and `convplay run`
    // PNGs agree. Without the program no map is drawn (the log says why).
    program_ = 0;
    pending_program_ = start_program("colormap", k_imgui_vert, "precision highp float;\n" + colormap_glsl(), k_colormap_frag);
}

bool MapCache::program_ready() {
    if (pending_program_.program) {
        program_ = finish_program(pending_program_);
        if (program_) {
            u_proj_ = glGetUniformLocation(program_, "u_proj");
            u_maps_ = glGetUniformLocation(program_, "u_maps");
            u_mode_ = glGetUniformLocation(program_, "u_mode");
            u_layer_ = glGetUniformLocation(program_, "u_layer");
            u_range_ = glGetUniformLocation(program_, "u_range");
            u_size_ = glGetUniformLocation(program_, "u_size");
            u_grid_ = glGetUniformLocation(program_, "u_grid");
        }
    }
    return program_ != 0;
}

void MapCache::apply(const MapStyle& s, GLuint tex, float w, float h) {
    if (!program_ready()) return;
    // The same orthographic projection ImGui's backend uses.
    const ImDrawData* dd = ImGui::GetDrawData();
    const float L = dd->DisplayPos.x, R = L + dd->DisplaySize.x, T = dd->DisplayPos.y, B = T + dd->DisplaySize.y;
    const float proj[16] = {2 / (R - L), 0, 0, 0, 0, 2 / (T - B), 0, 0, 0, 0, -1, 0, (R + L) / (L - R), (T + B) / (B - T), 0, 1};
    glUseProgram(program_);
    glUniformMatrix4fv(u_proj_, 1, GL_FALSE, proj);
    glUniform1i(u_maps_, 1);
    glUniform1i(u_mode_, int(s.mode));  // the Colormap code: the shader reads CP_MAP_*
    glUniform1i(u_layer_, s.layer);
    glUniform2f(u_range_, s.lo, s.hi);
    glUniform2f(u_size_, w, h);
    glUniform1f(u_grid_, s.grid ? 1.0f : 0.0f);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D_ARRAY, tex);
    glActiveTexture(GL_TEXTURE0);
}

ImU32 map_color(Colormap mode, float t) {
    uint8_t rgb[3];
    colormap_rgb(mode, t, rgb);
    return IM_COL32(rgb[0], rgb[1], rgb[2], 255);
}

}  // namespace cp::app
