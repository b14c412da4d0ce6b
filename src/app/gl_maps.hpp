// Feature maps on the GPU: each tensor (a layer's output, or the input) is uploaded once per new
// version as an R32F texture array, one layer per channel, and drawn through the colormap shader
// (shaders/colormap.*) inside ImGui's draw lists via a draw callback. Range and colormap changes
// are uniforms: they never re-upload.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "app/gl.hpp"
#include "app/gl_renderer.hpp"
#include "core/colormap.hpp"
#include "engine/tensor.hpp"
#include "imgui.h"

namespace cp::app {

struct MapTexture {
    GLuint tex = 0;
    uint64_t version = 0;  // the Session version it holds (0: nothing yet)
    int item = 0;          // batch item uploaded
    int c = 0, h = 0, w = 0;        // channels uploaded (the first c), height, width (as uploaded)
    int step = 1;                   // every step-th value of each axis was uploaded (thumbnails)
    int64_t channels = 0;           // channels in the tensor
    int max_c = 0;                  // channels it can show: the tensor's, capped by the GPU
    std::vector<float> lo, hi;      // per-channel range (all max_c channels, uploaded or not)
    float all_lo = 0, all_hi = 0;   // over all max_c channels
    bool too_big = false;           // wider or taller than the GPU allows
    bool plot_only = false;         // a 1-d map: drawn as line plots from values, no texture
    // A 1-d map's values ([1, c, L]: the uploaded channels of the item, whole length) when at
    // most kKeptSignal floats: a layer being recomputed draws its line plots from them until the
    // new values arrive (a texture is no line). Empty otherwise.
    Tensor signal;
    static constexpr int64_t kKeptSignal = int64_t(1) << 20;
    bool ready() const { return (tex != 0 || plot_only) && version != 0 && !too_big; }
};

struct MapStyle {
    Colormap mode = Colormap::Sequential;  // never Auto: resolved by map_style()
    int layer = 0;            // channel (RGB: first of three)
    float lo = 0, hi = 1;     // values mapped to the ends of the colormap
    bool grid = false;        // texel borders
};

class MapCache;
// What one draw callback needs (lives until the frame is rendered).
struct MapDraw {
    MapCache* self;
    MapStyle style;
    GLuint tex;
    float w, h;
};

class MapCache {
public:
    // The most bytes of values a frame uploads. New values (a layer that arrived, another item)
    // go up in bands of rows into a texture of their own, over as many frames as it takes, and
    // replace the one drawn when complete: a 1024x1024 stack's 12 MB viewer map uploaded in one
    // frame took that frame's viewer 16-182 ms of main thread (10 MB uploads, load 4-5). Not less:
    // each band is one more animation frame to wait for, 20-150 ms apart on a busy machine. More
    // channels of the values already shown (the viewer's channel slider) go up at once.
    static constexpr int64_t kFrameUploadBytes = int64_t(4) << 20;

    // The texture for `slot` (-1 input, else layer index) holding `t` at `version`; uploads when
    // the version, the batch item or the shape changed, or when more than the uploaded channels
    // are wanted. While new values are still going up it returns the texture of the slot's
    // previous values (or one not ready()): `holds(m, version, item)` says whether it shows `t`.
    // `t` is [N, C, H, W] or [N, C, L]. `channels`: how many the caller draws (the
    // first ones: the thumbnail strip's, or the viewer's up to the channel shown, rounded up to a
    // power of two), so a 512-channel layer costs a few planes, not 512.
    // `max_px` > 0: a thumbnail drawn at most max_px device pixels wide or tall: its own texture
    // of every step-th value (nearest, as the GPU would sample it), so a 512x512 map drawn at 72
    // px uploads 64x64 per channel, not 512x512. Ranges are always over every value: `ranges`
    // when given (lo of t's N*C planes, then hi: engine/ranges.hpp, as the engine Worker sends
    // them), else computed here.
    const MapTexture& get(int slot, const Tensor& t, uint64_t version, int item, int64_t channels = INT64_MAX,
                          int64_t max_px = 0, const std::vector<float>* ranges = nullptr);
    const MapTexture* peek(int slot, bool thumb = false) const;
    static bool holds(const MapTexture& m, uint64_t version, int item) { return m.version == version && m.item == item; }
    void forget_from(int slot);  // layers removed from the stack
    // Textures this frame asked for that are still going up: the app wants more frames, and
    // does not count its outputs as shown yet.
    int uploading() const;
    // Completed uploads (a texture now shows new values).
    uint64_t uploads() const { return uploads_; }
    // The most bytes uploaded in one host task (begin_tick) so far (tests: never above kFrameUploadBytes, but
    // for the channel slider's planes).
    int64_t max_frame_bytes() const { return max_frame_bytes_; }
    // Values scanned here for their ranges (none when every tensor came with its ranges).
    int64_t range_values() const { return range_values_; }
    // Uploads of each slot's textures (full size and thumbnail), for the tests.
    const std::map<int, uint64_t>& uploads_by_slot() const { return uploads_by_slot_; }

