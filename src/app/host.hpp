// What the playground asks of the page it runs in. src/platform implements it (the browser
// bridge, or its native twin); the app never includes emscripten.h.
#pragma once
#include <string>

namespace cp::app {

class Host {
public:
    virtual ~Host() = default;
    // Opens the page's file picker; the chosen file comes back through App::upload.
    virtual void open_file_picker() = 0;
    // Writes the share link's fragment (history.replaceState; called when an edit ends).
    virtual void set_fragment(const std::string& state_text) = 0;
    // The page's address without the fragment, to build a share link.
    virtual std::string page_url() = 0;
    virtual void copy_text(const std::string& text) = 0;
    // The DOM fallback for screen readers: the shape table as JSON (core's shapes_json).
    virtual void publish_summary(const std::string& shapes_json) = 0;
    virtual double now_ms() = 0;
};

}  // namespace cp::app
