// The benchmark's layers (NCHW, batch 1, float32), as convplay state strings. Every engine runs
// exactly these: same input (the state's seeded `noise` image), same weights and bias (the
// state's seeded PyTorch-style `rand` init, read back from our plan), same output.
//
//   kind: 'conv' (dense, groups = 1), 'depthwise' (groups = in = out), 'convT' (transposed)
//   big:  a "big conv layer" (bench/README.md: the threaded target judges these). Rule used:
//         dense conv whose reduction length Cin*k*k is >= 64 (enough arithmetic per output for a
//         register-tiled kernel to be compute bound). That leaves out conv 3->16 (Cin*k*k = 27),
//         whose peers too stay far below the ceiling. Change the flag here to change the rule.
//
// MACs come from engine.shapes(state).layers[0].macs: for a transposed conv that counts only the
// real products (input cell x kernel tap x Cin x Cout/g), never multiplications by inserted
// zeros. The same count is used for every engine, so GFLOP/s = 2*MACs/time are comparable.

const layer = (id, kind, big, input, op, desc) => ({
    id, kind, big, desc,
    state: `v=1&in=${input}&img=noise&net=${op}`,
});

export const LAYERS = [
    layer('conv3-16_512', 'conv', false, '3x512x512', 'conv2d(out=16,k=3,p=1)', 'conv 3->16 k3 s1 p1, 512x512'),
    layer('conv16-16_256', 'conv', true, '16x256x256', 'conv2d(out=16,k=3,p=1)', 'conv 16->16 k3 s1 p1, 256x256'),
    layer('conv16-32s2_256', 'conv', true, '16x256x256', 'conv2d(out=32,k=3,s=2,p=1)', 'conv 16->32 k3 s2 p1, 256x256'),
    layer('conv64-64_64', 'conv', true, '64x64x64', 'conv2d(out=64,k=3,p=1)', 'conv 64->64 k3 s1 p1, 64x64'),
    layer('convT32-16k4_128', 'convT', false, '32x128x128', 'convT2d(out=16,k=4,s=2,p=1)', 'convT 32->16 k4 s2 p1, 128x128'),
    layer('convT16-3k3op1_256', 'convT', false, '16x256x256', 'convT2d(out=3,k=3,s=2,p=1,op=1)', 'convT 16->3 k3 s2 p1 op1, 256x256'),
    layer('dw32_128', 'depthwise', false, '32x128x128', 'conv2d(out=32,k=3,p=1,g=32)', 'depthwise 32 k3 s1 p1, 128x128'),
    // Our choice: a pointwise (1x1) conv as in MobileNet-style blocks, and a dilated 3x3 conv
    // (dilation 2, "same" padding) as in DeepLab-style context modules.
    layer('conv1x1-64-64_128', 'conv', true, '64x128x128', 'conv2d(out=64,k=1)', 'conv 1x1 64->64, 128x128'),
    layer('conv32-32d2_128', 'conv', true, '32x128x128', 'conv2d(out=32,k=3,p=2,d=2)', 'conv 32->32 k3 d2 p2, 128x128'),
];
