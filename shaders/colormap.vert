// Vertex stage of the feature-map shader: ImGui's own vertex layout (position, uv, colour), so a
// map is drawn as an ordinary ImGui image quad. GLSL ES 3.0 body; `#version 300 es` is prepended
// at load (src/app/gl_maps.cpp).
uniform mat4 u_proj;
in vec2 Position;
in vec2 UV;
in vec4 Color;
out vec2 v_uv;
out vec4 v_color;

void main() {
    v_uv = UV;
    v_color = Color;
    gl_Position = u_proj * vec4(Position.xy, 0.0, 1.0);
}
