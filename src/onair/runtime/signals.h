// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace onair::runtime {

/// Calls `on_stop` once, on `io`'s thread, at the first SIGINT or SIGTERM.
class Signals {
public:
    Signals(boost::asio::io_context& io, std::function<void()> on_stop);

private:
    boost::asio::signal_set set_;
    std::function<void()> on_stop_;
};

}  // namespace onair::runtime
