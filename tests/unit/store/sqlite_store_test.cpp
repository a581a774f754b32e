// SPDX-License-Identifier: Apache-2.0
// What only the SQLite backend has: a file, made by earlier onair versions.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "onair/store/manager_store.h"
#include "onair/store/migrations.h"
#include "onair/store/stream_key.h"
#include "test_databases.h"

namespace onair::store {
namespace {

using SqliteStoreTest = test::DatabaseTest<test::Backend::kSqlite>;

// The database the first ChannelStore (schema version 1) wrote, statement for
// statement, with one channel whose key is `key`.
void WriteVersion1Database(const std::string& path, const std::string& key) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
        "BEGIN IMMEDIATE;"
        "CREATE TABLE channels ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  name TEXT NOT NULL UNIQUE,"
        "  key_hash TEXT NOT NULL UNIQUE,"
        "  created_at_ms INTEGER NOT NULL,"
        "  key_rotated_at_ms INTEGER NOT NULL);"
        "INSERT INTO schema_version (version) VALUES (1);"
        "COMMIT;"
        "INSERT INTO channels (name, key_hash, created_at_ms, key_rotated_at_ms) VALUES ('old', '" +
        HashStreamKey(key) + "', 1000, 2000);";
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

TEST_F(SqliteStoreTest, MigratesAVersion1DatabaseKeepingChannelsAndKeys) {
    const std::string key = GenerateStreamKey();
    WriteVersion1Database(db_->location(), key);
    auto s = OpenStore(db_->location());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ((*s)->SchemaVersion().value(), kSchemaVersion);

    auto c = (*s)->GetChannel("old");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->title, "");
    EXPECT_TRUE(c->enabled);
    EXPECT_EQ(c->created_at_ms, 1000);
    EXPECT_EQ(c->key_rotated_at_ms, 2000);
    EXPECT_EQ(c->updated_at_ms, 2000);
    auto found = (*s)->FindChannelByKey(key);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, c->id);

    // The new tables work with the old channel, cascade included.
    Broadcast b;
    b.id = "br_old";
    b.channel_id = c->id;
    b.channel = "old";
    b.started_at_ms = 3000;
    ASSERT_TRUE((*s)->InsertBroadcast(b).ok());
    ASSERT_TRUE((*s)->CreateChannel(ChannelSpec{"new", "", true}).ok());
    EXPECT_EQ((*s)->ListChannels()->size(), 2u);
    ASSERT_TRUE((*s)->DeleteChannel("old").ok());
    EXPECT_EQ((*s)->GetBroadcast("br_old").error().code, base::ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, SqlitePrefixAndPlainPathOpenTheSameFile) {
    std::string key;
    {
        auto s = OpenStore("sqlite:" + db_->location());
        ASSERT_TRUE(s.ok()) << s.error().message;
        EXPECT_EQ((*s)->backend(), "sqlite");
        key = (*s)->CreateChannel(ChannelSpec{"studio", "", true})->stream_key;
    }
    auto s = OpenStore(db_->location());
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE((*s)->FindChannelByKey(key)->has_value());
}

TEST_F(SqliteStoreTest, TheKeyIsInNoByteOfTheDatabaseFiles) {
    std::string key;
    {
        auto s = OpenStore(db_->location());
        ASSERT_TRUE(s.ok());
        key = (*s)->CreateChannel(ChannelSpec{"studio", "", true})->stream_key;
        ASSERT_FALSE(key.empty());
        // Still open: the WAL file holds the latest pages too.
        for (const auto& entry : std::filesystem::directory_iterator(db_->sqlite_dir())) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            EXPECT_EQ(bytes.find(key.substr(3)), std::string::npos) << entry.path();
        }
    }
}

TEST_F(SqliteStoreTest, AnUnopenablePathIsAnIoError) {
    auto s = OpenStore((db_->sqlite_dir() / "missing-dir" / "onair.db").string());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, base::ErrorCode::kIo);
    EXPECT_FALSE(OpenStore("").ok());
}

}  // namespace
}  // namespace onair::store
