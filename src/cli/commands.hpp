// The convplay subcommands. Each returns the process exit code: 0 ok, 1 bad input, 2 bad usage.
#pragma once
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/status.hpp"

namespace cp::cli {

const char* usage();
int cmd_shapes(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_solve(const std::vector<std::string>& args);
int cmd_canon(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);
int cmd_gallery(const std::vector<std::string>& args);

// Shared helpers
struct Args {
    std::string state_text;
    std::vector<std::pair<std::string, std::string>> options;  // --name value, or --flag ""
    bool has(const std::string& name) const;
    std::string get(const std::string& name) const;
};
// Splits positional state and options; flags listed in `flags` take no value.
Result<Args> parse_args(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
                        const std::vector<std::string>& flags);
// Parses the state (a share link or "-" for stdin), printing the error on failure.
Result<State> load_state(const std::string& text);
int fail(const Status& st);

}  // namespace cp::cli
