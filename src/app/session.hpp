// Session: the playground's one State, what it draws of it (the input, the layers' outputs) and
// the schedule that recomputes only the layers downstream of an edit. Normally a runner elsewhere
// computes them (the page's Web Worker, web/engine_worker.js, with its own Plan) and they arrive
// layer by layer (output_slot/output_done): this side then holds no Plan, no packed weights and
// no kernels, only the shapes and the output buffers. Without such a runner it plans and runs
// them itself, spread over frames (step). Weights the UI shows are made on demand, one layer at
// a time (weights()). Every way in (link, UI edit, test hook, upload) ends in edit(), so the
// codec and core's validation are the only judges of a state.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/embed_flags.hpp"
#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/solver.hpp"
#include "core/status.hpp"
#include "engine/image.hpp"
#include "engine/plan.hpp"
#include "engine/tensor.hpp"
#include "engine/weights.hpp"

namespace cp::app {

// Limits::max_upload_pixels in words, for messages: "1 megapixel".
std::string pixel_budget_text();

struct Notice {
    enum Kind { None, Info, Warning, Error } kind = None;
    std::string text;
};

class Session {
public:
    Session();

    // Parses state text (a bare state, a fragment or a whole link). On error the state is kept
    // and the codec's message returned.
    Status load_text(std::string_view text);
    // Applies a state the UI built. Shapes and errors are recomputed at once, the budget checked,
    // and the layers from the first changed one are queued (the local plan, if any, updated).
    // `upload` (upload_key(); 0: the current one): the upload a state of image `upload` was made
    // with (an Undo step's): it becomes the input again while this side still holds it
    // (kEarlierUploadBytes). A state runs on an upload only when it has its size (upload_fits);
    // otherwise (that upload no longer held) it shows the photo sample at that size and says
    // why, as a shared link does.
    void edit(const State& next, uint64_t upload = 0);
    // The upload the state shows (for History::commit; a new number for every file), or 0 when
    // its image is a sample.
    uint64_t upload_key() const;
    // Earlier uploads kept for Undo, the oldest dropped first beyond this many bytes (History
    // keeps 32 MiB of states; these are as large: a 1-megapixel RGB image is 12 MiB).
    static constexpr size_t kEarlierUploadBytes = size_t(32) << 20;
    // The embed's locks (lock=): an upload that would change a locked parameter (lock=in: another
    // size or channel count) is refused, saying so, and the current image is kept.
    void set_locks(const EmbedFlags& flags) { locks_ = flags; }
    // Decodes an uploaded file (budget, downscale notice) and makes it the input.
    Status upload(std::string_view bytes, const std::string& name);
    // The same for a file decoded elsewhere (the page's engine Worker, with upload_channels() and
    // upload_limits(): the same decoder, so the same pixels and messages). `source`: the runner's
    // name for those values (it kept them: the input need not be sent back to it while it is this
    // upload), 0 for none; `ranges`: their per-plane ranges (engine/ranges.hpp), or empty.
    Status use_image(Result<Decoded> decoded, const std::string& name, uint64_t source = 0,
                     std::vector<float> ranges = {});
    // A file decoded elsewhere, written straight into the app's memory: where its [1, c, h, w]
    // values go (h = 0: a signal's [1, c, w]) and, after that call, its 2c ranges
    // (upload_ranges_slot); then use_slot() makes it the input. An error when there is no memory
    // for it (the caller hands it to use_image: the current image is kept).
    Result<float*> upload_slot(int c, int h, int w, const std::string& name);
    float* upload_ranges_slot();
    Status use_slot(uint64_t source, bool with_ranges, const std::string& notice, const std::string& name);
    // The runner's name for the input's values (use_image's `source`) while the input is made of
    // that upload alone, else 0: then its values must be sent.
    uint64_t input_source() const;
    // Channels an upload decodes to: the current input's (grey stays grey); otherwise RGB.
    int upload_channels() const;
    // A file the page could not hand over (`bytes` long): over the file budget, or no memory to
    // copy it into. A message; the current image is kept.
    Status upload_unread(int64_t bytes, const std::string& name);
    // Runs queued layers until `budget_ms` is spent (at least one). Returns true if any ran.
    // Runs nothing while an external runner computes the layers.
    bool step(double budget_ms);

