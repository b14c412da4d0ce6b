// stb's implementation (Debian's header-only libstb-dev), compiled once, apart from our code: the
// sanitizer build checks it with one check fewer (see CMakeLists.txt).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
