// Exporters: a state's stack as PyTorch code, an ONNX model or Keras code, carrying the very
// weights (and the very input) the engine uses, so the exported model reproduces convplay's
// numbers. Each target's guarantees and caveats are listed in docs/export.md.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"
#include "engine/tensor.hpp"
#include "engine/weights.hpp"

namespace cp {

// Everything an exporter needs, made once: the shapes, each conv/convT layer's weights exactly
// as the engine makes them (layers without weights get empty ones), and the input.
struct ExportModel {
    State state;
    NetInfo info;
    std::vector<LayerWeights> weights;  // one per layer
    Tensor input;                       // the built-in image as the engine draws it; empty for img=upload
};

// Fails with the first failing layer's error ("layer 2 (conv2d(...)): <PyTorch's words>"): a
// stack PyTorch refuses has nothing to export.
Result<ExportModel> prepare_export(const State& state);

// Python source: an nn.Sequential with the exact parameters, the weights copied in, the input,
// and an assert on the output shape. The output is left in the variable `y`.
std::string export_pytorch(const ExportModel& m);

// An ONNX model (opset 13), serialised protobuf bytes; refuses what ONNX cannot express exactly.
Result<std::string> export_onnx(const ExportModel& m);

// Python source for Keras (channels_last): shapes stay PyTorch's layer by layer (ZeroPadding /
// Cropping around 'valid' layers where Keras has no twin), with a comment wherever Keras differs.
std::string export_keras(const ExportModel& m);
// The same model for TensorFlow.js's tf.layers, as JSON: {"input": [N, H, W, C], "layers":
// [{"layer": 1-based state layer, "className", "config", "expect": channels_last shape after the
// state layer, or null}]}; 1-d layers as 2-d of height 1. Lets Node check the Keras shapes.
std::string export_keras_json(const ExportModel& m);

// Little helpers shared by the exporters.
std::string input_note(const ExportModel& m);  // what the exported input is, in words
std::string base64_encode(const void* data, size_t bytes);
std::string float32_le_bytes(std::span<const float> v);
// A float written so that Python (reading it as a double) gets exactly this float32 back.
std::string python_float(float v);
std::string python_double(double v);  // "2.0", "0.25"
// A per-axis size as people write it in Python: one number when every axis agrees, else a tuple.
std::string python_sizes(const std::vector<int64_t>& v);

}  // namespace cp
