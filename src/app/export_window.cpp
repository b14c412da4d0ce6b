// The Export window (opened from the top bar): the model as PyTorch or Keras code (to the
// clipboard) or as an ONNX file, any computed tensor as NPY (feature maps also as PNG), and the
// shape table as JSON or Markdown. Files reach the user through Host::download.
#include <algorithm>

#include "app/app.hpp"
#include "core/limits.hpp"
#include "core/report.hpp"
#include "engine/export.hpp"
#include "engine/image.hpp"
#include "engine/npy.hpp"

namespace cp::app {

namespace {

// A tensor the user can download: the input, a layer's output, or a conv layer's weight or bias.
// Weights are made only when downloaded (Session::weights): listing them costs nothing.
struct TensorChoice {
    std::string label, file;  // "layer 2 output (1x16x128x128)", "layer2_relu"
    enum Kind { Input, Output, Weight, Bias } kind = Input;
    int layer = -1;
    bool is_map() const { return kind == Input || kind == Output; }  // a feature map (PNG makes sense)
    const Tensor* tensor(const Session& s) const {
        if (kind == Input) return s.input();
        if (kind == Output) return s.output(layer);
        const LayerWeights* w = s.weights(layer);
        return !w ? nullptr : kind == Weight ? &w->weight : &w->bias;
    }
};

std::vector<TensorChoice> tensor_choices(const Session& s) {
    std::vector<TensorChoice> c;
    if (const Tensor* in = s.input(); in && !in->data.empty())
        c.push_back({"input (" + shape_text(in->shape) + ")", "input", TensorChoice::Input});
    if (!s.plan_status().ok) return c;
    for (int i = 0; i < s.computed(); ++i) {
        const LayerInfo& info = s.info().layers[size_t(i)];
        const Layer& L = s.state().net[size_t(i)];
        const std::string n = std::to_string(i + 1), stem = "layer" + n + "_" + info.name;
        c.push_back({"layer " + n + " output (" + shape_text(info.out) + ")", stem, TensorChoice::Output, i});
        if (!L.has_weights()) continue;
        c.push_back({"layer " + n + " weight (" + shape_text(weight_shape(L, info)) + ")", stem + "_weight",
                     TensorChoice::Weight, i});
        if (L.bias)
            c.push_back({"layer " + n + " bias (" + shape_text(Dims{info.out[1]}) + ")", stem + "_bias",
                         TensorChoice::Bias, i});
    }
    return c;
}

}  // namespace

void App::draw_export_window() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.3f), ImGuiCond_Appearing, ImVec2(0.5f, 0.0f));
    // Never wider than the screen: on a phone its rows wrap (same_line_if_fits) instead of
    // running off the right edge.
    const float w_max = ds.x * 0.96f;
    ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(w_max, ImGui::GetFontSize() * 30), 0), ImVec2(w_max, ds.y * 0.9f));
    if (!ImGui::Begin("Export", &show_export, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    const State& st = session_.state();
    // The model: made when a button asks for it (the weights as the engine makes them; an
    // uploaded image goes along as the input when it is small enough to embed).
    auto model = [&]() -> Result<ExportModel> {
        auto m = prepare_export(st);
        if (m && st.image == InputImage::Upload && session_.input() &&
            session_.input()->numel() <= Limits::max_export_input_values)
            m->input = *session_.input();
        return m;
    };
    auto report = [&](const Status& s, const std::string& done) {
        session_.notice = s ? Notice{Notice::Info, done} : Notice{Notice::Error, "Export: " + s.message};
    };

    ImGui::TextWrapped("The model, with the weights and input convplay uses");
    if (!session_.info().ok()) {
        wrapped_colored(kColError, "Nothing to export: " + first_error_status(st, session_.info()).message);
    } else {
        if (ImGui::Button("Copy PyTorch code")) {
            auto m = model();
            if (m) host_.copy_text(export_pytorch(*m));
            report(m.status(), "PyTorch code copied (nn.Sequential, weights, input, shape assert).");
        }
        hooks().record("export_pytorch");
        same_line_if_fits("Copy Keras code");
        if (ImGui::Button("Copy Keras code")) {
            auto m = model();
            if (m) host_.copy_text(export_keras(*m));
            report(m.status(), "Keras code copied (channels_last; comments where Keras differs).");
        }
        hooks().record("export_keras");
        same_line_if_fits("Download .onnx");
        if (ImGui::Button("Download .onnx")) {
            auto m = model();
            Result<std::string> bytes = m ? export_onnx(*m) : Result<std::string>(m.status());
            if (bytes) host_.download("convplay.onnx", "application/octet-stream", *bytes);
            report(bytes.status(), "convplay.onnx downloaded (opset 13).");
        }
        hooks().record("export_onnx");
        help_marker("What each format keeps, and where Keras differs from PyTorch: docs/export.md. "
                    "The same exports from the command line: convplay export <state> --to pytorch|onnx|keras.");
    }

    ImGui::Separator();
    ImGui::TextUnformatted("A tensor");
    const auto choices = tensor_choices(session_);
    static int pick = -1;  // -1: the last layer's output
    if (pick < 0 || pick >= int(choices.size())) {
        pick = 0;
        for (int i = 0; i < int(choices.size()); ++i)
            if (choices[size_t(i)].is_map()) pick = i;
    }
    if (choices.empty()) {
        ImGui::TextDisabled("nothing computed yet");
    } else {
        const TensorChoice& c = choices[size_t(pick)];
        ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 18, ImGui::GetIO().DisplaySize.x * 0.6f));
        if (ImGui::BeginCombo("##tensor", c.label.c_str())) {
            for (int i = 0; i < int(choices.size()); ++i)
                if (ImGui::Selectable(choices[size_t(i)].label.c_str(), i == pick)) pick = i;
            ImGui::EndCombo();
        }
        hooks().record("export_tensor");
        same_line_if_fits("NPY");
        auto no_tensor = [&] { session_.notice = {Notice::Error, "Export: not enough memory for " + c.label}; };
        if (ImGui::Button("NPY")) {
            if (const Tensor* t = c.tensor(session_)) host_.download(c.file + ".npy", "application/octet-stream", encode_npy(*t));
            else no_tensor();
        }
        hooks().record("export_npy");
        if (c.is_map()) {
            same_line_if_fits("PNG");
            if (ImGui::Button("PNG")) {
                const Tensor* t = c.tensor(session_);
                auto png = t ? feature_map_png(*t, view_.item) : Result<std::string>(Status::error("no values"));
                if (png) host_.download(c.file + ".png", "image/png", *png);
                else session_.notice = {Notice::Error, "PNG: " + png.status().message};
            }
            hooks().record("export_png");
        }
    }

    ImGui::Separator();
    ImGui::TextUnformatted("The shape table");
    if (ImGui::Button("JSON")) host_.download("convplay_shapes.json", "application/json", session_.shapes_json() + "\n");
    hooks().record("export_json");
    same_line_if_fits("Markdown");
    auto md = [&] { return shapes_markdown(st, session_.info(), session_.solve()); };
    if (ImGui::Button("Markdown")) host_.download("convplay_shapes.md", "text/markdown", md());
    hooks().record("export_md");
    same_line_if_fits("Copy Markdown");
    if (ImGui::Button("Copy Markdown")) {
        host_.copy_text(md());
        session_.notice = {Notice::Info, "Shape table copied as Markdown."};
    }
    ImGui::End();
}

}  // namespace cp::app
