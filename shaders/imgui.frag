// Fragment stage of ImGui's shader (src/app/gl_renderer.cpp): the vertex colour times the bound
// texture (the font atlas, whose white texel draws plain shapes). GLSL ES 3.0 body, after
// `precision mediump float;`.
uniform sampler2D u_tex;
in vec2 v_uv;
in vec4 v_color;
out vec4 out_color;

void main() {
    out_color = v_color * texture(u_tex, v_uv);
}
