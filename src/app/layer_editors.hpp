// Editors for one layer, used by the Layers window: its parameters (layer_params.cpp) and its
// weights (weights_editor.cpp). They edit the draft in place and report through Edit.
#pragma once
#include "app/ui.hpp"
#include "core/embed_flags.hpp"
#include "core/shapes.hpp"
#include "app/session.hpp"

namespace cp::app {

// The embed flags' say over one parameter's widgets (lock= / hide=, docs/embed.md): a hidden
// parameter is not drawn, a locked one is drawn read-only. `if (Gate g{flags, "s"}) { widgets }`.
// (App::apply refuses a changed locked parameter whatever widget or text it came from.)
class Gate {
public:
    Gate(const EmbedFlags& f, const char* name) : shown_(!f.hidden(name)), locked_(shown_ && f.locked(name)) {
        if (locked_) ImGui::BeginDisabled();
    }
    ~Gate() {
        if (locked_) ImGui::EndDisabled();
    }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    explicit operator bool() const { return shown_; }

private:
    bool shown_, locked_;
};

// `split`: show H and W apart even when equal. `hook`: prefix of the test-hook names ("L1.").
void edit_layer_params(Layer& layer, Edit& e, bool split, const std::string& hook, const EmbedFlags& flags);
// `session` may be null or not cover `index` (then the weights cannot be shown or edited); it
// makes the layer's weights only when its values are opened.
void edit_layer_weights(Layer& layer, const LayerInfo& info, const Session* session, int index, Edit& e,
                        const std::string& hook, const EmbedFlags& flags);

}  // namespace cp::app
