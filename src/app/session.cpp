// Session (see session.hpp).
#include "app/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/codec.hpp"
#include "core/limits.hpp"
#include "core/report.hpp"
#include "engine/image.hpp"
#include "engine/memory.hpp"
#include "engine/ranges.hpp"
#include "engine/samples.hpp"
#include "engine/signal_file.hpp"

namespace cp::app {

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The notice when a state's image is an upload this page does not hold (`why`): the photo
// sample is shown at the state's size instead.
Notice upload_gone(const std::string& why) {
    return {Notice::Warning, "This state was made with an uploaded image, " + why +
                                 ": showing the photo sample instead. Drop or paste the image to use it again."};
}

}  // namespace

Session::Session() {
    auto st = parse_state(kDefaultState);
    edit(*st);
}

std::string pixel_budget_text() {
    const int64_t mp = Limits::max_upload_pixels / (int64_t(1024) * 1024);  // binary megapixels: 1024 x 1024
    return std::to_string(mp) + (mp == 1 ? " megapixel" : " megapixels");
}

Status Session::load_text(std::string_view text) {
    auto parsed = parse_state(text);
    if (!parsed) return parsed.status();
    State next = *parsed;
    // A link never carries an uploaded image's pixels: keep the current upload when it fits,
    // else fall back to the photo sample and say so.
    if (next.image == InputImage::Upload && !upload_fits(next.in_shape)) {
        next.image = InputImage::Photo;
        notice = upload_gone("which a link does not carry");
    }
    edit(next);
    return {};
}

bool Session::upload_fits(const Dims& in_shape) const { return has_upload() && upload_in_shape() == in_shape; }

Dims Session::upload_in_shape() const {
    return has_upload() ? Dims(upload_->values.shape.begin() + 1, upload_->values.shape.end()) : Dims();
}

const std::string& Session::upload_name() const {
    static const std::string none;
    return upload_ ? upload_->name : none;
}

uint64_t Session::upload_key() const { return state_.image == InputImage::Upload && upload_ ? upload_->serial : 0; }

void Session::edit(const State& next, uint64_t upload) {
    // The upload an Undo step was made with, when still held, is the current one again (the
    // one it replaces joins the earlier ones).
    if (next.image == InputImage::Upload && upload && !(upload_ && upload_->serial == upload)) {
        const auto held = std::find_if(earlier_.begin(), earlier_.end(), [&](const UploadPtr& u) { return u->serial == upload; });
        if (held != earlier_.end()) {
            UploadPtr back = *held;
            earlier_.erase(held);
            if (upload_) earlier_.push_back(std::move(upload_));
            upload_ = std::move(back);
        }
    }
    // Every way in (Undo, the image list, a test hook) may name an upload that is no longer
    // held, or another file's size: never run a state on values that are not its own.
    if (next.image == InputImage::Upload && !upload_fits(next.in_shape)) {
        State photo = next;
        photo.image = InputImage::Photo;
        notice = upload_gone("which this page no longer holds");
        edit(photo);
        return;
    }
    ++edits_;
    stopped_ = false;
    state_ = next;
    text_ = print_state(state_);
    info_ = net_info(state_);
    solve_ = solve_net(state_);
    // The budget from the shape arithmetic (what the runner's plan will check too); a refused
    // state keeps the previous outputs, shown as stale.
    if (auto st = check_run_budget(state_, info_); !st) {
        plan_status_ = st;
        return;
    }
    int first = have_planned_ ? Plan::first_change(planned_, planned_info_, state_, info_, runnable_) : 0;
    if (plan_) {
        auto r = plan_->update(state_);
        if (!r) {
            plan_status_ = r.status();  // the plan keeps the previous state; outputs are stale
            return;
        }
        first = *r;
    }
    // An input that is the upload alone is that upload (no copy); any other has a buffer here.
    const bool upload_alone = state_.image == InputImage::Upload && has_upload() && info_.input == upload_->values.shape;
    if (!upload_alone && info_.input != input_.shape) {
        if (auto st = check_memory(sat_mul(sat_count(info_.input), 4), "this stack"); !st) {
            plan_status_ = st;
            return;
        }
        input_ = Tensor(info_.input);
        input_key_.clear();
    }
    planned_ = state_;
    planned_info_ = info_;
    have_planned_ = true;
    runnable_ = info_.ok() ? int(state_.net.size()) : info_.first_error;
    if (!plan_) arrived_.resize(size_t(runnable_));
    weights_.resize(state_.net.size());
    plan_status_ = {};
    ++run_id_;
    versions_.resize(state_.net.size(), 0);
    computed_ = std::min(computed_, first);
    changed_from_ = std::min(changed_from_, first);
    // The input's values depend on the sample, its size, the seed and the upload.
    const std::string key = shape_text(info_.input) + "|" + image_name(state_.image) + "|" + std::to_string(state_.seed) +
                            "|" + std::to_string(upload_ ? upload_->serial : 0);
    if (key != input_key_) {
        input_key_ = key;
        fill_input();
        computed_ = 0;
        changed_from_ = 0;
    }
}

