// MapCache (see gl_maps.hpp).
#include "app/gl_maps.hpp"

#include <algorithm>
#include <utility>

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

void MapCache::describe(MapTexture& m, int slot, bool thumb, const Tensor& t, uint64_t version, int item, int max_c,
                        const std::vector<float>* ranges) {
    const int64_t C = t.shape.size() > 1 ? t.shape[1] : 1;
    const int64_t H = t.shape.size() == 4 ? t.shape[2] : 1;
    const int64_t N = t.shape[0];
    m.version = version;
    m.item = item;
    m.channels = C;
    m.max_c = max_c;
    // The other texture of this slot (thumbnail or full size), done or going up, may hold these
    // values' ranges: a pass over every value (512 channels: millions) is made once per version.
    const auto& others = thumb ? slots_ : thumbs_;
    const auto& others_staged = thumb ? staged_ : staged_thumbs_;
    for (const MapTexture* twin : {others.count(slot) ? &others.at(slot) : nullptr,
                                   others_staged.count(slot) ? &others_staged.at(slot).m : nullptr})
        if (twin && holds(*twin, version, item) && twin->max_c == max_c && !twin->lo.empty()) {
            m.lo = twin->lo, m.hi = twin->hi;
            m.all_lo = twin->all_lo, m.all_hi = twin->all_hi;
            return;
        }
    // Per-channel ranges for the colormap over every channel (values are never clamped before
    // upload), so a shared range does not depend on how many planes are uploaded.
    m.lo.assign(size_t(max_c), 0);
    m.hi.assign(size_t(max_c), 0);
    if (ranges && int64_t(ranges->size()) == 2 * N * C) {
        const float* lo = ranges->data() + item * C;
        m.lo.assign(lo, lo + max_c);
        m.hi.assign(lo + N * C, lo + N * C + max_c);
    } else {
        const int64_t plane = H * t.shape.back();
        plane_ranges(t.ptr() + item * C * plane, max_c, plane, m.lo.data(), m.hi.data());
        range_values_ += max_c * plane;
    }
    m.all_lo = max_c ? *std::min_element(m.lo.begin(), m.lo.end()) : 0;
    m.all_hi = max_c ? *std::max_element(m.hi.begin(), m.hi.end()) : 0;
}

