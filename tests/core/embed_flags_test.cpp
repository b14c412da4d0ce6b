// The playground's query flags: what each flag sets, that bad and unknown flags are dropped with
// one warning each (never an error), limits, and that printing reads back.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/embed_flags.hpp"

namespace {

using cp::Panel;
using cp::parse_embed_flags;

TEST(EmbedFlags, EmptyQueryIsTheFullPage) {
    for (const char* q : {"", "?", "?&&"}) {
        const auto f = parse_embed_flags(q);
        EXPECT_FALSE(f.embed) << q;
        EXPECT_TRUE(f.warnings.empty()) << q;
        EXPECT_FALSE(f.layer.has_value());
        EXPECT_FALSE(f.any_lock());
    }
}

TEST(EmbedFlags, TheContractExample) {
    const auto f = parse_embed_flags("?embed=1&panels=explain&layer=2&lock=s,p&hide=upload&id=fig1");
    EXPECT_TRUE(f.warnings.empty()) << f.warnings.front();
    EXPECT_TRUE(f.embed);
    ASSERT_EQ(f.panels.size(), 1u);
    EXPECT_EQ(f.panels[0], Panel::Explain);
    EXPECT_EQ(f.layer, 2);
    EXPECT_TRUE(f.locked("s"));
    EXPECT_TRUE(f.locked("p"));
    EXPECT_FALSE(f.locked("k"));
    EXPECT_TRUE(f.hidden("upload"));
    EXPECT_EQ(f.id, "fig1");
}

TEST(EmbedFlags, DefaultPanelsAndTabOrder) {
    EXPECT_EQ(parse_embed_flags("embed=1").shown_panels(), (std::vector<Panel>{Panel::Layers, Panel::Outputs, Panel::Map}));
    // The order given is the tab order; a repeat is dropped.
    EXPECT_EQ(parse_embed_flags("embed=1&panels=map,shapes,map,layers").panels,
              (std::vector<Panel>{Panel::Map, Panel::Shapes, Panel::Layers}));
}

TEST(EmbedFlags, ParameterNamesAreCanonical) {
    const auto f = parse_embed_flags("lock=stride,padding,output_padding,groups,k&hide=dilation,batch,weights,share,add");
    EXPECT_TRUE(f.warnings.empty());
    for (const char* n : {"s", "p", "op", "g", "k"}) EXPECT_TRUE(f.locked(n)) << n;
    for (const char* n : {"d", "n", "weights", "share", "add"}) EXPECT_TRUE(f.hidden(n)) << n;
    EXPECT_FALSE(f.locked("d"));
    const auto all = parse_embed_flags("lock=all");
    EXPECT_TRUE(all.lock_all);
    EXPECT_TRUE(all.locked("anything"));
}

TEST(EmbedFlags, BadFlagsAreDroppedWithOneWarningEach) {
    const auto f = parse_embed_flags(
        "embed=yes&panels=map,bogus&layer=-1&lock=s,zz&hide=nothing&id=" + std::string(65, 'x') +
        "&origin=javascript:alert(1),https://ok.example:8443&colour=red&lock=k");
    EXPECT_FALSE(f.embed);
    EXPECT_EQ(f.panels, std::vector<Panel>{Panel::Map});
    EXPECT_FALSE(f.layer.has_value());
    EXPECT_TRUE(f.locked("s"));
    EXPECT_FALSE(f.locked("k"));  // the second lock= is ignored
    EXPECT_TRUE(f.hide.empty());
    EXPECT_TRUE(f.id.empty());
    EXPECT_EQ(f.origins, std::vector<std::string>{"https://ok.example:8443"});
    // embed, panels, layer, lock (zz), hide, id, origin, colour, lock twice
    ASSERT_EQ(f.warnings.size(), 9u);
    EXPECT_NE(f.warnings[0].find("embed="), std::string::npos);
    EXPECT_NE(f.warnings[1].find("unknown panel 'bogus'"), std::string::npos);
    EXPECT_NE(f.warnings[7].find("unknown flag 'colour'"), std::string::npos);
    EXPECT_NE(f.warnings[8].find("given twice"), std::string::npos);
}

TEST(EmbedFlags, LayerRange) {
    EXPECT_EQ(parse_embed_flags("layer=0").layer, 0);
    EXPECT_EQ(parse_embed_flags("layer=64").layer, 64);
    for (const char* q : {"layer=65", "layer=", "layer=1.5", "layer=0x2", "layer=99999999999999"}) {
        const auto f = parse_embed_flags(q);
        EXPECT_FALSE(f.layer.has_value()) << q;
        EXPECT_EQ(f.warnings.size(), 1u) << q;
    }
}

TEST(EmbedFlags, PercentEncodingAndHostileText) {
    const auto f = parse_embed_flags("id=a%20b%26c&origin=https%3A%2F%2Fhost.example");
    EXPECT_EQ(f.id, "a b&c");
    EXPECT_EQ(f.origins, std::vector<std::string>{"https://host.example"});
    EXPECT_EQ(parse_embed_flags("id=%0a").warnings.size(), 1u);  // a control character
    // A huge query is refused as a whole, at once.
    const auto big = parse_embed_flags("lock=" + std::string(100000, ','));
    EXPECT_FALSE(big.any_lock());
    EXPECT_EQ(big.warnings.size(), 1u);
    const auto many = parse_embed_flags("lock=" + std::string(200, ','));
    EXPECT_EQ(many.warnings.size(), 1u);
}

TEST(EmbedFlags, PrintReadsBack) {
    for (const char* q : {"?embed=1&panels=explain,map&layer=2&lock=p,s&hide=d,upload&id=fig%201&origin=https://a.example",
                          "?lock=all", "?layer=0", ""}) {
        const auto f = parse_embed_flags(q);
        EXPECT_EQ(cp::print_embed_flags(f), q);
        const auto g = parse_embed_flags(cp::print_embed_flags(f));
        EXPECT_EQ(g.panels, f.panels);
        EXPECT_EQ(g.lock, f.lock);
        EXPECT_EQ(g.id, f.id);
    }
}

TEST(EmbedFlags, Snippets) {
    const auto f = parse_embed_flags("panels=explain&layer=3&lock=s");
    const std::string state = "v=1&in=3x8x8&img=photo&net=conv2d(out=2,k=3)";
    EXPECT_EQ(cp::embed_iframe_snippet("https://x.example/cp/index.html", f, state, 700, 450),
              "<iframe src=\"https://x.example/cp/index.html?embed=1&amp;panels=explain&amp;layer=3&amp;lock=s"
              "#v=1&amp;in=3x8x8&amp;img=photo&amp;net=conv2d(out=2,k=3)\" width=\"700\" height=\"450\" "
              "style=\"border:0;max-width:100%\" loading=\"lazy\" title=\"convplay playground\"></iframe>");
    EXPECT_EQ(cp::embed_div_snippet("https://x.example/cp/index.html", f, state),
              "<div data-convplay=\"v=1&amp;in=3x8x8&amp;img=photo&amp;net=conv2d(out=2,k=3)\" data-panels=\"explain\" "
              "data-layer=\"3\" data-lock=\"s\"></div>\n<script src=\"https://x.example/cp/embed.js\" defer></script>");
}

TEST(EmbedFlags, LockedChangeNamesTheLockedParameter) {
    auto st = [](const char* t) { return *cp::parse_state(t); };
    const cp::State a = st("v=1&in=3x64x64&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1)");
    const auto f = parse_embed_flags("lock=s,op,in");
    EXPECT_EQ(cp::locked_change(f, a, a), "");
    EXPECT_EQ(cp::locked_change(f, a, st("v=1&in=3x64x64&net=conv2d(out=8,k=5,s=2,p=1);convT2d(out=3,k=3,s=2,p=1)")), "");
    EXPECT_EQ(cp::locked_change(f, a, st("v=1&in=3x64x64&net=conv2d(out=8,k=3,s=1,p=1);convT2d(out=3,k=3,s=2,p=1)")), "s");
    // output_padding from its default 0 to 1: the one-click fix is refused when op is locked.
    EXPECT_EQ(cp::locked_change(f, a, st("v=1&in=3x64x64&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1,op=1)")), "op");
    EXPECT_EQ(cp::locked_change(f, a, st("v=1&in=3x32x32&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1)")), "in");
    // Adding a layer is allowed, except under lock=all.
    const cp::State more = st("v=1&in=3x64x64&net=conv2d(out=8,k=3,s=2,p=1);convT2d(out=3,k=3,s=2,p=1);relu");
    EXPECT_EQ(cp::locked_change(f, a, more), "");
    EXPECT_EQ(cp::locked_change(parse_embed_flags("lock=all"), a, more), "all");
    EXPECT_EQ(cp::locked_change(parse_embed_flags(""), a, more), "");
}

}  // namespace