void Session::fill_input() {
    Tensor& in = input_;
    input_version_ = ++counter_;
    input_upload_ = nullptr;
    input_source_ = 0;
    input_ranges_.clear();
    // edit() lets no state run on an upload of another size; checked here too, as the input
    // buffer is only as long as the upload (a mismatch would read past it).
    if (state_.image == InputImage::Upload && upload_fits(Dims(info_.input.begin() + 1, info_.input.end()))) {
        const Upload& up = *upload_;
        input_source_ = up.source;
        // [1, C, H, W] repeated for each batch item, and so are its planes' ranges.
        const int64_t items = info_.input[0];
        if (!up.ranges.empty()) {
            const auto half = up.ranges.begin() + std::ptrdiff_t(up.ranges.size() / 2);
            for (int side = 0; side < 2; ++side)
                for (int64_t n = 0; n < items; ++n)
                    input_ranges_.insert(input_ranges_.end(), side ? half : up.ranges.begin(), side ? up.ranges.end() : half);
        }
        if (items == 1) {
            input_upload_ = upload_;
            input_ = Tensor();
            return;
        }
        const size_t item = up.values.data.size();
        for (size_t n = 0; n * item < in.data.size(); ++n)
            std::memcpy(in.ptr() + n * item, up.values.ptr(), std::min(item, in.data.size() - n * item) * 4);
        return;
    }
    State s = state_;
    if (s.image == InputImage::Upload) s.image = InputImage::Photo;
    draw_sample(s, in);
}

void Session::set_external(bool on) {
    if (on == external_) return;
    external_ = on;
    computed_ = 0;
    changed_from_ = 0;
    ++run_id_;
    plan_.reset();
    arrived_.clear();
    if (on) arrived_.resize(size_t(runnable_));
}

bool Session::ensure_local_plan() {
    if (!plan_) {
        auto p = Plan::create(state_);
        if (!p) {
            plan_status_ = p.status();
            return false;
        }
        plan_ = std::move(p.value());
        ++stats_.plans_made;
        computed_ = 0;
        plan_input_version_ = 0;
    }
    if (plan_input_version_ != input_version_) {
        std::memcpy(plan_->input().ptr(), input()->ptr(), input()->data.size() * 4);
        plan_input_version_ = input_version_;
        computed_ = 0;
    }
    return true;
}

const Tensor* Session::output(int i) const {
    if (!plan_status_.ok || i < 0 || i >= computed_) return nullptr;
    return plan_ ? &plan_->output(i) : &arrived_[size_t(i)].out;
}

std::string Session::kernel(int i) const {
    if (i < 0 || i >= runnable_) return "";
    if (plan_) return i < plan_->runnable() ? plan_->kernel(i) : "";
    return arrived_[size_t(i)].kernel;
}

double Session::ms(int i) const {
    if (i < 0 || i >= computed_) return 0;
    return plan_ ? plan_->ms(i) : arrived_[size_t(i)].ms;
}

const LayerWeights* Session::weights(int i) const {
    if (!plan_status_.ok || i < 0 || i >= runnable_ || !state_.net[size_t(i)].has_weights()) return nullptr;
    const Layer& L = state_.net[size_t(i)];
    const LayerInfo& info = info_.layers[size_t(i)];
    const uint32_t seed = layer_seed(state_, i);
    std::optional<WeightsMemo>& m = weights_[size_t(i)];
    if (!m || !same_weights(m->layer, m->info, m->seed, L, info, seed)) {
        int64_t n = Tensor::count(weight_shape(L, info)) + (L.bias ? info.out[1] : 0);
        if (!check_memory(sat_mul(n, 4), "the weights")) return nullptr;
        m = WeightsMemo{L, info, seed, make_weights(L, info, seed)};
        ++stats_.weights_made;
    }
    return &m->w;
}

std::string Session::upload_locked(const std::string& file, const Dims* in) const {
    const std::string name = file.empty() ? std::string("the file") : file;
    // An upload replaces the image's values even when `img` already says upload.
    if (locks_.lock_all) return "This embed is read-only: " + name + " was not loaded";
    if (locks_.locked("img")) return "'img' is locked in this embed: " + name + " was not loaded";
    if (locks_.hidden("upload")) return "Uploads are off in this embed: " + name + " was not loaded";
    if (in && locks_.locked("in") && *in != state_.in_shape)
        return "'in' is locked in this embed: " + name + " is " + shape_text(*in) + ", the input must stay " +
               shape_text(state_.in_shape);
    return "";
}

