// TEMPORARY STUB written by the build helper so the wasm target links; the lead replaces it
// with the real C API over the engine (cp_shapes_json runs the state codec + shape solver).
extern "C" const char* cp_shapes_json(const char* state_text) {
    (void)state_text;
    return "{\"ok\":false,\"error\":\"stub: src/wasm/engine_api.cpp is not written yet\"}";
}

extern "C" const char* cp_version() { return "convplay (stub)"; }
