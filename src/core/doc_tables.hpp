// The tables of docs/state-format.md as Markdown, made from the code's tables (layer_types.hpp,
// choices.hpp). tests/core/doc_tables_test.cpp fails when the document and these disagree (and
// rewrites the document with CONVPLAY_UPDATE_DOCS=1).
#pragma once
#include <string>
#include <vector>

namespace cp {

struct DocTable {
    std::string id;        // the document marks it as <!-- table:ID --> ... <!-- end table:ID -->
    std::string markdown;  // header, separator and rows, each line ending in '\n'
};

std::vector<DocTable> doc_tables();

}  // namespace cp
