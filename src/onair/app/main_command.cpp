// SPDX-License-Identifier: Apache-2.0
#include "onair/app/main_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "onair/app/channel_command.h"
#include "onair/app/lb_config_command.h"
#include "onair/app/role_commands.h"

namespace onair::app {

int Main(int argc, char** argv) {
    CLI::App root{"onair: live streaming — RTMP in, HLS out"};
    root.require_subcommand(1);
    root.set_version_flag("--version", "onair 0.1.0");
    int exit_code = 0;
    AddServeCommand(root, exit_code);
    AddIngestCommand(root, exit_code);
    AddEdgeCommand(root, exit_code);
    AddTranscoderCommand(root, exit_code);
    AddOriginCommand(root, exit_code);
    AddManagerCommand(root, exit_code);
    AddChannelCommands(root, exit_code);
    AddLbConfigCommand(root, exit_code);
    try {
        root.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return root.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "onair: " << e.what() << "\n";
        return 1;
    }
    return exit_code;
}

}  // namespace onair::app