    // Draws channel(s) of `m` into [p0, p1] of the current window with `style`.
    void draw(ImDrawList* dl, const MapTexture& m, const MapStyle& style, ImVec2 p0, ImVec2 p1,
              ImVec2 uv0 = {0, 0}, ImVec2 uv1 = {1, 1});
    // Frees last frame's callback data (after it was rendered) and drops the uploads in progress
    // that last frame did not ask for (a map no longer drawn).
    void begin_frame();
    // A new main-thread task of the host (one animation frame), which may build two frames
    // (src/platform/main.cpp: a widget's release is built again at once): kFrameUploadBytes is
    // a budget per task, so it starts again here, not in begin_frame.
    void begin_tick() { frame_bytes_ = 0; }
    // What this frame's maps look like besides ImGui's vertices: each one's style, texture and
    // size, and the uploads so far (a texture's values changed). For imgui_gl::same_as_last.
    std::string frame_key() const;
    // Compiles and links the colormap program (program_ready reads the result) and reads the
    // GPU's limits (at start-up).
    void init_gl();
    // Whether the colormap program linked: reads its link status the first time (one wait for
    // the GPU process), then its uniforms' locations. Without it no map is drawn.
    bool program_ready();
    // The WebGL context was lost and then restored: every texture and the program are gone.
    // Forgets them and builds the program again; the next frames upload the maps.
    void reset_gl();

    // Called from ImGui's renderer (the draw callback); public for that only.
    void apply(const MapStyle& s, GLuint tex, float w, float h);

private:
    // New values going up (see kFrameUploadBytes): the texture they will be once `done` of its
    // c * h rows are uploaded; `values` holds a thumbnail's picked values meanwhile (a full-size
    // map reads the caller's tensor, unchanged while its version is).
    struct Staged {
        MapTexture m;
        std::vector<float> values;
        int64_t done = 0;
        uint64_t frame = 0;  // the last frame that asked for it
    };
    // Fills `m`'s description of `t` (all but the texture and its uploaded size), with the
    // ranges from `ranges`, another texture of the same values, or a scan.
    void describe(MapTexture& m, int slot, bool thumb, const Tensor& t, uint64_t version, int item, int max_c,
                  const std::vector<float>* ranges);
    // Uploads rows of `s` within this frame's budget (all of them when `at_once`); true when done.
    bool upload_rows(Staged& s, const float* values, bool at_once);
    std::map<int, MapTexture> slots_, thumbs_;
    std::map<int, Staged> staged_, staged_thumbs_;
    uint64_t frame_ = 0;
    int64_t frame_bytes_ = 0, max_frame_bytes_ = 0;
    std::map<int, uint64_t> uploads_by_slot_;
    std::deque<MapDraw> pending_;  // stable addresses for ImDrawCmd::UserCallbackData
    PendingProgram pending_program_;  // the program until program_ready
    GLuint program_ = 0;
    GLint u_proj_ = -1, u_maps_ = -1, u_mode_ = -1, u_layer_ = -1, u_range_ = -1, u_size_ = -1, u_grid_ = -1;
    GLint max_layers_ = 0, max_size_ = 0;
    uint64_t uploads_ = 0;
    int64_t range_values_ = 0;
};

// The colour palette `mode` gives t in [0, 1] (legends, weight cells): colormap_rgb(), as the shader.
ImU32 map_color(Colormap mode, float t);

}  // namespace cp::app
