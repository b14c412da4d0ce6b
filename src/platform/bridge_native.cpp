// The native twin of bridge_web.cpp: the same platform functions for a desktop build of the
// playground (SDL2 + GLES3 natively), so the app can be run and debugged outside a browser.
// No page: the state comes from the command line's first argument (CONVPLAY_STATE env as a
// fallback), the fragment and the summary go to stdout, downloads to the current folder, the file picker reads CONVPLAY_IMAGE.
// Not built by default (the wasm build is the product; see src/app/CMakeLists.txt).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "platform/bridge.hpp"

namespace {

class NativeHost final : public cp::app::Host {
public:
    void open_file_picker() override {
        const char* path = std::getenv("CONVPLAY_IMAGE");
        if (!path) {
            std::fprintf(stderr, "convplay: set CONVPLAY_IMAGE to a file to upload it\n");
            return;
        }
        std::ifstream f(path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        cp::platform::app().upload(bytes, path);
    }
    void set_fragment(const std::string& text) override { std::printf("link: #%s\n", text.c_str()); }
    std::string page_url() override { return "http://127.0.0.1:8080/"; }
    void copy_text(const std::string& text) override { std::printf("copy: %s\n", text.c_str()); }
    void download(const std::string& name, const std::string&, const std::string& bytes) override {
        std::ofstream(name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        std::printf("saved %s (%zu bytes)\n", name.c_str(), bytes.size());
    }
    void publish_summary(const std::string&) override {}
    void warn(const std::string& text) override { std::fprintf(stderr, "%s\n", text.c_str()); }
    void post_to_host(const std::string&) override {}
    void open_url(const std::string& url, bool) override { std::printf("open: %s\n", url.c_str()); }
    double now_ms() override {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }
};

NativeHost g_host;

}  // namespace

namespace cp::platform {

cp::app::App& app() {
    static cp::app::App a(g_host);
    return a;
}

void init_bridge() {
    const char* s = std::getenv("CONVPLAY_STATE");
    app().start(s ? s : "");
}

void initial_size(int*, int*) {}

bool visible() { return true; }

bool coarse_pointer() { return false; }

void frame_done() { app().frame_presented(g_host.now_ms()); }

void fatal(const std::string& message) { std::fprintf(stderr, "convplay: %s\n", message.c_str()); }

}  // namespace cp::platform
