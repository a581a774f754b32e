// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace onair::app {

/// Parses the command line and runs the sub-command. Returns the exit code.
int Main(int argc, char** argv);

}  // namespace onair::app
