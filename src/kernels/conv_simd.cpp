// SIMD128 convolution and transposed convolution (NCHW, float32), built on conv_tile.hpp.
//
// Conv: the input is copied once per image into a PaddedInput (padding mode resolved, columns
// split by stride phase), then every output row is a run of flat tiles (conv_row_flat) over the
// (tap, input channel) pairs; a 1x1 conv runs conv_row_any's tiles over chunks of pixels.
// Transposed conv: never multiplies by inserted zeros. Output pixel (qy*sh + ry, qx*sw + rx)
// only meets the taps with k*d = r + p (mod s), at input q + (r + p - k*d)/s: each of the sh*sw
// output phases is a small stride-1 convolution of the zero-padded input ("sub-pixel"
// decomposition). Stride 2 zips its two column phases in registers (conv_row_zip2_any); larger
// strides compute the phases into a row buffer and interleave it into the output. When no tap
// reads before its phase position, most phase rows read the input in place (no padded copy).
// Kernel height 3 at stride 2 with enough channels: pairs of phase rows by Winograd F(2,2) along y
// ("row pairs", before ConvTSimd).
#include <algorithm>
#include <optional>
#include <vector>

#include "core/limits.hpp"  // kPointwiseChunk, kPointwiseChunkStride, kPointwiseOverlap*, kRowPairPlaneRows
#include "kernels/conv_tile.hpp"
#include "kernels/padded_input.hpp"
#include "kernels/phase_rows.hpp"
#include "kernels/simd_kernels.hpp"
#include "kernels/winograd_gemm.hpp"  // winograd_input_limit, max_magnitude_bits

namespace cp {

namespace {

constexpr int kOcb = kTileOcb;  // output channels per tile (the 1x1 conv and ConvTSimd; other convs: kFlatOcb)

class ConvSimd final : public LayerKernel {
public:
    ConvSimd(const Geom& g, const float* w, const float* b) : g_(g) {
        // A 1x1, stride-1, unpadded conv reads the input in place: each channel plane is one
        // long row of H*W pixels (a plain GEMM), no padded copy.
        pointwise_ = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 && g.pl == 0 &&
                     g.pr == 0;
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), kv = g.kh * g.kw;
        if (!pointwise_) {
            pad_.plan(g.C_in, g.H, g.W, g.pt, g.pb, g.pl, g.pr, g.sw, g.mode, 0.0f);
            // The padded copy is made a band of output rows at a time, sized to stay in cache
            // between being written and being read.
            const int64_t fits = band_rows_in_cache(g.C_in * pad_.phases * pad_.pcols);
            band_out_ = std::max<int64_t>(1, (fits - (g.kh - 1) * g.dh - 1) / std::max<int64_t>(1, g.sh) + 1);
            band_out_ = std::min(band_out_, g.OH);
            band_rows_ = (band_out_ - 1) * g.sh + (g.kh - 1) * g.dh + 1;
            // The flat tiles' offsets into the band: every tap (ky, kx), and inside it every input
            // channel of a group, the order of the packed weights. One entry per (ky, input
            // channel) instead, its 3 kx taps read at offsets 0, 1, 2 (an offset load and address
            // per 3 taps, not per tap), was no faster on conv 3->16 k3 at 512x512: 1.00-1.02x the
            // time with the kx loop kept a loop, 1.70-1.84x with it unrolled (V8 loaded all 3 taps'
            // vectors first and spilled them). bench/ab.mjs, 2 x 120 and 40 pairs, load 3.6-5.3.
            for (int64_t ky = 0; ky < g.kh; ++ky)
                for (int64_t kx = 0; kx < g.kw; ++kx)
                    for (int64_t ic = 0; ic < cin_g; ++ic)
                        offsets_.push_back(int32_t(pad_.band_offset(ky * g.dh, kx * g.dw, band_rows_) + ic * band_chan()));
        }
        // 1x1: the 4 x 8 tiles of conv_row_any over chunks. The flat 2 x 16 tiles were no faster
        // there (engine A/B, conv 1x1 64->64 at 128x128, CPU time, load 5-7: 1.09x with channel
        // blocks outer, 1.02x with places outer; chunks of 1024 or 4096 pixels 1.02-1.06x).
        for (int64_t grp = 0; grp < g.groups; ++grp)
            pack_group(
                packed_, cout_g, cin_g, int(kv),
                [&](int64_t o, int64_t i, int t) { return w[((grp * cout_g + o) * cin_g + i) * kv + t]; },
                pointwise_ ? kOcb : kFlatOcb);
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override {
        return pointwise_ ? "f32_conv2d_1x1_4x8" CP_SIMD_SUFFIX : "f32_conv2d_2x16" CP_SIMD_SUFFIX;
    }
    size_t scratch_floats() const override {
        return pointwise_ ? size_t(2 * g_.cin_g() * kPointwiseChunkStride) : size_t(band_chan() * g_.C_in);
    }
    size_t packed_bytes() const override { return (packed_.size() + bias_.size() + offsets_.size()) * 4; }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: output rows of every image (1x1: chunks of pixels of every image and group).
    int64_t parts() const override { return pointwise_ ? g_.N * g_.groups * chunks() : g_.N * g_.OH; }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        if (pointwise_) return run_pointwise(in, out, scratch, first, last);
        const Geom& g = g_;
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), kv = g.kh * g.kw;
        for (int64_t r = first; r < last;) {
            const int64_t n = r / g.OH, oy0 = r % g.OH;
            const int64_t nb = std::min({band_out_, g.OH - oy0, last - r});
            r += nb;
            pad_.fill_rows(in + n * g.C_in * g.H * g.W, scratch, oy0 * g.sh, (nb - 1) * g.sh + (g.kh - 1) * g.dh + 1,
                           band_rows_);
            // Output rows outer: a row's input (every channel, kh rows) stays in cache while all
            // the output channels that need it run.
            for (int64_t grp = 0; grp < g.groups; ++grp)
                for (int64_t oy = oy0; oy < oy0 + nb; ++oy) {
                    const int64_t oc = grp * cout_g;
                    const TileArgs a{
                        // output row oy reads band rows (oy - oy0)*sh + ky*dh (the offsets add ky*dh)
                        .in = scratch + grp * cin_g * band_chan() + (oy - oy0) * g.sh * pad_.pcols,
                        .taps = offsets_.data(),
                        .ntaps = int(offsets_.size()),
                        .w = packed_.data() + oc * cin_g * kv,
                        .bias = bias_.empty() ? nullptr : bias_.data() + oc,
                        .out = out + ((n * g.C_out + oc) * g.OH + oy) * g.OW,
                        .out_plane = g.OH * g.OW,
                    };
                    conv_row_flat(a, cout_g, g.OW);
                }
        }
    }

private:
    // 1x1 convs: chunks of kPointwiseChunk pixels of every input channel are copied side by side
    // into scratch, kPointwiseChunkStride floats apart (core/limits.hpp). Reading the planes in
    // place would put every channel at the same cache set whenever H*W is a power of two (64
    // planes of 128x128 thrash an 8-way L1; read in place, 64->64 on 128x128 ran 3.4x slower in a
    // scratch wasm microbenchmark, not kept). Two buffers: while the tiles read one chunk, they
    // copy the next part's chunk into the other, a run of 32 floats before every tile (PlaneCopy),
    // so the copy's loads overlap their arithmetic, where that pays (kPointwiseOverlapCin and
    // kPointwiseOverlapBytes, core/limits.hpp), else after the tiles. Copying apart from the tiles
    // took ~12 % of that layer's time (the same microbenchmark); interleaved, engine A/B 0.92x
    // (bench/ab.mjs, load 6); chunks of 128-1024 pixels measured alike.
    int64_t chunks() const { return (g_.H * g_.W + kPointwiseChunk - 1) / kPointwiseChunk; }

