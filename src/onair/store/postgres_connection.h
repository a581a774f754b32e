// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <string>

#include "onair/base/result.h"
#include "onair/store/sql_connection.h"

struct pg_conn;
struct pg_result;

namespace onair::store {

/// One libpq connection. Every statement goes through PQexecParams with its
/// values as parameters. A connection found broken before a statement (the
/// server restarted, an idle session was terminated) is re-established once;
/// if that fails, or if the broken session was inside a transaction (whose
/// statements are lost), the statement fails with kIo. A statement whose
/// connection breaks while it runs is not retried: it may have been applied.
class PostgresConnection final : public SqlConnection {
public:
    /// `url`: a libpq connection URI (postgres://user@host:port/db?...).
    static base::Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url);
    ~PostgresConnection() override;
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    Dialect dialect() const override { return Dialect::kPostgres; }
    using SqlConnection::Run;
    base::Result<SqlResult> Run(std::string_view sql, std::span<const SqlParam> params) override;

    /// The server process of this session (pg_backend_pid), for tests.
    int backend_pid() const;

private:
    explicit PostgresConnection(pg_conn* conn) : conn_(conn) {}
    base::Status EnsureConnected();
    /// libpq's notice receiver: notes a FATAL sent while we were idle.
    static void OnNotice(void* self, const pg_result* notice);

    pg_conn* conn_;
    bool session_ended_ = false;   // the server said FATAL: the session is over
    bool in_transaction_ = false;  // after the last statement
};

}  // namespace onair::store
