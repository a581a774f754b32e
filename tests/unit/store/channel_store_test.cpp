// SPDX-License-Identifier: Apache-2.0
#include "onair/store/channel_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "onair/store/stream_key.h"

namespace onair::store {
namespace {

class ChannelStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("onair-store-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "onair.db").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
    std::string path_;
};

TEST_F(ChannelStoreTest, CreateFindRotateDelete) {
    auto s = ChannelStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto created = (*s)->Create("studio");
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(created->stream_key.rfind("sk_", 0), 0u);
    EXPECT_EQ(created->stream_key.size(), 43u);
    auto found = (*s)->FindByKey(created->stream_key);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->name, "studio");
    EXPECT_FALSE((*s)->FindByKey("sk_wrong")->has_value());
    EXPECT_FALSE((*s)->FindByKey("")->has_value());

    auto rotated = (*s)->RotateKey("studio");
    ASSERT_TRUE(rotated.ok());
    EXPECT_NE(rotated.value(), created->stream_key);
    EXPECT_FALSE((*s)->FindByKey(created->stream_key)->has_value());
    EXPECT_TRUE((*s)->FindByKey(rotated.value())->has_value());

    EXPECT_TRUE((*s)->Delete("studio").ok());
    EXPECT_EQ((*s)->Delete("studio").error().code, base::ErrorCode::kNotFound);
    EXPECT_FALSE((*s)->FindByKey(rotated.value())->has_value());
}

TEST_F(ChannelStoreTest, NamesAreValidatedAndUnique) {
    auto s = ChannelStore::Open(path_);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->Create("Bad Name").error().code, base::ErrorCode::kInvalidData);
    EXPECT_EQ((*s)->Create("-x").error().code, base::ErrorCode::kInvalidData);
    EXPECT_EQ((*s)->Create(std::string(65, 'a')).error().code, base::ErrorCode::kInvalidData);
    EXPECT_TRUE((*s)->Create("a_b-1").ok());
    EXPECT_EQ((*s)->Create("a_b-1").error().code, base::ErrorCode::kAlreadyExists);
    EXPECT_EQ((*s)->Get("nope").error().code, base::ErrorCode::kNotFound);
}

TEST_F(ChannelStoreTest, KeyIsNotRecoverableFromTheDatabase) {
    std::string key;
    {
        auto s = ChannelStore::Open(path_);
        ASSERT_TRUE(s.ok());
        key = (*s)->Create("studio")->stream_key;
    }
    // Search every byte of the database files for the key.
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(bytes.find(key), std::string::npos) << entry.path();
        EXPECT_EQ(bytes.find(key.substr(3)), std::string::npos) << entry.path();
    }
    EXPECT_EQ(HashStreamKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ChannelStoreTest, TwoInstancesShareTheFile) {
    auto writer = ChannelStore::Open(path_);
    auto reader = ChannelStore::Open(path_);
    ASSERT_TRUE(writer.ok() && reader.ok());
    auto created = (*writer)->Create("shared");
    ASSERT_TRUE(created.ok());
    auto found = (*reader)->FindByKey(created->stream_key);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->has_value());
    EXPECT_EQ((*reader)->List()->size(), 1u);
}

TEST_F(ChannelStoreTest, RefusesNewerSchema) {
    { ASSERT_TRUE(ChannelStore::Open(path_).ok()); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (99);", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto s = ChannelStore::Open(path_);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

}  // namespace
}  // namespace onair::store