    struct Chunk {
        int64_t n, grp, x0, len;  // image, group, first pixel, pixels
    };
    Chunk chunk(int64_t part) const {
        const int64_t hw = g_.H * g_.W, x0 = part % chunks() * kPointwiseChunk;
        return {part / (g_.groups * chunks()), part / chunks() % g_.groups, x0, std::min(kPointwiseChunk, hw - x0)};
    }
    // The copy of part's chunk into dst (zeros after it: what a partial tile may read).
    PlaneCopy chunk_copy(const float* in, int64_t part, float* dst, int64_t steps) const {
        const Chunk c = chunk(part);
        const int64_t hw = g_.H * g_.W;
        return PlaneCopy(in + (c.n * g_.C_in + c.grp * g_.cin_g()) * hw + c.x0, hw, dst, kPointwiseChunkStride,
                         g_.cin_g(), c.len, steps);
    }

    void run_pointwise(const float* in, float* out, float* scratch, int64_t first, int64_t last) const {
        const Geom& g = g_;
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), hw = g.H * g.W;
        static const int32_t zero_tap = 0;
        float* buf[2] = {scratch, scratch + cin_g * kPointwiseChunkStride};
        if (first < last) chunk_copy(in, first, buf[0], 0).finish();
        // The next part's copy: spread over this part's tiles, or after them.
        const bool overlap = cin_g >= kPointwiseOverlapCin && cin_g * hw * 4 >= kPointwiseOverlapBytes;
        for (int64_t part = first, cur = 0; part < last; ++part, cur ^= 1) {
            const Chunk c = chunk(part);
            int64_t tiles = 0;  // the steps the next copy is spread over: only when it overlaps
            for (int64_t ob = 0; overlap && ob < cout_g; ob += kOcb)
                tiles += conv_row_main_tiles(int(std::min<int64_t>(kOcb, cout_g - ob)), c.len);
            std::optional<PlaneCopy> next;
            if (part + 1 < last) next.emplace(chunk_copy(in, part + 1, buf[cur ^ 1], tiles));
            PlaneCopy* copy = overlap && next ? &*next : nullptr;
            const float* w = packed_.data() + c.grp * cout_g * cin_g;
            for (int64_t ob = 0; ob < cout_g; ob += kOcb) {
                const int ocb = int(std::min<int64_t>(kOcb, cout_g - ob));
                const int64_t oc = c.grp * cout_g + ob;
                const TileArgs a{
                    .in = buf[cur],
                    .chan_plane = kPointwiseChunkStride,
                    .taps = &zero_tap,
                    .ntaps = 1,
                    .cin = int(cin_g),
                    .w = w,
                    .bias = bias_.empty() ? nullptr : bias_.data() + oc,
                    .out = out + (c.n * g.C_out + oc) * hw + c.x0,
                    .out_plane = hw,
                };
                if (copy) conv_row_copying(ocb, a, c.len, copy);
                else conv_row_any(ocb, a, c.len);
                w += ocb * cin_g;
            }
            if (next) next->finish();
        }
    }

    int64_t band_chan() const { return pad_.phases * band_rows_ * pad_.pcols; }

    Geom g_;
    bool pointwise_ = false;
    int64_t band_out_ = 1, band_rows_ = 1;  // output rows per band, padded rows they read
    PaddedInput pad_;
    std::vector<int32_t> offsets_;  // the flat tiles' (tap, input channel) offsets
    std::vector<float> packed_, bias_;
};

