// The channel diagram (see channel_diagram.hpp).
#include "app/channel_diagram.hpp"

#include <algorithm>
#include <cmath>

#include "app/ui.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

constexpr int64_t kMaxDots = 32;     // channels per row drawn one by one
constexpr int64_t kMaxBlocks = 64;   // groups drawn as blocks; beyond: words only
constexpr ImU32 kColIn = IM_COL32(86, 140, 210, 255), kColOut = IM_COL32(95, 160, 120, 255);
constexpr ImU32 kColLink = IM_COL32(170, 170, 185, 90), kColLit = IM_COL32(255, 220, 90, 255);

}  // namespace

void draw_channel_diagram(const ChannelGroups& g, int layer, float width) {
    ImGui::TextWrapped("%s", g.summary.c_str());
    const float font = ImGui::GetFontSize();
    const bool dots = g.in_channels <= kMaxDots && g.out_channels <= kMaxDots;
    const int64_t blocks = g.per_channel ? 1 : g.groups;  // a per-channel layer: one block, one line per channel
    JsonWriter j;
    j.begin_object().key("layer").value(layer).key("in").value(g.in_channels).key("out").value(g.out_channels);
    j.key("groups").value(g.groups).key("depthwise").value(g.depthwise).key("dots").value(dots);
    if (!dots && blocks > kMaxBlocks) {
        ImGui::TextDisabled("(%lld groups: too many to draw)", (long long)g.groups);
        hooks().probes["channels"] = j.key("links").value(0).end_object().str();
        return;
    }
    const float h = font * 5.5f, w = std::max(width, font * 8);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("channels", ImVec2(w, h));
    hooks().record("explain_channels");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float top = p0.y + font * 1.1f, bottom = p0.y + h - font * 1.1f;
    dl->AddText(ImVec2(p0.x, p0.y), kColDim, "input channels");
    dl->AddText(ImVec2(p0.x, bottom + font * 0.1f), kColDim, "output channels");
    const ImGuiIO& io = ImGui::GetIO();
    const bool hovered = ImGui::IsItemHovered();
    int links = 0;
    if (dots) {
        // Channel i of n at the middle of its share of the width.
        auto X = [&](int64_t i, int64_t n) { return p0.x + (float(i) + 0.5f) * w / float(n); };
        // The channel under the pointer: nearest dot of the nearer row.
        int64_t hi_in = -1, hi_out = -1;
        if (hovered) {
            const bool upper = io.MousePos.y < (top + bottom) / 2;
            const int64_t n = upper ? g.in_channels : g.out_channels;
            const int64_t i = std::clamp<int64_t>(int64_t((io.MousePos.x - p0.x) / (w / float(n))), 0, n - 1);
            (upper ? hi_in : hi_out) = i;
            if (upper) ImGui::SetTooltip("input channel %lld (group %lld)", (long long)i, (long long)g.group_of_input(i));
            else ImGui::SetTooltip("output channel %lld (group %lld) reads input channels %lld .. %lld", (long long)i,
                                   (long long)g.group_of_output(i), (long long)g.first_input(i),
                                   (long long)(g.first_input(i) + g.in_per_group - 1));
        }
        for (int64_t ci = 0; ci < g.in_channels; ++ci)
            for (int64_t co = 0; co < g.out_channels; ++co)
                if (g.feeds(ci, co)) {
                    const bool lit = ci == hi_in || co == hi_out;
                    dl->AddLine(ImVec2(X(ci, g.in_channels), top + 4), ImVec2(X(co, g.out_channels), bottom - 4),
                                lit ? kColLit : kColLink, lit ? 2.0f : 1.0f);
                    ++links;
                }
        const float r = std::clamp(w / float(std::max(g.in_channels, g.out_channels)) * 0.3f, 2.0f, 5.0f);
        for (int64_t ci = 0; ci < g.in_channels; ++ci)
            dl->AddCircleFilled(ImVec2(X(ci, g.in_channels), top + 4), ci == hi_in ? r + 1.5f : r, ci == hi_in ? kColLit : kColIn);
        for (int64_t co = 0; co < g.out_channels; ++co)
            dl->AddCircleFilled(ImVec2(X(co, g.out_channels), bottom - 4), co == hi_out ? r + 1.5f : r, co == hi_out ? kColLit : kColOut);
    } else {
        // One block per group on each row, joined; a per-channel layer: one block, C lines in it.
        const float bw = w / float(blocks);
        for (int64_t k = 0; k < blocks; ++k) {
            const float a = p0.x + float(k) * bw + 1, b = p0.x + float(k + 1) * bw - 1;
            dl->AddQuadFilled(ImVec2(a, top + 6), ImVec2(b, top + 6), ImVec2(b, bottom - 6), ImVec2(a, bottom - 6), kColLink);
            dl->AddRectFilled(ImVec2(a, top), ImVec2(b, top + 6), kColIn);
            dl->AddRectFilled(ImVec2(a, bottom - 6), ImVec2(b, bottom), kColOut);
            ++links;
        }
        if (hovered) {
            const int64_t k = std::clamp<int64_t>(int64_t((io.MousePos.x - p0.x) / bw), 0, blocks - 1);
            if (g.per_channel) ImGui::SetTooltip("%lld channels, each on its own", (long long)g.in_channels);
            else ImGui::SetTooltip("group %lld: input channels %lld .. %lld -> output channels %lld .. %lld", (long long)k,
                                   (long long)(k * g.in_per_group), (long long)((k + 1) * g.in_per_group - 1),
                                   (long long)(k * g.out_per_group), (long long)((k + 1) * g.out_per_group - 1));
        }
    }
    hooks().probes["channels"] = j.key("links").value(links).end_object().str();
}

}  // namespace cp::app
