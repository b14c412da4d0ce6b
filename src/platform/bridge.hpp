// The platform's side of the page bridge: the App instance, start-up hooks, and what the loop
// reports. bridge_web.cpp implements it for the browser (the app's only file with EM_JS); a native
// twin would implement the same functions with stubs.
#pragma once
#include <string>

#include "app/app.hpp"

namespace cp::platform {

cp::app::App& app();
// Reads the page's fragment and starts the app; called once the GL context exists.
void init_bridge();
// False while the page is hidden or the frame is out of view: the loop then draws nothing.
bool visible();
// A touch screen (CSS `pointer: coarse`): finger-sized widgets.
bool coarse_pointer();
// The canvas' CSS size at start-up.
void initial_size(int* w, int* h);
// Called after each drawn frame (timing hooks, the page's "ready" flag).
void frame_done();
// The app cannot start (no WebGL2): say so on the page instead of a blank canvas.
void fatal(const std::string& message);

}  // namespace cp::platform
