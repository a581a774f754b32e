// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <string_view>

#include "onair/base/result.h"
#include "onair/runtime/endpoint.h"

namespace onair::server {

/// Opens, binds and listens, with SO_REUSEADDR. Errors are one line naming
/// the server and the address ("http: cannot listen on 0.0.0.0:8080:
/// Address already in use").
base::Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const runtime::Endpoint& endpoint,
                    std::string_view what);

}  // namespace onair::server
