// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <map>
#include <string>

namespace onair::app {

/// The process's ONAIR_* environment variables.
std::map<std::string, std::string> OnairEnvironment();

}  // namespace onair::app