    // [SECTION] an external runner (the same plan run elsewhere; results are bit-identical)
    // Switching drops what the other way computed (the local plan, or the received outputs):
    // every layer is computed again.
    void set_external(bool on);
    bool external() const { return external_; }
    // Changes whenever the layers to compute change (every applied state): a result is accepted
    // only for the run it was asked for.
    uint64_t run_id() const { return run_id_; }
    // Where the values of layer `layer` of run `run` go (n floats), if that layer is the next one
    // expected (layers arrive in order); nullptr otherwise (a stale run, a wrong size).
    float* output_slot(uint64_t run, int layer, size_t n);
    // Where the per-plane ranges (engine/ranges.hpp) of that layer go, `n` floats (2 per plane),
    // after output_slot() and before output_done(); nullptr for anything else. Outputs that come
    // without them have them computed by the map cache when drawn.
    float* output_ranges_slot(uint64_t run, int layer, size_t n);
    // Layer `layer` of run `run` was written into output_slot(): it counts as computed.
    // `kernel`: the kernel that ran it (shown in the layer's card).
    bool output_done(uint64_t run, int layer, double ms, const std::string& kernel);
    // The runner refused run `run` (its plan did not fit in its memory): the outputs it has stay,
    // shown as stale with `message`, as when a local plan refuses an edit. False: a stale run.
    bool run_refused(uint64_t run, const std::string& message);
    // The Stop button: the run in progress ends; the layers from computed() on keep their previous
    // values, shown as stale, until the next edit or resume(). False when nothing was running.
    bool stop();
    // Runs the stopped layers again (the same state). False when the run was not stopped.
    bool resume();
    bool stopped() const { return stopped_; }
    // The first layer whose values changed since the last call (an input change: 0; none: a
    // large number): a runner still busy with a layer from there on is computing stale values.
    int take_changed_from() { return std::exchange(changed_from_, kNoChange); }
    static constexpr int kNoChange = 1 << 30;

    const State& state() const { return state_; }
    const std::string& text() const { return text_; }  // print_state(state())
    const NetInfo& info() const { return info_; }
    std::string shapes_json() const;  // core's report: the shape table as JSON
    const SolveReport& solve() const { return solve_; }
    const Status& plan_status() const { return plan_status_; }  // not ok: outputs are stale
    // The input's values: the upload itself when the input is that upload alone (batch 1), else
    // the app's own copy.
    const Tensor* input() const { return input_upload_ ? &input_upload_->values : &input_; }
    // Per-plane ranges of slot's values (-1 the input) as the runner computed them (lo of every
    // plane, then hi: engine/ranges.hpp), or nullptr when none came with them.
    const std::vector<float>* ranges(int slot) const;
    int runnable() const { return runnable_; }  // layers before the first invalid one
    bool busy() const { return plan_status_.ok && !stopped_ && computed_ < runnable_; }
    int computed() const { return computed_; }  // layers whose outputs match the state
    // Layer i's output (0-based) once computed for the current state, else nullptr.
    const Tensor* output(int i) const;
    // The kernel that computed layer i and its milliseconds ("" / 0 until known).
    std::string kernel(int i) const;
    double ms(int i) const;
    // Layer i's weights as the engine makes them (PyTorch's layout), made on first request and
    // kept until the layer's weights change; nullptr for a layer without weights, an invalid
    // one, or when there is no memory for them.
    const LayerWeights* weights(int i) const;
    // What this side made (the test hook reports it: an edit must cost what it changes).
    struct Stats {
        int64_t weights_made = 0;   // weights() made a layer's weights
        int64_t outputs_made = 0;   // output buffers allocated for arriving layers
        int64_t outputs_kept = 0;   // ... reused (the size still fit)
        int64_t plans_made = 0;     // local plans created (only without a runner)
    };
    const Stats& stats() const { return stats_; }
    // Layer `slot`'s input, output and weights as the engine computed them (the explain views'
    // numbers); empty until that layer is computed for the current state.
    struct LayerValues {
        const Tensor* input = nullptr;
        const Tensor* output = nullptr;
        const float* weight = nullptr;  // null for layers without weights
        const float* bias = nullptr;    // null without a bias
        bool weights_missing = false;   // no memory to make them (weights())
    };
    std::optional<LayerValues> layer_values(int slot) const;
    // Increases whenever a layer's output (slot -1: the input) gets new values; never reused.
    uint64_t version(int slot) const;
    uint64_t edits() const { return edits_; }  // how many states were applied
    bool has_upload() const { return upload_ != nullptr; }
    // The held upload can be the input of a state of input size `in_shape` (C, H, W or C, L).
    bool upload_fits(const Dims& in_shape) const;
    // The held upload's C, H, W (a signal's C, L); empty without one.
    Dims upload_in_shape() const;
    const std::string& upload_name() const;

