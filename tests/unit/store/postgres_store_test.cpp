// SPDX-License-Identifier: Apache-2.0
// What only the PostgreSQL backend has: a connection that can break, and
// server messages that could quote values.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "onair/store/manager_store.h"
#include "onair/store/postgres_connection.h"
#include "test_databases.h"

namespace onair::store {
namespace {

class PostgresStoreTest : public test::DatabaseTest<test::Backend::kPostgres> {
protected:
    // Terminates every other session on the test database and waits until
    // the server has ended them.
    void TerminateSessions() {
        const std::string_view name = db_->pg_name();
        auto r = db_->admin().Run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            {name});
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_GE(r->rows.size(), 1u);
        for (int i = 0; i < 500; ++i) {
            auto left = db_->admin().Run("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1", {name});
            ASSERT_TRUE(left.ok());
            if (left->rows.at(0).Int(0) == 0) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        FAIL() << "sessions still alive";
    }
};

TEST_F(PostgresStoreTest, ReconnectsAfterTheServerEndedTheSession) {
    auto s = OpenStore(db_->location());
    ASSERT_TRUE(s.ok()) << s.error().message;
    const auto created = (*s)->CreateChannel(ChannelSpec{"resilient", "", true});
    ASSERT_TRUE(created.ok());
    TerminateSessions();
    auto found = (*s)->FindChannelByKey(created->stream_key);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_TRUE(found->has_value());
    TerminateSessions();
    EXPECT_TRUE((*s)->CreateChannel(ChannelSpec{"again", "", true}).ok());
    EXPECT_EQ((*s)->ListChannels()->size(), 2u);
}

TEST_F(PostgresStoreTest, ASessionLostInsideATransactionFailsTheRestOfIt) {
    auto conn = PostgresConnection::Open(db_->location());
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    ASSERT_TRUE((*conn)->Run("CREATE TABLE t (n BIGINT)").ok());
    ASSERT_TRUE((*conn)->Run("BEGIN").ok());
    ASSERT_TRUE((*conn)->Run("INSERT INTO t (n) VALUES (1)").ok());
    TerminateSessions();
    auto lost = (*conn)->Run("INSERT INTO t (n) VALUES (2)");  // must not autocommit on a new session
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().code, base::ErrorCode::kIo);
    EXPECT_NE(lost.error().message.find("transaction"), std::string::npos) << lost.error().message;
    auto count = (*conn)->Run("SELECT COUNT(*) FROM t");  // reconnected
    ASSERT_TRUE(count.ok()) << count.error().message;
    EXPECT_EQ(count->rows.at(0).Int(0), 0);
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsAnIoErrorWithoutThePassword) {
    // Port 1 on loopback: nothing listens there.
    auto s = OpenStore("postgresql://onair:hunter2@127.0.0.1:1/onair?connect_timeout=2");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, base::ErrorCode::kIo);
    EXPECT_EQ(s.error().message.find("hunter2"), std::string::npos) << s.error().message;
}

TEST_F(PostgresStoreTest, ErrorsDoNotQuoteParameterValues) {
    auto conn = PostgresConnection::Open(db_->location());
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    ASSERT_TRUE((*conn)->Run("CREATE TABLE t (k TEXT UNIQUE, n BIGINT)").ok());
    const std::string_view secret = "secret-value-1234";
    ASSERT_TRUE((*conn)->Run("INSERT INTO t (k) VALUES ($1)", {secret}).ok());
    auto dup = (*conn)->Run("INSERT INTO t (k) VALUES ($1)", {secret});
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, base::ErrorCode::kAlreadyExists);
    EXPECT_NE(dup.error().message.find("23505"), std::string::npos) << dup.error().message;
    EXPECT_EQ(dup.error().message.find(secret), std::string::npos) << dup.error().message;
    // A data exception's message would quote the input.
    auto bad = (*conn)->Run("INSERT INTO t (n) VALUES (CAST($1 AS BIGINT))", {secret});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, base::ErrorCode::kIo);
    EXPECT_EQ(bad.error().message.find(secret), std::string::npos) << bad.error().message;
    // The connection is still usable after errors.
    auto count = (*conn)->Run("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(count->rows.at(0).Int(0), 1);
}

TEST_F(PostgresStoreTest, ValuesTravelAsParameters) {
    auto conn = PostgresConnection::Open(db_->location());
    ASSERT_TRUE(conn.ok());
    const std::string_view tricky = "'); DROP TABLE t; --";
    auto r = (*conn)->Run("SELECT $1, $2, $3, CAST($4 AS TEXT)", {tricky, int64_t{-9007199254740993}, true, nullptr});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0].Text(0), tricky);
    EXPECT_EQ(r->rows[0].Int(1), -9007199254740993);
    EXPECT_TRUE(r->rows[0].Bool(2));
    EXPECT_TRUE(r->rows[0].IsNull(3));
}

}  // namespace
}  // namespace onair::store
