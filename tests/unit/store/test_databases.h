// SPDX-License-Identifier: Apache-2.0
// Fresh, empty databases for the store tests: a SQLite file in a temporary
// directory, or a new PostgreSQL database on the server that
// tests/support/postgres.sh started (CTest fixture "postgres"), dropped after.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <random>
#include <string>

#include "onair/base/result.h"
#include "onair/store/postgres_connection.h"
#include "onair/store/sql_connection.h"
#include "onair/store/sqlite_connection.h"

namespace onair::store::test {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(Backend b) { return b == Backend::kSqlite ? "sqlite" : "postgres"; }
inline void PrintTo(Backend b, std::ostream* os) { *os << BackendName(b); }

inline std::string RandomHex(size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device rd;
    std::string out;
    for (size_t i = 0; i < n; ++i) out += kHex[rd() & 15];
    return out;
}

/// The URL of the test server: $ONAIR_TEST_POSTGRES_URL, else what
/// postgres.sh wrote to ONAIR_TEST_POSTGRES_URL_FILE. Never a skip: without a
/// server the PostgreSQL tests fail.
inline base::Result<std::string> PostgresServerUrl() {
    if (const char* env = std::getenv("ONAIR_TEST_POSTGRES_URL"); env && *env) return std::string(env);
    std::ifstream in(ONAIR_TEST_POSTGRES_URL_FILE);
    std::string url;
    std::getline(in, url);
    if (url.empty()) {
        return base::Error{base::ErrorCode::kIo,
                           "no PostgreSQL test server: run the store tests through ctest (fixture postgres.start) "
                           "or start one with tests/support/postgres.sh start DIR and set ONAIR_TEST_POSTGRES_URL"};
    }
    return url;
}

/// `url` with its database name replaced.
inline std::string WithDatabase(const std::string& url, const std::string& name) {
    const size_t query = url.find('?');
    const std::string base = url.substr(0, query);
    const size_t slash = base.rfind('/');
    return base.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

class TestDatabase {
public:
    static base::Result<std::unique_ptr<TestDatabase>> Create(Backend backend) {
        std::unique_ptr<TestDatabase> db(new TestDatabase(backend));
        if (backend == Backend::kSqlite) {
            db->dir_ = std::filesystem::temp_directory_path() / ("onair-store-" + RandomHex(16));
            std::filesystem::create_directories(db->dir_);
            db->location_ = (db->dir_ / "onair.db").string();
            return db;
        }
        auto server = PostgresServerUrl();
        if (!server.ok()) return server.error();
        auto admin = PostgresConnection::Open(server.value());
        if (!admin.ok()) return admin.error();
        db->admin_ = std::move(admin.value());
        db->pg_name_ = "onair_t_" + RandomHex(16);  // an identifier cannot be a parameter
        if (auto r = db->admin_->Run("CREATE DATABASE " + db->pg_name_ + " STRATEGY = FILE_COPY"); !r.ok())
            return r.error();
        db->location_ = WithDatabase(server.value(), db->pg_name_);
        return db;
    }

    ~TestDatabase() {
        if (backend_ == Backend::kSqlite) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        } else if (admin_ && !pg_name_.empty()) {
            auto r = admin_->Run("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
            EXPECT_TRUE(r.ok()) << r.error().message;
        }
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    Backend backend() const { return backend_; }
    /// What OpenStore() takes.
    const std::string& location() const { return location_; }
    /// The PostgreSQL database's name ("" for SQLite).
    const std::string& pg_name() const { return pg_name_; }
    const std::filesystem::path& sqlite_dir() const { return dir_; }

    /// A connection of its own, to look at or tamper with the tables.
    base::Result<std::unique_ptr<SqlConnection>> Connect() const {
        if (backend_ == Backend::kSqlite) {
            auto c = SqliteConnection::Open(location_);
            if (!c.ok()) return c.error();
            return std::unique_ptr<SqlConnection>(std::move(c.value()));
        }
        auto c = PostgresConnection::Open(location_);
        if (!c.ok()) return c.error();
        return std::unique_ptr<SqlConnection>(std::move(c.value()));
    }

    /// A connection to the server's own database (PostgreSQL only).
    SqlConnection& admin() { return *admin_; }

private:
    explicit TestDatabase(Backend backend) : backend_(backend) {}
    Backend backend_;
    std::filesystem::path dir_;
    std::string location_;
    std::string pg_name_;
    std::unique_ptr<PostgresConnection> admin_;
};

/// A test with a fresh database of one backend in db_.
template <Backend kBackend>
class DatabaseTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = TestDatabase::Create(kBackend);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db.value());
    }
    std::unique_ptr<TestDatabase> db_;
};

}  // namespace onair::store::test
