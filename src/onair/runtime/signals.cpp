// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/signals.h"

#include <csignal>

namespace onair::runtime {

Signals::Signals(boost::asio::io_context& io, std::function<void()> on_stop)
    : set_(io, SIGINT, SIGTERM), on_stop_(std::move(on_stop)) {
    set_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec && on_stop_) on_stop_();
    });
}

}  // namespace onair::runtime
