// Fuzz target: the playground's query flags (core/embed_flags.hpp), on any bytes.
// Properties: parsing never crashes or throws and keeps within its limits; print_embed_flags
// reads back to the same flags and is canonical; the snippets and locked_change run on them.
#include <cstddef>
#include <cstdint>

#include "core/codec.hpp"
#include "core/embed_flags.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

bool same_flags(const cp::EmbedFlags& a, const cp::EmbedFlags& b) {
    return a.embed == b.embed && a.panels == b.panels && a.layer == b.layer && a.lock_all == b.lock_all &&
           a.lock == b.lock && a.hide == b.hide && a.id == b.id && a.origins == b.origins;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    using L = cp::EmbedLimits;
    const std::string_view query(reinterpret_cast<const char*>(data), size);
    const cp::EmbedFlags f = cp::parse_embed_flags(query);
    require(f.id.size() <= L::max_id, "id longer than its limit", f.id);
    require(f.origins.size() <= L::max_origins, "more origins than the limit");
    require(f.lock.size() <= L::max_list && f.hide.size() <= L::max_list && f.panels.size() <= L::max_list,
            "a list longer than its limit");
    require(!f.layer || (*f.layer >= 0 && *f.layer <= L::max_layer), "layer out of range");
    const std::string printed = cp::print_embed_flags(f);
    const cp::EmbedFlags back = cp::parse_embed_flags(printed);
    require(same_flags(back, f), "parse(print(flags)) != flags", printed);
    require(back.warnings.empty(), "printed flags draw warnings", printed + "\n" + (back.warnings.empty() ? "" : back.warnings[0]));
    require(cp::print_embed_flags(back) == printed, "print is not canonical", printed);

    cp::embed_iframe_snippet("https://example.org/index.html", f, "v=1&in=3x8x8&net=relu", 640, 480);
    cp::embed_div_snippet("https://example.org/index.html", f, "v=1&in=3x8x8&net=relu");
    auto a = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=3,s=2,p=1);relu");
    auto b = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=5,s=1,p=2,d=2);relu;relu");
    cp::locked_change(f, *a, *b);
    cp::locked_change(f, *b, *a);
    return 0;
}
