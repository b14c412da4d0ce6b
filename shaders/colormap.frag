// Fragment stage of the feature-map shader: one output channel, uploaded as a layer of an R32F
// texture array, coloured here so a range or colormap change costs no upload. The palettes are
// not written here: src/app/gl_maps.cpp compiles this body after `precision highp float;` and
// cp::colormap_glsl() (src/core/colormap.cpp: CP_MAP_* codes and cp_palette()), the very anchors
// the PNG writer uses, so the page and `convplay run` PNGs agree.
precision highp sampler2DArray;

uniform sampler2DArray u_maps;  // one layer per channel, raw float values
uniform int u_mode;             // a CP_MAP_* code; CP_MAP_RGB: a composite of layers u_layer..+2
uniform int u_layer;            // the channel to show
uniform vec2 u_range;           // values mapped to 0 and 1 (diverging: -m, +m)
uniform vec2 u_size;            // texture width, height in texels (for the pixel grid)
uniform float u_grid;           // 1: draw texel borders (the view is zoomed in)

in vec2 v_uv;
in vec4 v_color;
out vec4 out_color;

float norm(float v) {
    float span = u_range.y - u_range.x;
    return span > 0.0 ? (v - u_range.x) / span : 0.5;
}

void main() {
    vec3 rgb;
    if (u_mode == CP_MAP_RGB) {
        rgb = vec3(norm(texture(u_maps, vec3(v_uv, float(u_layer))).r),
                   norm(texture(u_maps, vec3(v_uv, float(u_layer + 1))).r),
                   norm(texture(u_maps, vec3(v_uv, float(u_layer + 2))).r));
        rgb = clamp(rgb, 0.0, 1.0);
    } else {
        rgb = cp_palette(u_mode, norm(texture(u_maps, vec3(v_uv, float(u_layer))).r));
    }
    if (u_grid > 0.5) {
        // Texel borders one screen pixel wide: fwidth is how many texels one pixel spans.
        vec2 texel = v_uv * u_size;
        vec2 edge = fract(texel) / fwidth(texel);
        if (min(edge.x, edge.y) < 1.0) rgb = mix(rgb, vec3(0.1), 0.55);
    }
    out_color = vec4(rgb, 1.0) * v_color;
}
