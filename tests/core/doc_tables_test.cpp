// docs/state-format.md must show the code's tables (core/doc_tables.hpp): a new layer type, preset,
// image or mode that the document does not list fails here. CONVPLAY_UPDATE_DOCS=1 rewrites the
// document's tables from the code instead (then review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/doc_tables.hpp"

namespace {

const std::string kDoc = std::string(CONVPLAY_DOCS) + "/state-format.md";

std::string read_all(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

TEST(DocTables, StateFormatShowsTheCodesTables) {
    std::string doc = read_all(kDoc);
    ASSERT_FALSE(doc.empty()) << "cannot read " << kDoc;
    const bool update = std::getenv("CONVPLAY_UPDATE_DOCS") != nullptr;
    for (const cp::DocTable& t : cp::doc_tables()) {
        const std::string begin = "<!-- table:" + t.id + " -->\n", end = "<!-- end table:" + t.id + " -->";
        const size_t b = doc.find(begin);
        ASSERT_NE(b, std::string::npos) << kDoc << " lacks the marker " << begin;
        const size_t body = b + begin.size();
        const size_t e = doc.find(end, body);
        ASSERT_NE(e, std::string::npos) << kDoc << " lacks the marker " << end;
        const std::string shown = doc.substr(body, e - body);
        if (update) doc.replace(body, e - body, t.markdown);
        else EXPECT_EQ(shown, t.markdown) << "table '" << t.id << "' of " << kDoc
                                          << " differs from the code (CONVPLAY_UPDATE_DOCS=1 rewrites it):\n"
                                          << t.markdown;
    }
    if (update) std::ofstream(kDoc, std::ios::binary) << doc;
}

}  // namespace