// Row pairs (Winograd F(2,2) along y, make_convt_simd's row_pairs): at stride 2 with kernel
// height 3 one row phase has 2 taps, so its phase rows q and q + 1 are y0 = g0 x0 + g1 x1 and
// y1 = g0 x1 + g1 x2 (x0, x1, x2: consecutive band rows; g0, g1: the two taps' weights, summed
// over column taps and input channels). For q even, M1 = (g0 + g1) x1 goes into the row buffer
// unzipped (with the bias), and M0 = g0 (x0 - x1), M2 = g1 (x2 - x1) start from it: y0 = M0 + M1,
// y1 = M1 + M2, 3 row passes instead of 4 (each pass: conv_tile_zip2 over both column phases). The
// difference rows of every channel are written just before the pair's tiles (transform_pair).
// Parts are pairs, so 1-3 threads split at the same rows; a pair whose input rows hold a value
// above winograd_input_limit's bound (or NaN, or weights that rule it out) runs the plain tiles.
// It pays where the difference rows serve two or more blocks of output channels, not at 3
// channels, where the tiles already run at about two mul+add pairs a cycle (no FMA) and what a
// transform adds (stores, subtractions on the add pipes, loads) cost about as much as the
// products it saved. bench/ab.mjs against the kernel without row pairs (Node 20, min of both orders,
// 150-300 pairs, load 1-5.5), convT k3 s2 p1 op1:
// - 16->3 at 256x256: 0.88-1.03x (medians 0.94-1.00x); without the difference rows (stale)
//   0.91x, so their stores cost ~7 %. Made in the band copy instead 1.06-1.16x, spread between
//   the tiles 1.04-1.26x, subtracted inside the tiles (no rows) 0.94-1.04x.
// - at 256x256 16->5 0.84-0.95x, 16->8 0.73-0.92x (medians 0.87-0.93x), 16->11 0.90-0.92x, 8->8
//   0.96-0.99x (medians 0.86-0.97x), 6->8 0.99-1.00x; 48->6 at 128x128 0.84-0.92x, 16->6 at 64x64
//   0.94-0.96x.
// F(2,2) along x on the 2-tap column phase (pairs of columns; planes x0 - x1, x1, x2 - x1 per band
// row; the 1-tap phase through conv_row) took 1.33-1.61x on 16->3: its tile of 3 channels x 4
// pairs has 12 loads (3 pixel vectors, 9 splats) per 9 mul+add pairs, and no room for a wider one.
class ConvTSimd final : public LayerKernel {
public:
    ConvTSimd(const Geom& g, const float* w, const float* b, bool row_pairs) : g_(g) {
        // Output phases and their taps; the input margin covers the most negative offset.
        int64_t margin_y = 0, margin_x = 0, max_cy = 0, max_cx = 0;
        for (int64_t r = 0; r < g.sh; ++r) {
            ty_.push_back(phase_taps(r, g.kh, g.sh, g.dh, g.pt));
            for (const PhaseTap& t : ty_.back()) margin_y = std::max(margin_y, -t.c), max_cy = std::max(max_cy, t.c);
        }
        for (int64_t r = 0; r < g.sw; ++r) {
            tx_.push_back(phase_taps(r, g.kw, g.sw, g.dw, g.pl));
            for (const PhaseTap& t : tx_.back()) margin_x = std::max(margin_x, -t.c), max_cx = std::max(max_cx, t.c);
        }
        my_ = margin_y, mx_ = margin_x;
        // Rows/columns of phase outputs: q in [0, ceil(OH/sh)); they read q + c + margin.
        qh_ = (g.OH + g.sh - 1) / g.sh, qw_ = (g.OW + g.sw - 1) / g.sw;
        const int64_t need_rows = std::max(g.H + my_, qh_ + max_cy + my_);
        const int64_t need_cols = std::max(g.W + mx_, qw_ + max_cx + mx_);
        pad_.plan(g.C_in, g.H, g.W, my_, need_rows - g.H - my_, mx_, need_cols - g.W - mx_, 1, PadMode::Zeros, 0.0f);
        // The padded copy is made a band of phase rows at a time: phase rows [q0, q0 + nb) read
        // padded rows [q0, q0 + nb + halo), about kBandScale times band_rows_in_cache's 256 KiB.
        halo_ = my_ + max_cy;
        // Direct rows: with no margin before the input (every tap offset >= 0), the phase rows
        // whose reads (and a tile's overrun of up to one row) stay inside the input read it in
        // place, and only the last rows go through the padded copy. A tile reading past a row's
        // last column sees the next row instead of zeros: the few phase columns where that happens
        // (q + c >= W) are recomputed afterwards (fix_columns). A row's reads may overrun it by at
        // most W floats (into the next row, which direct rows always have); else the copy stays.
        // Only for a few input channels (kDirectMaxCin): a tile reads every channel plane at
        // once, and with 16 planes of a 256x256 input (all at the same cache set) direct rows ran
        // 1.7-1.9x slower than the band copy; with 3-4 channels the copy cost more than it saved.
        // Reading only some channels in place at stride 2 (the rest from the band, a pointer per
        // (tap, channel) row, zero-padded copies of the rows' ends; outputs equal bit for bit) was
        // no faster on convT 16->3 k3 s2 p1 op1 at 256x256: 4, 8 or 12 of 16 channels 0.99-1.07x
        // the band copy's time, 6 or 8 input channels all in place (no copy) 0.98-1.01x. What the
        // copy seems to cost (a stale band, no input read at all: 0.81-0.91x) is the input's first
        // touch from memory, paid either way; reading the next band's rows ahead (a load a cache
        // line) between phase rows: 0.99-1.03x (bench/ab.mjs, 150 pairs, min of both orders, load
        // 11-16).
        if (my_ == 0 && mx_ == 0 && qw_ + max_cx + kTileOverrun <= 2 * g.W && g.cin_g() <= kDirectMaxCin)
            direct_q_ = std::clamp<int64_t>(g.H - max_cy - 1, 0, qh_);
        band_q_ = std::clamp<int64_t>(kBandScale * band_rows_in_cache(g.C_in * pad_.pcols) - halo_, 1,
                                      std::max<int64_t>(1, qh_ - direct_q_));
        pairs_ = row_pairs && g.sh == 2 && g.dh == 1 && g.kh == 3 && g.sw == 2 && direct_q_ == 0;
        if (pairs_) band_q_ = std::max<int64_t>(2, band_q_ / 2 * 2);  // bands of whole pairs
        band_rows_ = band_q_ + halo_;
        band_pitch_ = band_pitch_rows(band_rows_, pad_.pcols, g.C_in);

        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), kv = g.kh * g.kw;
        for (int64_t ry = 0; ry < g.sh; ++ry)
            for (int64_t rx = 0; rx < g.sw; ++rx) {
                Phase ph;
                ph.ry = ry, ph.rx = rx;
                std::vector<int64_t> kidx;
                for (const PhaseTap& ty : ty_[size_t(ry)])
                    for (const PhaseTap& tx : tx_[size_t(rx)]) {
                        ph.taps.push_back(int32_t((ty.c + my_) * pad_.pcols + tx.c + mx_));
                        ph.taps_in.push_back(int32_t(ty.c * g.W + tx.c));
                        kidx.push_back(ty.k * g.kw + tx.k);
                    }
                ph.w_offset = int64_t(packed_.size());
                // weight[ic][oc_local][ky][kx] of group grp, gathered per tap
                for (int64_t grp = 0; grp < g.groups; ++grp)
                    pack_group(packed_, cout_g, cin_g, int(kidx.size()), [&](int64_t o, int64_t i, int t) {
                        return w[((grp * cin_g + i) * cout_g + o) * kv + kidx[size_t(t)]];
                    });
                phases_.push_back(std::move(ph));
            }
        if (pairs_) pack_pairs(w, b);
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override {
        return pairs_ ? "f32_deconv2d_subpixel_rowpairs_4x8" CP_SIMD_SUFFIX
                      : "f32_deconv2d_subpixel_4x8" CP_SIMD_SUFFIX;
    }
    size_t scratch_floats() const override {
        return size_t(g_.C_in * band_chan() + g_.sw * kOcb * (qw_ + 16) +
                      (pairs_ ? g_.C_in * ychan() + kFlagFloats * band_rows_ : 0));
    }
    size_t packed_bytes() const override { return (packed_.size() + ypacked_.size() + bias_.size()) * 4; }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: phase rows q of every image (each makes output rows q*sh + ry for every ry).
    // With row pairs, pairs of phase rows (2p, 2p + 1).
    int64_t parts() const override { return g_.N * per_image(); }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        const Geom& g = g_;
        const int64_t cout_g = g.cout_g(), per = per_image(), rows_per = pairs_ ? 2 : 1;
        // One buffer row per (column phase, channel of the block): the phases of an output row
        // are computed side by side, then interleaved into it.
        float* rowbuf = scratch + g.C_in * band_chan();
        float* ybuf = rowbuf + g.sw * kOcb * (qw_ + 16);
        float* flags = ybuf + g.C_in * ychan();
        for (int64_t r = first; r < last;) {
            const int64_t n = r / per, q0 = r % per * rows_per;
            const float* img = in + n * g.C_in * g.H * g.W;
            const bool direct = q0 < direct_q_;
            const int64_t nparts =
                std::min({(direct ? direct_q_ - q0 : band_q_) / rows_per, per - q0 / rows_per, last - r});
            const int64_t nb = std::min(nparts * rows_per, qh_ - q0);
            r += nparts;
            const int64_t chan_plane = direct ? g.H * g.W : band_chan();
            float* bits = flags + nb + halo_;  // the band rows' magnitudes, for the pairs' check
            if (pairs_) simd::fill_floats(bits, 4 * (nb + halo_), 0.0f);
            if (!direct) pad_.fill_rows(img, scratch, q0, nb + halo_, band_pitch_, pairs_ ? bits : nullptr);
            if (pairs_) pair_flags(bits, nb, q0, flags);
            // Phase rows outer, then their row phases, channel blocks inner: the input rows a
            // phase row reads stay in cache while every row phase and block uses them.
            for (int64_t q = q0; q < q0 + nb; ++q)
                for (int64_t ry = 0; ry < g.sh; ++ry) {
                    if (q * g.sh + ry >= g.OH) continue;
                    if (pairs_ && ry == wry_ && flags[(q - q0) / 2] == 0.0f) {  // both rows of the pair at once
                        if ((q - q0) % 2 == 0) {
                            transform_pair(scratch, q - q0, ybuf);
                            for (int64_t grp = 0; grp < g.groups; ++grp)
                                pair_rows(scratch, ybuf, q - q0, n, q, grp, rowbuf, out);
                        }
                        continue;
                    }
                    for (int64_t grp = 0; grp < g.groups; ++grp)
                        for (int64_t ob = 0; ob < cout_g; ob += kOcb) {
                            const int ocb = int(std::min<int64_t>(kOcb, cout_g - ob));
                            const int64_t oc = grp * cout_g + ob;
                            const float* bias = bias_.empty() ? nullptr : bias_.data() + oc;
                            // phase row q reads the input itself, or the band copy of padded rows from q0
                            const float* band = direct ? img + q * g.W : scratch + (q - q0) * pad_.pcols;
                            float* orow = out + ((n * g.C_out + oc) * g.OH + q * g.sh + ry) * g.OW;
                            const auto args = [&](const Phase& ph) {
                                return phase_args(ph, band, chan_plane, direct, grp, ob, bias);
                            };
                            if (g.sw == 2) {  // both column phases in one zipped pass (ocb <= kOcb = 4)
                                conv_row_zip2_any(ocb, args(phases_[size_t(ry * 2)]), args(phases_[size_t(ry * 2 + 1)]),
                                                  orow, g.OH * g.OW, g.OW);
                            } else {
                                row_phases(args, ry, ocb, bias, rowbuf, orow);
                            }
                            if (direct) fix_columns(img, q, ry, grp, ob, ocb, bias, orow);
                        }
                }
        }
    }

