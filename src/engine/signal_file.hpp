// 1-d signals from files: the columns of a CSV (or TSV / whitespace-separated text) and the
// columns of a .npy array become the channels of a [1, C, L] input (in=CxL), the playground's
// 1-d mode. A first line that is not numbers is a header and is skipped. A .npy of shape (L) is
// one channel; (L, C) is C channels, one per column, as a CSV's.
#pragma once
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "engine/image.hpp"

namespace cp {

// Whether `bytes` (named `name`) are a signal file rather than an image: .npy magic, or a name
// ending .csv / .tsv (any other file is an image, or refused as one).
bool is_signal_file(std::string_view bytes, const std::string& name);

// The channels of a signal file, refused (with the line or the shape that is wrong) when it has
// no numbers, ragged rows, or more than `max_values` values in all.
Result<Decoded> decode_signal(std::string_view bytes, const std::string& name, int64_t max_values);

// An upload: a signal file (decode_signal with the playground's budget) or an image (decode_image).
Result<Decoded> decode_upload(std::string_view bytes, int channels, const DecodeLimits& lim, const std::string& name);

}  // namespace cp
