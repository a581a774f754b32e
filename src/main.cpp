// SPDX-License-Identifier: Apache-2.0
#include "onair/app/main_command.h"

int main(int argc, char** argv) { return onair::app::Main(argc, argv); }
