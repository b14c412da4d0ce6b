// Fragment stage of the feature-map shader: one output channel, uploaded as a layer of an R32F
// texture array, coloured here so a range or colormap change costs no upload. The palettes are
// the engine's (src/engine/image.cpp), so the page and `convplay run` PNGs agree.
precision highp float;
precision highp sampler2DArray;

uniform sampler2DArray u_maps;  // one layer per channel, raw float values
uniform int u_mode;             // 0 sequential, 1 diverging, 2 grey, 3 RGB composite (layers u_layer..+2)
uniform int u_layer;            // the channel to show
uniform vec2 u_range;           // values mapped to 0 and 1 (diverging: -m, +m)
uniform vec2 u_size;            // texture width, height in texels (for the pixel grid)
uniform float u_grid;           // 1: draw texel borders (the view is zoomed in)

in vec2 v_uv;
in vec4 v_color;
out vec4 out_color;

vec3 lerp_anchors5(float t, vec3 a0, vec3 a1, vec3 a2, vec3 a3, vec3 a4) {
    t = clamp(t, 0.0, 1.0) * 4.0;
    if (t < 1.0) return mix(a0, a1, t);
    if (t < 2.0) return mix(a1, a2, t - 1.0);
    if (t < 3.0) return mix(a2, a3, t - 2.0);
    return mix(a3, a4, t - 3.0);
}

// Viridis, five anchors (as colormap_sequential).
vec3 sequential(float t) {
    return lerp_anchors5(t, vec3(68, 1, 84) / 255.0, vec3(59, 82, 139) / 255.0, vec3(33, 145, 140) / 255.0,
                         vec3(94, 201, 98) / 255.0, vec3(253, 231, 37) / 255.0);
}

// Blue (negative) -> light grey (zero) -> red (positive) (as colormap_diverging).
vec3 diverging(float t) {
    t = clamp(t, 0.0, 1.0);
    vec3 lo = vec3(59, 76, 192) / 255.0, mid = vec3(221) / 255.0, hi = vec3(180, 4, 38) / 255.0;
    return t < 0.5 ? mix(lo, mid, t * 2.0) : mix(mid, hi, t * 2.0 - 1.0);
}

float norm(float v) {
    float span = u_range.y - u_range.x;
    return span > 0.0 ? (v - u_range.x) / span : 0.5;
}

void main() {
    vec3 rgb;
    if (u_mode == 3) {
        rgb = vec3(norm(texture(u_maps, vec3(v_uv, float(u_layer))).r),
                   norm(texture(u_maps, vec3(v_uv, float(u_layer + 1))).r),
                   norm(texture(u_maps, vec3(v_uv, float(u_layer + 2))).r));
        rgb = clamp(rgb, 0.0, 1.0);
    } else {
        float t = norm(texture(u_maps, vec3(v_uv, float(u_layer))).r);
        if (u_mode == 0) rgb = sequential(t);
        else if (u_mode == 1) rgb = diverging(t);
        else rgb = vec3(clamp(t, 0.0, 1.0));
    }
    if (u_grid > 0.5) {
        // Texel borders one screen pixel wide: fwidth is how many texels one pixel spans.
        vec2 texel = v_uv * u_size;
        vec2 edge = fract(texel) / fwidth(texel);
        if (min(edge.x, edge.y) < 1.0) rgb = mix(rgb, vec3(0.1), 0.55);
    }
    out_color = vec4(rgb, 1.0) * v_color;
}
