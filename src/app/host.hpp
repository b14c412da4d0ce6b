// What the playground asks of the page it runs in. src/platform implements it (the browser
// bridge); the app never includes emscripten.h.
#pragma once
#include <cstdint>
#include <string>

#include "engine/tensor.hpp"

namespace cp::app {

class Host {
public:
    virtual ~Host() = default;
    // Opens the page's file picker; the chosen file comes back through App::upload.
    virtual void open_file_picker() = 0;
    // Writes the share link's fragment (history.replaceState; called when an edit ends).
    virtual void set_fragment(const std::string& state_text) = 0;
    // The page's address without query and fragment, to build a share link.
    virtual std::string page_url() = 0;
    virtual void copy_text(const std::string& text) = 0;
    // Hands the user a file (the browser's download: a Blob behind an <a download>).
    virtual void download(const std::string& file_name, const std::string& mime, const std::string& bytes) = 0;
    // The DOM fallback for screen readers: the shape table as JSON (core's shapes_json).
    virtual void publish_summary(const std::string& shapes_json) = 0;
    virtual double now_ms() = 0;
    // One line for the browser console (console.warn): ignored query flags.
    virtual void warn(const std::string& text) = 0;
    // A message to the page that embeds this one (a JSON object; the page posts it to
    // window.parent when there is one, see docs/embed.md).
    virtual void post_to_host(const std::string& json) = 0;
    // Follows a link (relative to the page): in a new tab (an embed's "Open in convplay"), or in
    // this one (the full page's "Tutorial").
    virtual void open_url(const std::string& url, bool new_tab) = 0;
    // Asks the external runner (Session::external()) to compute layers `from`.. of `state_text`
    // for run `run` on `input` (whose values change only with `input_version`; `input_source`, when
    // not 0, is the runner's own name for them: an upload it decoded and kept, so it need not be
    // sent the values); each result comes
    // back through Session::output_slot / output_done. A newer request supersedes this one; layers
    // from `changed_from` on differ from the previous request's (a layer of those still running
    // is wasted work the runner may abandon).
    virtual void run_layers(uint64_t run, const std::string& state_text, int from, int changed_from, const Tensor& input,
                            uint64_t input_version, uint64_t input_source) = 0;
    // The user stopped the run (Session::stop): the runner drops the layer it is computing (the
    // kernels cannot stop inside a layer: its engine is replaced) and asks nothing until the next
    // request.
    virtual void stop_layers() = 0;
};

}  // namespace cp::app