Status Session::upload_unread(int64_t bytes, const std::string& name) {
    // The page hands over no file the locks refuse (playground.js, hideUpload): say why here.
    if (const std::string why = upload_locked(name, nullptr); !why.empty()) return use_image(Status::error(why), name);
    const Status st = bytes > Limits::max_file_bytes
                          ? Status::error(name + " is " + bytes_text(bytes) + ": too large (at most " +
                                          bytes_text(Limits::max_file_bytes) + ")")
                          : memory_error("reading " + name + " (" + bytes_text(bytes) + ")");
    notice = {Notice::Error, st.message + ". The current image is kept."};
    return st;
}

int Session::upload_channels() const {
    const int64_t c = state_.in_shape.empty() ? 3 : state_.in_shape[0];
    return (c == 1 || c == 3 || c == 4) ? int(c) : 3;
}

Status Session::upload(std::string_view bytes, const std::string& name) {
    const std::string what = name.empty() ? std::string("the file") : name;
    if (const std::string why = upload_locked(what, nullptr); !why.empty()) return use_image(Status::error(why), name);
    return use_image(decode_upload(bytes, upload_channels(), upload_limits(), what), name);
}

Result<float*> Session::upload_slot(int c, int h, int w, const std::string& name) {
    pending_upload_ = {};
    pending_ranges_.clear();
    const std::string what = "the pixels of " + name;
    if (c <= 0 || h < 0 || w <= 0) return Status::error(what + " have no size");
    const Dims shape = h > 0 ? Dims{1, c, h, w} : Dims{1, c, w};
    // Refused before the page writes (and the Worker keeps) values the locks would not use.
    const Dims in(shape.begin() + 1, shape.end());
    if (const std::string why = upload_locked(name, &in); !why.empty()) return Status::error(why);
    if (auto st = check_memory(sat_mul(sat_count(shape), 4), what); !st) return st;
    pending_upload_ = Tensor::unset(shape);  // the page writes every value
    return pending_upload_.ptr();
}

float* Session::upload_ranges_slot() {
    if (pending_upload_.data.empty()) return nullptr;
    pending_ranges_.assign(size_t(2 * plane_count(pending_upload_.shape)), 0.0f);
    return pending_ranges_.data();
}

Status Session::use_slot(uint64_t source, bool with_ranges, const std::string& notice_text, const std::string& name) {
    if (pending_upload_.data.empty()) return use_image(Status::error("the pixels of " + name + " never arrived"), name);
    Decoded d;
    d.tensor = std::move(pending_upload_);
    d.notice = notice_text;
    std::vector<float> r = with_ranges ? std::move(pending_ranges_) : std::vector<float>();
    pending_upload_ = {};
    pending_ranges_.clear();
    return use_image(std::move(d), name, source, std::move(r));
}

Status Session::use_image(Result<Decoded> decoded, const std::string& name, uint64_t source, std::vector<float> ranges) {
    if (!decoded) {
        notice = {Notice::Error, decoded.status().message + ". The current image is kept."};
        return decoded.status();
    }
    const Dims in(decoded->tensor.shape.begin() + 1, decoded->tensor.shape.end());
    if (const std::string why = upload_locked(name, &in); !why.empty()) return use_image(Status::error(why), name);
    // The input stays what it was (input_upload_ holds it) until the edit below refills it (it
    // may be refused); the upload before is kept for Undo.
    auto up = std::make_shared<Upload>();
    up->values = std::move(decoded->tensor);
    up->ranges = ranges.size() == size_t(2 * plane_count(up->values.shape)) ? std::move(ranges) : std::vector<float>();
    up->source = source;
    up->name = name;
    up->serial = ++upload_serial_;
    if (upload_) earlier_.push_back(std::move(upload_));
    upload_ = std::move(up);
    trim_earlier_uploads();
    const Tensor& values = upload_->values;
    State next = state_;
    next.image = InputImage::Upload;
    next.in_shape.assign(values.shape.begin() + 1, values.shape.end());  // C, H, W or, a signal, C, L
    if (!decoded->notice.empty())
        notice = {Notice::Warning, decoded->notice + " (the playground's budget is " + pixel_budget_text() + ")."};
    else
        notice = {Notice::Info, name + ": " + (values.shape.size() == 3
                                                   ? std::to_string(values.shape[1]) + " channel(s) of " + std::to_string(values.shape[2]) + " samples"
                                                   : std::to_string(values.shape[3]) + "x" + std::to_string(values.shape[2])) +
                                    " loaded."};
    edit(next);
    return {};
}

