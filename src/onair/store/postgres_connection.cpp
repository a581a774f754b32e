// SPDX-License-Identifier: Apache-2.0
#include "onair/store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cstring>

namespace onair::store {

namespace {

// Type OIDs (pg_type.dat) so the server never has to guess a parameter's type.
constexpr Oid kInt8Oid = 20;
constexpr Oid kBoolOid = 16;
constexpr Oid kTextOid = 25;

/// libpq's last connection error, trailing newline trimmed (it names host
/// and user, never the password).
std::string ConnectionMessage(PGconn* conn) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
}

/// The error of a failed statement: SQLSTATE and the primary message only.
/// DETAIL is left out because it quotes the values of a violated key, and so
/// is the primary message of a data exception (class 22), which quotes the
/// offending input.
base::Error StatementError(const PGresult* res, PGconn* conn) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string sqlstate = state ? state : "";
    base::ErrorCode code = base::ErrorCode::kIo;
    if (sqlstate == "23505")
        code = base::ErrorCode::kAlreadyExists;
    else if (sqlstate == "23503")
        code = base::ErrorCode::kNotFound;
    else if (sqlstate.starts_with("23"))
        code = base::ErrorCode::kInvalidData;
    std::string message;
    if (sqlstate.starts_with("22"))
        message = "data exception";
    else if (primary)
        message = primary;
    else
        message = ConnectionMessage(conn);
    return base::Error{code, "postgres: " + (sqlstate.empty() ? "" : "SQLSTATE " + sqlstate + ": ") + message};
}

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

}  // namespace

base::Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const std::string& url) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        std::string msg = "postgres: cannot connect: " + ConnectionMessage(conn);
        PQfinish(conn);
        return base::Error{base::ErrorCode::kIo, msg};
    }
    std::unique_ptr<PostgresConnection> pg(new PostgresConnection(conn));
    // Notices ("relation already exists, skipping") stay off stderr; a FATAL
    // arriving while idle (the session was terminated) marks it for a reset.
    PQsetNoticeReceiver(conn, &PostgresConnection::OnNotice, pg.get());
    return pg;
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

int PostgresConnection::backend_pid() const { return PQbackendPID(conn_); }

void PostgresConnection::OnNotice(void* self, const PGresult* notice) {
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0))
        static_cast<PostgresConnection*>(self)->session_ended_ = true;
}

base::Status PostgresConnection::EnsureConnected() {
    // An idle connection has nothing to read. If it has, the server spoke
    // while we were idle: a terminated session sends FATAL (seen by OnNotice)
    // and then closes (CONNECTION_BAD once libpq reads the EOF).
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (PQstatus(conn_) == CONNECTION_OK && p.fd >= 0 && poll(&p, 1, 0) > 0 && PQconsumeInput(conn_))
        PQisBusy(conn_);  // parses what was read: the FATAL reaches OnNotice
    if (PQstatus(conn_) == CONNECTION_OK && !session_ended_) return base::Status::Ok();
    const bool lost_transaction = in_transaction_;
    PQreset(conn_);
    session_ended_ = false;
    in_transaction_ = false;
    if (PQstatus(conn_) != CONNECTION_OK) {
        return base::Error{base::ErrorCode::kIo,
                           "postgres: connection lost, reconnect failed: " + ConnectionMessage(conn_)};
    }
    // The new session is fine, but the statements of the open transaction
    // are gone with the old one: the rest of it must not run in autocommit.
    if (lost_transaction) return base::Error{base::ErrorCode::kIo, "postgres: connection lost inside a transaction"};
    return base::Status::Ok();
}

base::Result<SqlResult> PostgresConnection::Run(std::string_view sql, std::span<const SqlParam> params) {
    if (auto st = EnsureConnected(); !st.ok()) return st.error();
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
        const SqlParam& p = params[i];
        if (const auto* s = std::get_if<std::string_view>(&p)) {
            texts[i] = std::string(*s);
            types[i] = kTextOid;
        } else if (const auto* n = std::get_if<int64_t>(&p)) {
            texts[i] = std::to_string(*n);
            types[i] = kInt8Oid;
        } else if (const auto* b = std::get_if<bool>(&p)) {
            texts[i] = *b ? "t" : "f";
            types[i] = kBoolOid;
        } else {
            continue;  // NULL, type left to the server
        }
        values[i] = texts[i].c_str();
    }
    const std::string statement(sql);
    ResultPtr res(PQexecParams(conn_, statement.c_str(), static_cast<int>(params.size()), types.data(), values.data(),
                               nullptr, nullptr, 0));
    if (const auto tx = PQtransactionStatus(conn_); tx != PQTRANS_UNKNOWN)
        in_transaction_ = tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR;
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return StatementError(res.get(), conn_);
    SqlResult result;
    const int rows = PQntuples(res.get());
    const int cols = PQnfields(res.get());
    result.rows.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        std::vector<std::optional<std::string>> cells;
        cells.reserve(static_cast<size_t>(cols));
        for (int c = 0; c < cols; ++c) {
            if (PQgetisnull(res.get(), r, c))
                cells.emplace_back(std::nullopt);
            else
                cells.emplace_back(
                    std::string(PQgetvalue(res.get(), r, c), static_cast<size_t>(PQgetlength(res.get(), r, c))));
        }
        result.rows.emplace_back(std::move(cells));
    }
    const char* tuples = PQcmdTuples(res.get());
    result.changes = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    return result;
}

}  // namespace onair::store
