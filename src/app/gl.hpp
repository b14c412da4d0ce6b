// The GL ES 3.0 header (WebGL2 under Emscripten; GLES3 natively).
#pragma once
#include <GLES3/gl3.h>