private:
    int64_t per_image() const { return pairs_ ? (qh_ + 1) / 2 : qh_; }

    // Row pairs: per column phase rx, the weights of M0, M1, M2 (g0, g0 + g1, g1 of the 2-tap
    // row phase's taps), packed for conv_tile_zip2 with the phase's column taps.
    void pack_pairs(const float* w, const float* b) {
        const Geom& g = g_;
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), kv = g.kh * g.kw;
        wry_ = ty_[0].size() == 2 ? 0 : 1;
        const std::vector<PhaseTap>& t2 = ty_[size_t(wry_)];
        const bool lo_first = t2[0].c < t2[1].c;
        const int64_t k0 = lo_first ? t2[0].k : t2[1].k, k1 = lo_first ? t2[1].k : t2[0].k;
        yc0_ = std::min(t2[0].c, t2[1].c) + my_;
        int64_t ntx = 1;
        for (int m = 0; m < 3; ++m)
            for (int64_t rx = 0; rx < 2; ++rx) {
                const std::vector<PhaseTap>& tx = tx_[size_t(rx)];
                ntx = std::max<int64_t>(ntx, int64_t(tx.size()));
                yoff_[m][rx] = int64_t(ypacked_.size());
                for (int64_t grp = 0; grp < g.groups; ++grp)
                    pack_group(ypacked_, cout_g, cin_g, int(tx.size()), [&](int64_t o, int64_t i, int t) {
                        const float* k = w + ((grp * cin_g + i) * cout_g + o) * kv + tx[size_t(t)].k;
                        return m == 0 ? k[k0 * g.kw] : m == 2 ? k[k1 * g.kw] : k[k0 * g.kw] + k[k1 * g.kw];
                    });
            }
        for (int64_t rx = 0; rx < 2; ++rx)
            for (const PhaseTap& t : tx_[size_t(rx)]) xtaps_[rx].push_back(int32_t(t.c + mx_));
        ypitch_ = std::min(band_pitch_rows(2, pad_.pcols, g.C_in), kRowPairPlaneRows);
        limit_ = winograd_input_limit({2, 2, 8}, cin_g * ntx, w, g.C_in * cout_g * kv, b, b ? g.C_out : 0);
    }

    // flags[p] = 0 where the pair of phase rows (q0 + 2p, q0 + 2p + 1) takes the row pairs: both
    // rows are in the band and the output, and the band rows it reads (x0..x2, from 2p + yc0_)
    // hold no magnitude above limit_ (nor NaN); bits: 4 floats of magnitudes per band row.
    void pair_flags(const float* bits, int64_t nb, int64_t q0, float* flags) const {
        for (int64_t p = 0; 2 * p < nb; ++p) {
            bool ok = 2 * p + 1 < nb && (q0 + 2 * p + 1) * 2 + wry_ < g_.OH && limit_ >= 0;
            for (int64_t r = 2 * p + yc0_; ok && r <= 2 * p + yc0_ + 2; ++r)
                ok = magnitudes_within(wasm_v128_load(bits + 4 * r), float(limit_));
            flags[p] = ok ? 0.0f : 1.0f;
        }
    }

    // The pair at band rows x0..x2 (from i + yc0_): A = x0 - x1 (ybuf row 0) and C = x2 - x1 (row
    // 1) of every channel, made just before the tiles read them (still in L1).
    CP_NO_BUILTIN_MEMCPY void transform_pair(const float* band, int64_t i, float* ybuf) const {
        const int64_t cols = pad_.pcols;
        for (int64_t c = 0; c < g_.C_in; ++c) {
            const float* x0 = band + c * band_chan() + (i + yc0_) * cols;
            const float* x1 = x0 + cols;
            const float* x2 = x1 + cols;
            float* a = ybuf + c * ychan();
            float* cc = a + cols;
            int64_t j = 0;
            for (; j + 4 <= cols; j += 4) {
                const v128_t v1 = wasm_v128_load(x1 + j);
                wasm_v128_store(a + j, wasm_f32x4_sub(wasm_v128_load(x0 + j), v1));
                wasm_v128_store(cc + j, wasm_f32x4_sub(wasm_v128_load(x2 + j), v1));
            }
            for (; j < cols; ++j) a[j] = x0[j] - x1[j], cc[j] = x2[j] - x1[j];
        }
    }

    // Output rows (q, q + 1) * 2 + wry_ of every channel of group grp from the pair at band row i:
    // M1 (bias included) into the row buffer, then M0 and M2 start from it.
    void pair_rows(const float* band, const float* ybuf, int64_t i, int64_t n, int64_t q, int64_t grp, float* rowbuf,
                   float* out) const {
        const Geom& g = g_;
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), rb_plane = qw_ + 16;
        for (int64_t ob = 0; ob < cout_g; ob += kOcb) {
            const int ocb = int(std::min<int64_t>(kOcb, cout_g - ob));
            const int64_t oc = grp * cout_g + ob;
            const auto args = [&](int m, int64_t rx) {
                const bool plain = m == 1;
                return TileArgs{
                    .in = plain ? band + grp * cin_g * band_chan() + (i + yc0_ + 1) * pad_.pcols
                                : ybuf + grp * cin_g * ychan() + m / 2 * pad_.pcols,
                    .chan_plane = plain ? band_chan() : ychan(),
                    .taps = xtaps_[rx].data(),
                    .ntaps = int(xtaps_[rx].size()),
                    .cin = int(cin_g),
                    .w = ypacked_.data() + yoff_[m][rx] + oc * cin_g * int64_t(xtaps_[rx].size()),
                    .bias = bias_.empty() ? nullptr : bias_.data() + oc,
                };
            };
            float* orow = out + ((n * g.C_out + oc) * g.OH + q * 2 + wry_) * g.OW;
            const int64_t plane = g.OH * g.OW;
            conv_row_zip2_any<ZipMode::kToRow>(ocb, args(1, 0), args(1, 1), nullptr, 0, g.OW, rowbuf, rb_plane);
            conv_row_zip2_any<ZipMode::kFromRow>(ocb, args(0, 0), args(0, 1), orow, plane, g.OW, rowbuf, rb_plane);
            conv_row_zip2_any<ZipMode::kFromRow>(ocb, args(2, 0), args(2, 1), orow + 2 * g.OW, plane, g.OW, rowbuf,
                                                 rb_plane);
        }
    }
    int64_t ychan() const { return ypitch_ * pad_.pcols; }

    // Pixels a row's last tile may read past its last phase column (the widest tile, 4 vectors).
    static constexpr int64_t kTileOverrun = 16;
    static constexpr int64_t kDirectMaxCin = 4;  // input channels per group, at most, for direct rows
    // Bands of about 1 MiB (a core's L2 cache on the benchmark machine, AMD EPYC), not the 256
    // KiB band_rows_in_cache aims at: measured faster on large inputs, where the copy is the first
    // touch of the input (from memory) and the tiles read the band back from L2 either way; which
    // part of the copy gains was not pinned down. bench/ab.mjs against 256 KiB bands (Node, one
    // process, alternating in both orders, load 2-2.6, min and median): convT 16->3 k3 s2 p1 op1
    // on 256x256 0.94-0.97x the time (300 pairs), 16->1 0.90-0.96x, 16->4 0.95-0.98x, 16->8
    // 0.97-0.99x; 64x64 inputs (one band either way), 16->3 k5 s3 and 16->3 k4 s2 on 128x128 and
    // 64->3 k3 s2 on 128x128 0.97-1.03x (80 pairs); outputs equal bit for bit. Larger bands gained
    // little more (the whole image as one band, 4.3 MB a thread: 0.97-1.00x these). Half bands
    // in two buffers, the next band copied 32 floats at a time between the tiles of this one,
    // ran 1.05-1.14x the 256 KiB bands' time (the same without the overlap: 1.07-1.13x).
    static constexpr int64_t kBandScale = 4;

    struct Phase {
        int64_t ry = 0, rx = 0;
        std::vector<int32_t> taps;     // tap offsets in the padded copy
        std::vector<int32_t> taps_in;  // the same taps in the input itself (direct rows)
        int64_t w_offset = 0;
    };

    // Output row q*sh + ry of channels [ob, ob + ocb) for strides other than 2: each column phase
    // into the row buffer (stride 1: straight into the output), then interleaved.
    template <class Args>
    void row_phases(const Args& args, int64_t ry, int ocb, const float* bias, float* rowbuf, float* orow) const {
        const Geom& g = g_;
        const int64_t rb_plane = qw_ + 16;
        for (int64_t rx = 0; rx < g.sw; ++rx) {
            const Phase& ph = phases_[size_t(ry * g.sw + rx)];
            const int64_t cols = (g.OW - rx + g.sw - 1) / g.sw;
            float* dst = g.sw == 1 ? orow : rowbuf + rx * kOcb * rb_plane;
            const int64_t dst_plane = g.sw == 1 ? g.OH * g.OW : rb_plane;
            if (cols <= 0) continue;
            if (ph.taps.empty()) {  // no tap reaches this phase: bias only
                for (int o = 0; o < ocb; ++o)
                    std::fill(dst + o * dst_plane, dst + o * dst_plane + cols, bias ? bias[o] : 0.0f);
                continue;
            }
            TileArgs a = args(ph);
            a.out = dst, a.out_plane = dst_plane;
            conv_row_any(ocb, a, cols);
        }
        if (g.sw > 1)
            interleave_phases(rowbuf, kOcb * rb_plane, rb_plane, ocb, g.sw, orow, g.OH * g.OW, g.OW);
    }

    // A direct row's phase columns whose taps reach past the input's last column (q + c >= W: the
    // tiles read the next row there), recomputed one pixel at a time with zeros past the edge, in
    // the tiles' order of summation (taps outer, input channels inner), so they equal the padded
    // copy's result.
    void fix_columns(const float* img, int64_t q, int64_t ry, int64_t grp, int64_t ob, int ocb, const float* bias,
                     float* orow) const {
        const Geom& g = g_;
        const int64_t cin_g = g.cin_g();
        for (int64_t rx = 0; rx < g.sw; ++rx) {
            const Phase& ph = phases_[size_t(ry * g.sw + rx)];
            const std::vector<PhaseTap>& ty = ty_[size_t(ry)];
            const std::vector<PhaseTap>& tx = tx_[size_t(rx)];
            if (tx.empty() || ty.empty()) continue;
            int64_t max_c = 0;
            for (const PhaseTap& t : tx) max_c = std::max(max_c, t.c);
            const int64_t cols = (g.OW - rx + g.sw - 1) / g.sw, ntaps = int64_t(ph.taps.size());
            const float* w = packed_.data() + ph.w_offset + (grp * g.cout_g() + ob) * cin_g * ntaps;
            for (int64_t qx = std::max<int64_t>(0, g.W - max_c); qx < cols; ++qx)
                for (int o = 0; o < ocb; ++o) {
                    float acc = bias ? bias[o] : 0.0f;
                    int64_t t = 0;
                    for (const PhaseTap& a : ty)
                        for (const PhaseTap& b : tx) {
                            const int64_t ix = qx + b.c;
                            const float* x = img + (grp * cin_g * g.H + q + a.c) * g.W + ix;
                            for (int64_t ic = 0; ic < cin_g; ++ic, x += g.H * g.W)
                                acc = acc + (ix < g.W ? *x : 0.0f) * w[(t * cin_g + ic) * ocb + o];
                            ++t;
                        }
                    orow[o * g.OH * g.OW + qx * g.sw + rx] = acc;
                }
        }
    }

    // What every tile of phase `ph` reads for output-channel block `ob` of group `grp`; `band` is
    // where the phase row's first input row starts (in the input itself for a direct row, else in
    // the band copy), channels chan_plane apart; the caller sets where it writes.
    TileArgs phase_args(const Phase& ph, const float* band, int64_t chan_plane, bool direct, int64_t grp, int64_t ob,
                        const float* bias) const {
        const int64_t cin_g = g_.cin_g(), ntaps = int64_t(ph.taps.size());
        return {
            .in = band + grp * cin_g * chan_plane,
            .chan_plane = chan_plane,
            .taps = direct ? ph.taps_in.data() : ph.taps.data(),
            .ntaps = int(ntaps),
            .cin = int(cin_g),
            .w = packed_.data() + ph.w_offset + (grp * g_.cout_g() + ob) * cin_g * ntaps,
            .bias = bias,
        };
    }
    int64_t band_chan() const { return band_pitch_ * pad_.pcols; }

    Geom g_;
    std::vector<std::vector<PhaseTap>> ty_, tx_;
    int64_t my_ = 0, mx_ = 0, qh_ = 0, qw_ = 0;
    int64_t halo_ = 0, band_q_ = 1, band_rows_ = 1;  // padded rows past a band's last q; qs per band; rows
    int64_t band_pitch_ = 1;                          // rows per channel plane of the band (band_pitch_rows)
    int64_t direct_q_ = 0;                           // phase rows below this read the input in place
    bool pairs_ = false;                             // row pairs (the comment before the class)
    int64_t wry_ = 0, yc0_ = 0;                      // the 2-tap row phase; its first band row
    int64_t ypitch_ = 1;                             // rows per channel plane of the difference rows
    double limit_ = -1;                              // pairs whose inputs exceed it run the plain tiles
    int64_t yoff_[3][2] = {};                        // M0..M2, column phase: their packed weights
    std::vector<int32_t> xtaps_[2];                  // column taps of each column phase
    std::vector<float> ypacked_;
    PaddedInput pad_;
    std::vector<Phase> phases_;
    std::vector<float> packed_, bias_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_conv_simd(const Geom& g, const float* w, const float* b) {
    return std::make_unique<ConvSimd>(g, w, b);
}

std::unique_ptr<LayerKernel> make_convt_simd(const Geom& g, const float* w, const float* b, bool row_pairs) {
    return std::make_unique<ConvTSimd>(g, w, b, row_pairs);
}

// Row pairs where they were measured to pay (ConvTSimd's comment): k3 s2 with dilation 1 on both
// axes, more than kTileOcb output channels a group (the difference rows serve two or more
// blocks) and 8 or more inputs a group.
bool convt_rowpairs_pays(const Geom& g) {
    return g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2 && g.dh == 1 && g.dw == 1 && g.cin_g() >= 8 &&
           g.cout_g() > kTileOcb;
}

}  // namespace cp
