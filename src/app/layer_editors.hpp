// Editors for one layer, used by the Layers window: its parameters (layer_params.cpp) and its
// weights (weights_editor.cpp). They edit the draft in place and report through Edit.
#pragma once
#include "app/ui.hpp"
#include "core/shapes.hpp"
#include "engine/plan.hpp"

namespace cp::app {

// `split`: show H and W apart even when equal. `hook`: prefix of the test-hook names ("L1.").
void edit_layer_params(Layer& layer, Edit& e, bool split, const std::string& hook);
// `plan` may be null or not cover `index` (then the weights cannot be shown or edited).
void edit_layer_weights(Layer& layer, const LayerInfo& info, const Plan* plan, int index, Edit& e,
                        const std::string& hook);

}  // namespace cp::app
