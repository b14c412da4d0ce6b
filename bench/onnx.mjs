// A minimal ONNX model writer: just enough protobuf (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto) to hand onnxruntime-web one Conv or ConvTranspose
// layer with its weights and bias as initializers. Field numbers are from onnx/onnx.proto3.
// Also the runners' self-test of onnxruntime-web on such a model (ortSelfTest).
// No dependencies; works in Node and in browsers.

// ---- protobuf wire format -------------------------------------------------------------------
class Writer {
    constructor() { this.parts = []; this.length = 0; }
    bytes(u8) { this.parts.push(u8); this.length += u8.length; return this; }
    varint(v) {  // non-negative integers below 2^53
        if (!(Number.isInteger(v) && v >= 0)) throw new Error(`varint: bad value ${v}`);
        const out = [];
        while (v >= 0x80) { out.push((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
        out.push(v);
        return this.bytes(Uint8Array.from(out));
    }
    tag(field, wire) { return this.varint(field * 8 + wire); }
    int(field, v) { return this.tag(field, 0).varint(v); }                   // int32/int64/enum
    len(field, u8) { return this.tag(field, 2).varint(u8.length).bytes(u8); } // bytes/messages
    str(field, s) { return this.len(field, new TextEncoder().encode(s)); }
    msg(field, w) { return this.len(field, w.finish()); }
    f32(field, v) {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setFloat32(0, v, true);
        return this.tag(field, 5).bytes(b);
    }
    packedInts(field, arr) {
        const w = new Writer();
        for (const v of arr) w.varint(v);
        return this.len(field, w.finish());
    }
    finish() {
        const out = new Uint8Array(this.length);
        let o = 0;
        for (const p of this.parts) { out.set(p, o); o += p.length; }
        return out;
    }
}

const FLOAT = 1;                          // TensorProto.DataType.FLOAT
const ATTR_INT = 2, ATTR_INTS = 7;         // AttributeProto.AttributeType

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian float32).
function tensorProto(name, dims, data) {
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    const raw = new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
    const w = new Writer();
    for (const d of dims) w.int(1, d);
    return w.int(2, FLOAT).str(8, name).len(9, raw);
}

// ValueInfoProto{name = 1, type = 2: TypeProto{tensor_type = 1: {elem_type = 1, shape = 2:
// TensorShapeProto{dim = 1: {dim_value = 1}}}}}.
function valueInfo(name, dims) {
    const shape = new Writer();
    for (const d of dims) shape.msg(1, new Writer().int(1, d));
    const tensorType = new Writer().int(1, FLOAT).msg(2, shape);
    return new Writer().str(1, name).msg(2, new Writer().msg(1, tensorType));
}

// AttributeProto: name = 1, i = 3, ints = 8, type = 20.
function attrInt(name, v) { return new Writer().str(1, name).int(3, v).int(20, ATTR_INT); }
function attrInts(name, vs) {
    const w = new Writer().str(1, name);
    for (const v of vs) w.int(8, v);  // repeated int64, unpacked (both forms are legal)
    return w.int(20, ATTR_INTS);
}

/**
 * One Conv or ConvTranspose layer as ONNX model bytes (opset 13, IR version 8).
 * p: { transposed, cin, cout, h, w, k, s, d, g, pads: [top, left, bottom, right], op (output
 *      padding), outH, outW, weight (PyTorch layout, which is ONNX's too), weightShape, bias }
 * Graph input "x" [1, cin, h, w], output "y" [1, cout, outH, outW].
 */
export function convModel(p) {
    const op = p.transposed ? 'ConvTranspose' : 'Conv';
    const inputs = p.bias ? ['x', 'W', 'B'] : ['x', 'W'];
    const node = new Writer();
    for (const i of inputs) node.str(1, i);
    node.str(2, 'y').str(3, 'layer').str(4, op);
    node.msg(5, attrInts('kernel_shape', [p.k, p.k]));
    node.msg(5, attrInts('strides', [p.s, p.s]));
    node.msg(5, attrInts('dilations', [p.d, p.d]));
    node.msg(5, attrInts('pads', p.pads));
    node.msg(5, attrInt('group', p.g));
    if (p.transposed) node.msg(5, attrInts('output_padding', [p.op, p.op]));

    const graph = new Writer().msg(1, node).str(2, 'convplay_bench');
    graph.msg(5, tensorProto('W', p.weightShape, p.weight));
    if (p.bias) graph.msg(5, tensorProto('B', [p.cout], p.bias));
    graph.msg(11, valueInfo('x', [1, p.cin, p.h, p.w]));
    graph.msg(12, valueInfo('y', [1, p.cout, p.outH, p.outW]));

    // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 {domain 1, version 2}.
    return new Writer().int(1, 8).str(2, 'convplay-bench').msg(7, graph)
        .msg(8, new Writer().str(1, '').int(2, 13)).finish();
}

/**
 * Runs a 1x1 conv (3 * 2 + 1) on onnxruntime-web `ort`, which also loads ORT's runtime and wasm
 * before any layer is timed; throws unless it gives 7. Resolves a line saying how ORT is set.
 */
export async function ortSelfTest(ort) {
    const s = await ort.InferenceSession.create(convModel({ transposed: false, cin: 1, cout: 1, h: 1, w: 1, k: 1, s: 1, d: 1, g: 1,
        pads: [0, 0, 0, 0], op: 0, outH: 1, outW: 1, weight: [2], weightShape: [1, 1, 1, 1], bias: [1] }), { executionProviders: ['wasm'] });
    const y = (await s.run({ x: new ort.Tensor('float32', new Float32Array([3]), [1, 1, 1, 1]) })).y.data[0];
    if (y !== 7) throw new Error(`onnxruntime-web: 1x1 conv self-test gave ${y}, not 7`);
    await s.release();
    return `${ort.env.versions?.web ?? '?'}, wasm numThreads ${ort.env.wasm.numThreads}, simd ${ort.env.wasm.simd}`;
}
