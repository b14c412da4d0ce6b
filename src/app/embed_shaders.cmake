# Writes every shaders/*.vert|*.frag body into one header as `constexpr const char* k_<name>_<ext>`.
# Run by CMake (-P) with DIR (the shaders folder) and OUT (the header).
file(GLOB files ${DIR}/*.vert ${DIR}/*.frag)
list(SORT files)
set(text "// Generated from shaders/ by src/app/embed_shaders.cmake: do not edit.\n#pragma once\n\n")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  get_filename_component(ext ${f} EXT)
  string(REPLACE "." "" ext ${ext})
  file(READ ${f} body)
  string(APPEND text "constexpr const char* k_${name}_${ext} = R\"glsl(${body})glsl\";\n\n")
endforeach()
file(WRITE ${OUT}.tmp "${text}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
