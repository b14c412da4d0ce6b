// convplay: the native command. Subcommands live in their own files.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(cp::cli::usage(), stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "shapes") return cp::cli::cmd_shapes(args);
    if (cmd == "run") return cp::cli::cmd_run(args);
    if (cmd == "explain") return cp::cli::cmd_explain(args);
    if (cmd == "solve") return cp::cli::cmd_solve(args);
    if (cmd == "canon") return cp::cli::cmd_canon(args);
    if (cmd == "export") return cp::cli::cmd_export(args);
    if (cmd == "gallery") return cp::cli::cmd_gallery(args);
    std::fprintf(stderr, "convplay: unknown command '%s'\n\n%s", cmd.c_str(), cp::cli::usage());
    return 2;
}
