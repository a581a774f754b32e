// SPDX-License-Identifier: Apache-2.0
#include "onair/app/environment.h"

#include <string_view>

extern char** environ;

namespace onair::app {

std::map<std::string, std::string> OnairEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string_view::npos && kv.starts_with("ONAIR_")) {
            env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
        }
    }
    return env;
}

}  // namespace onair::app
