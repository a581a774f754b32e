// SPDX-License-Identifier: Apache-2.0
#include "onair/server/listen.h"

#include <boost/asio/ip/address.hpp>

namespace onair::server {

namespace asio = boost::asio;

base::Status Listen(asio::ip::tcp::acceptor& acceptor, const runtime::Endpoint& endpoint, std::string_view what) {
    const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
    auto fail = [&](const boost::system::error_code& ec) {
        return base::Error{base::ErrorCode::kIo,
                           std::string(what) + ": cannot listen on " + where + ": " + ec.message()};
    };
    boost::system::error_code ec;
    auto address = asio::ip::make_address(endpoint.host, ec);
    if (ec) return fail(ec);
    asio::ip::tcp::endpoint ep(address, endpoint.port);
    acceptor.open(ep.protocol(), ec);
    if (ec) return fail(ec);
    acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    acceptor.bind(ep, ec);
    if (ec) return fail(ec);
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(ec);
    return base::Status::Ok();
}

}  // namespace onair::server