    Notice notice;  // the latest message for the user (shown in the top bar)

private:
    void fill_input();
    void trim_earlier_uploads();  // to kEarlierUploadBytes
    // Why the embed's locks refuse an upload of `name` (of input size `in`; null: any upload),
    // "" when they allow it.
    std::string upload_locked(const std::string& name, const Dims* in) const;
    EmbedFlags locks_;
    bool ensure_local_plan();
    State state_;
    std::string text_;
    NetInfo info_;
    SolveReport solve_;
    // The last state accepted (within the budget): what computed_ and the outputs refer to.
    State planned_;
    NetInfo planned_info_;
    bool have_planned_ = false;
    int runnable_ = 0;
    // An uploaded file's values, as decoded (never changed: shared by the input, the current
    // upload and the earlier ones).
    struct Upload {
        Tensor values;              // [1, C, H, W] in [0, 1] (a signal: [1, C, L])
        std::vector<float> ranges;  // per-plane ranges from the runner, or empty
        uint64_t source = 0;        // the runner's name for them, or 0
        std::string name;
        uint64_t serial = 0;        // upload_key()
    };
    using UploadPtr = std::shared_ptr<const Upload>;
    Tensor input_;               // unused (empty) while input_upload_
    UploadPtr input_upload_;     // the input when it is that upload alone (batch 1)
    uint64_t input_source_ = 0;        // input_source()
    std::vector<float> input_ranges_;  // from the upload's, or empty
    // Outputs received from the external runner, with the kernel and time of each.
    struct Arrived {
        Tensor out;
        std::vector<float> ranges;  // from the runner, or empty
        std::string kernel;
        double ms = 0;
    };
    std::vector<Arrived> arrived_;
    // Only without an external runner: the plan that computes the layers here.
    std::unique_ptr<Plan> plan_;
    uint64_t plan_input_version_ = 0;  // the input version copied into plan_
    struct WeightsMemo {
        Layer layer;
        LayerInfo info;
        uint32_t seed = 0;
        LayerWeights w;
    };
    mutable std::vector<std::optional<WeightsMemo>> weights_;
    mutable Stats stats_;
    Status plan_status_;
    std::string input_key_;   // what the plan's input was filled from
    int computed_ = 0;
    bool external_ = false;
    bool stopped_ = false;  // stop() ended the last run; the next edit or resume() clears it
    int changed_from_ = kNoChange;
    uint64_t run_id_ = 0;
    uint64_t counter_ = 0, input_version_ = 0, edits_ = 0;
    std::vector<uint64_t> versions_;
    UploadPtr upload_;                  // the latest (or the one Undo went back to)
    std::vector<UploadPtr> earlier_;    // the ones before, oldest first (kEarlierUploadBytes)
    uint64_t upload_serial_ = 0;        // the last serial given
    Tensor pending_upload_;             // upload_slot()'s, until use_slot()
    std::vector<float> pending_ranges_;
};

}  // namespace cp::app