bool MapCache::upload_rows(Staged& s, const float* values, bool at_once) {
    const int64_t h = s.m.h, w = s.m.w, rows = int64_t(s.m.c) * h, row_bytes = w * int64_t(sizeof(float));
    glBindTexture(GL_TEXTURE_2D_ARRAY, s.m.tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    while (s.done < rows) {
        // At least a row a frame, whatever came before it in the frame, so every map gets there.
        const int64_t fit = at_once ? rows : std::max<int64_t>((kFrameUploadBytes - frame_bytes_) / row_bytes, 0);
        const int64_t k = s.done / h, y = s.done % h;
        const int64_t n = std::min(h - y, frame_bytes_ == 0 ? std::max<int64_t>(fit, 1) : fit);
        if (n <= 0) break;
        glTexSubImage3D(GL_TEXTURE_2D_ARRAY, 0, 0, GLint(y), GLint(k), GLsizei(w), GLsizei(n), 1, GL_RED, GL_FLOAT,
                        values + (k * h + y) * w);
        s.done += n;
        frame_bytes_ += n * row_bytes;
    }
    glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
    max_frame_bytes_ = std::max(max_frame_bytes_, frame_bytes_);
    return s.done == rows;
}

const MapTexture& MapCache::get(int slot, const Tensor& t, uint64_t version, int item, int64_t channels,
                                int64_t max_px, const std::vector<float>* ranges) {
    const bool thumb = max_px > 0;
    MapTexture& m = thumb ? thumbs_[slot] : slots_[slot];
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
    const int64_t step = thumb && !signal ? std::max<int64_t>(1, (std::max(H, W) + max_px - 1) / max_px) : 1;
    const bool same_values = holds(m, version, item);
    if (same_values && (m.tex || m.plot_only) && (m.too_big || (m.c >= c && m.step == int(step)))) return m;
    const float* full = t.ptr() + item * C * H * W;
    const bool too_big = (!signal && (H > max_size_ || W > max_size_)) || H * W == 0;
    if (signal || too_big) {
        // Nothing to upload: described at once.
        MapTexture n;
        describe(n, slot, thumb, t, version, item, max_c, ranges);
        n.plot_only = signal;
        n.too_big = too_big;
        if (signal && !too_big) {
            if (c * W <= MapTexture::kKeptSignal) {
                n.signal.shape = {1, c, W};
                n.signal.data.assign(full, full + c * W);
            }
            n.c = c, n.h = 1, n.w = int(W), n.step = 1;
        }
        if (m.tex) glDeleteTextures(1, &m.tex);
        m = std::move(n);
        return m;
    }
    auto& staged = thumb ? staged_thumbs_ : staged_;
    auto it = staged.find(slot);
    if (it != staged.end() && !(holds(it->second.m, version, item) && it->second.m.c >= c && it->second.m.step == int(step))) {
        glDeleteTextures(1, &it->second.m.tex);
        staged.erase(it);
        it = staged.end();
    }
    if (it == staged.end()) {
        Staged s;
        if (same_values) {
            s.m = m;  // more planes of the same values: their description stands
            s.m.tex = 0;
        } else {
            describe(s.m, slot, thumb, t, version, item, max_c, ranges);
        }
        const int64_t h = (H + step - 1) / step, w = (W + step - 1) / step;
        if (step > 1) {
            // A thumbnail: the value at the middle of each step x step block (what NEAREST
            // sampling of the full map at that size shows).
            s.values.resize(size_t(c * h * w));
            for (int64_t k = 0; k < c; ++k)
                for (int64_t y = 0; y < h; ++y) {
                    const float* row = full + (k * H + std::min(H - 1, y * step + step / 2)) * W;
                    float* out = s.values.data() + (k * h + y) * w;
                    for (int64_t x = 0; x < w; ++x) out[x] = row[std::min(W - 1, x * step + step / 2)];
                }
        }
        s.m.step = int(step);
        s.m.c = c, s.m.h = int(h), s.m.w = int(w);
        if (m.tex && m.c == c && m.h == int(h) && m.w == int(w) && c * h * w * int64_t(sizeof(float)) <= kFrameUploadBytes - frame_bytes_) {
            // Fits in this frame: into the texture drawn so far, done before anything draws it.
            s.m.tex = std::exchange(m.tex, 0);
            upload_rows(s, s.values.empty() ? full : s.values.data(), true);
            m = std::move(s.m);
            ++uploads_;
            ++uploads_by_slot_[slot];
            return m;
        }
        glGenTextures(1, &s.m.tex);
        glBindTexture(GL_TEXTURE_2D_ARRAY, s.m.tex);
        // R32F is not filterable in WebGL2: NEAREST, which is what a pixel view wants anyway.
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexStorage3D(GL_TEXTURE_2D_ARRAY, 1, GL_R32F, GLsizei(w), GLsizei(h), c);
        glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
        it = staged.emplace(slot, std::move(s)).first;
    }
    Staged& s = it->second;
    s.frame = frame_;
    // More planes of the values shown go up at once: drawn from the old texture meanwhile, the
    // viewer would show another channel than the one picked.
    if (!upload_rows(s, s.values.empty() ? full : s.values.data(), same_values && m.tex)) return m;
    if (m.tex) glDeleteTextures(1, &m.tex);
    m = std::move(s.m);
    staged.erase(it);
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
    for (auto* staged : {&staged_, &staged_thumbs_})
        for (auto it = staged->lower_bound(slot); it != staged->end();) {
            glDeleteTextures(1, &it->second.m.tex);
            it = staged->erase(it);
        }
}

int MapCache::uploading() const {
    int n = 0;
    for (const auto* staged : {&staged_, &staged_thumbs_})
        for (const auto& [slot, s] : *staged) n += s.frame == frame_;
    return n;
}

void MapCache::begin_frame() {
    pending_.clear();
    for (auto* staged : {&staged_, &staged_thumbs_})
        for (auto it = staged->begin(); it != staged->end();) {
            if (it->second.frame == frame_) {
                ++it;
                continue;
            }
            glDeleteTextures(1, &it->second.m.tex);
            it = staged->erase(it);
        }
    ++frame_;
}

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
    staged_.clear();
    staged_thumbs_.clear();
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
