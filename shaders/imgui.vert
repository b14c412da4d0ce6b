// Vertex stage of every program that draws ImGui's vertices (position, uv, colour) through the
// orthographic projection of the display: ImGui's own shader (with imgui.frag) and the feature
// maps' (with colormap.frag), so a map is drawn as an ordinary ImGui image quad. GLSL ES 3.0
// body; src/app/gl_renderer.cpp prepends `#version 300 es` and binds the attribute locations.
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