void Session::trim_earlier_uploads() {
    size_t bytes = 0;
    for (const UploadPtr& u : earlier_) bytes += u->values.data.size() * sizeof(float);
    size_t drop = 0;
    while (drop < earlier_.size() && bytes > kEarlierUploadBytes) bytes -= earlier_[drop++]->values.data.size() * sizeof(float);
    earlier_.erase(earlier_.begin(), earlier_.begin() + std::ptrdiff_t(drop));
}

bool Session::step(double budget_ms) {
    if (!busy() || external_) return false;
    if (!ensure_local_plan()) return false;
    const double t0 = now_ms();
    do {
        plan_->run_one(computed_);
        versions_[size_t(computed_)] = ++counter_;
        ++computed_;
    } while (computed_ < runnable_ && now_ms() - t0 < budget_ms);
    return true;
}

float* Session::output_slot(uint64_t run, int layer, size_t n) {
    if (run != run_id_ || !busy() || !external_ || layer != computed_) return nullptr;
    const Dims& shape = info_.layers[size_t(layer)].out;
    if (size_t(Tensor::count(shape)) != n) return nullptr;
    Tensor& out = arrived_[size_t(layer)].out;
    arrived_[size_t(layer)].ranges.clear();
    if (out.shape != shape) {
        // A buffer that still fits is reused (not one more than twice the size: wasm memory
        // never shrinks, a big layer made small should not keep it).
        if (n <= out.data.capacity() && out.data.capacity() <= 2 * n) {
            ++stats_.outputs_kept;
        } else {
            if (auto st = check_memory(sat_mul(int64_t(n), 4), "this stack"); !st) {
                plan_status_ = st;
                return nullptr;
            }
            out.data = Tensor::Data();
            ++stats_.outputs_made;
        }
        out.shape = shape;
        out.data.resize(n);  // not zeroed: the page writes every value (UninitAllocator)
    }
    return out.ptr();
}

float* Session::output_ranges_slot(uint64_t run, int layer, size_t n) {
    if (run != run_id_ || !busy() || !external_ || layer != computed_) return nullptr;
    const Tensor& out = arrived_[size_t(layer)].out;
    if (out.shape != info_.layers[size_t(layer)].out || n != size_t(2 * plane_count(out.shape))) return nullptr;
    arrived_[size_t(layer)].ranges.assign(n, 0.0f);
    return arrived_[size_t(layer)].ranges.data();
}

const std::vector<float>* Session::ranges(int slot) const {
    if (slot < 0) return input_ranges_.empty() ? nullptr : &input_ranges_;
    if (plan_ || !output(slot)) return nullptr;
    const std::vector<float>& r = arrived_[size_t(slot)].ranges;
    return r.empty() ? nullptr : &r;
}

uint64_t Session::input_source() const { return input_source_; }

bool Session::stop() {
    if (!busy()) return false;
    stopped_ = true;
    ++run_id_;  // whatever the runner still delivers for the stopped run is dropped
    return true;
}

bool Session::resume() {
    if (!stopped_) return false;
    stopped_ = false;
    ++run_id_;
    changed_from_ = std::min(changed_from_, computed_);
    return true;
}

bool Session::run_refused(uint64_t run, const std::string& message) {
    if (run != run_id_ || !external_ || !plan_status_.ok) return false;
    plan_status_ = Status::error(message);
    return true;
}

bool Session::output_done(uint64_t run, int layer, double ms, const std::string& kernel) {
    if (run != run_id_ || !busy() || !external_ || layer != computed_) return false;
    arrived_[size_t(layer)].ms = ms;
    arrived_[size_t(layer)].kernel = kernel;
    versions_[size_t(layer)] = ++counter_;
    ++computed_;
    return true;
}

std::optional<Session::LayerValues> Session::layer_values(int slot) const {
    const Tensor* out = output(slot);
    const Tensor* in = slot == 0 ? input() : output(slot - 1);
    if (!out || !in) return std::nullopt;
    LayerValues v;
    v.input = in, v.output = out;
    if (state_.net[size_t(slot)].has_weights()) {
        const LayerWeights* lw = weights(slot);
        v.weights_missing = !lw;
        if (lw) v.weight = lw->weight.ptr(), v.bias = lw->bias.data.empty() ? nullptr : lw->bias.ptr();
    }
    return v;
}

std::string Session::shapes_json() const { return cp::shapes_json(state_, info_, solve_); }

uint64_t Session::version(int slot) const {
    if (slot < 0) return input_version_;
    return size_t(slot) < versions_.size() ? versions_[size_t(slot)] : 0;
}

}  // namespace cp::app
