// SPDX-License-Identifier: Apache-2.0
#include "onair/app/channel_command.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "onair/app/environment.h"
#include "onair/base/form_urlencoded.h"
#include "onair/manager/channel_urls.h"
#include "onair/manager/json_views.h"
#include "onair/runtime/config.h"
#include "onair/server/http/http_client.h"
#include "onair/store/manager_store.h"

namespace onair::app {

namespace {

using nlohmann::json;

struct ChannelOptions {
    std::string name;
    std::string data_dir;
    std::string database;
    std::string config_file;
    std::string api;    // a remote manager's base URL
    std::string token;  // its admin token
    bool json = false;
};

/// What `onair channel` does, over the local store or a manager's REST API.
/// Every result is the API's channel JSON (docs/openapi.json), with
/// `stream_key` for create and rotate-key.
class Channels {
public:
    virtual ~Channels() = default;
    virtual base::Result<json> Create(const std::string& name) = 0;
    virtual base::Result<json> List() = 0;  // an array
    virtual base::Result<json> RotateKey(const std::string& name) = 0;
    virtual base::Status Delete(const std::string& name) = 0;
};

class LocalChannels final : public Channels {
public:
    LocalChannels(std::unique_ptr<store::ManagerStore> store, manager::ChannelUrls urls)
        : store_(std::move(store)), urls_(std::move(urls)) {}

    base::Result<json> Create(const std::string& name) override {
        auto r = store_->CreateChannel(store::ChannelSpec{name, "", true});
        if (!r.ok()) return r.error();
        json j = View(r->channel);
        j["stream_key"] = r->stream_key;
        return j;
    }
    base::Result<json> List() override {
        auto list = store_->ListChannels();
        if (!list.ok()) return list.error();
        json arr = json::array();
        for (const auto& c : list.value()) arr.push_back(View(c));
        return arr;
    }
    base::Result<json> RotateKey(const std::string& name) override {
        auto key = store_->RotateKey(name);
        if (!key.ok()) return key.error();
        auto c = store_->GetChannel(name);
        if (!c.ok()) return c.error();
        json j = View(c.value());
        j["stream_key"] = key.value();
        return j;
    }
    base::Status Delete(const std::string& name) override { return store_->DeleteChannel(name); }

private:
    // Whether it is live is known to the running manager, not to the store.
    json View(const store::Channel& c) const {
        json j = manager::ChannelJson(c, urls_, std::nullopt, std::nullopt, 0);
        j.erase("live");
        j.erase("broadcast");
        return j;
    }

    std::unique_ptr<store::ManagerStore> store_;
    manager::ChannelUrls urls_;
};

class RemoteChannels final : public Channels {
public:
    RemoteChannels(std::string base, std::string token)
        : base_(manager::WithoutTrailingSlash(std::move(base))), token_(std::move(token)) {}

    base::Result<json> Create(const std::string& name) override {
        return Call(server::http::HttpMethod::kPost, "/api/v1/channels", json{{"name", name}}.dump());
    }
    base::Result<json> List() override {
        auto r = Call(server::http::HttpMethod::kGet, "/api/v1/channels", "");
        if (!r.ok()) return r.error();
        return (*r)["channels"];
    }
    base::Result<json> RotateKey(const std::string& name) override {
        return Call(server::http::HttpMethod::kPost, "/api/v1/channels/" + Escape(name) + "/rotate-key", "");
    }
    base::Status Delete(const std::string& name) override {
        auto r = Call(server::http::HttpMethod::kDelete, "/api/v1/channels/" + Escape(name), "");
        if (!r.ok()) return r.error();
        return {};
    }

private:
    static std::string Escape(const std::string& segment) {
        // "x=<segment>" encoded, minus the "x=".
        return base::EncodeForm({{"x", segment}}).substr(2);
    }

    base::Result<json> Call(server::http::HttpMethod method, const std::string& path, std::string body) {
        server::http::FetchRequest req;
        req.method = method;
        req.url = base_ + path;
        req.headers = {{"Authorization", "Bearer " + token_}};
        if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
        req.body = std::move(body);
        req.timeout = std::chrono::seconds(10);
        auto r = server::http::FetchBlocking(std::move(req));
        if (!r.ok()) return r.error().Wrap("manager at " + base_);
        if (r->status == 204) return json::object();
        auto j = json::parse(r->body, nullptr, false);
        if (r->status >= 300) {
            std::string message = "HTTP " + std::to_string(r->status);
            if (j.is_object() && j.contains("error") && j["error"].is_object())
                message = j["error"].value("message", message);
            const auto code = r->status == 404   ? base::ErrorCode::kNotFound
                              : r->status == 409 ? base::ErrorCode::kAlreadyExists
                              : r->status < 500  ? base::ErrorCode::kInvalidData
                                                 : base::ErrorCode::kIo;
            return base::Error{code, message};
        }
        if (j.is_discarded()) return base::Error{base::ErrorCode::kIo, "the manager answered with something else than JSON"};
        return j;
    }

    std::string base_;
    std::string token_;
};

int Fail(const std::string& message) {
    std::cerr << "onair: " << message << "\n";
    return 1;
}

std::string FromEnv(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Local: config (file + ONAIR_* env), --data-dir and --database, the store.
// Remote: --api/--token (or ONAIR_API_URL / ONAIR_API_TOKEN).
int Open(const ChannelOptions& o, std::unique_ptr<Channels>& out) {
    const std::string api = o.api.empty() ? FromEnv("ONAIR_API_URL") : o.api;
    if (!api.empty()) {
        const std::string token = o.token.empty() ? FromEnv("ONAIR_API_TOKEN") : o.token;
        if (token.empty()) return Fail("--api needs the manager's admin token: --token T or ONAIR_API_TOKEN");
        out = std::make_unique<RemoteChannels>(api, token);
        return 0;
    }
    auto loaded = runtime::LoadConfig(o.config_file, OnairEnvironment());
    if (!loaded.ok()) return Fail(loaded.error().message);
    runtime::Config config = std::move(loaded.value());
    if (!o.data_dir.empty()) config.data_dir = o.data_dir;
    if (!o.database.empty()) config.database = o.database;
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) return Fail("cannot create data directory " + config.data_dir + ": " + ec.message());
    auto s = store::OpenStore(runtime::DatabaseLocation(config));
    if (!s.ok()) return Fail(s.error().message);
    out = std::make_unique<LocalChannels>(std::move(s.value()), manager::ChannelUrls::FromConfig(config));
    return 0;
}

void PrintKey(const ChannelOptions& o, json j, bool created) {
    const std::string key = j.value("stream_key", "");
    j["rtmp_publish_url"] = j.value("rtmp_url", "") + "/" + key;
    if (o.json) {
        std::cout << j.dump() << "\n";
        return;
    }
    std::cout << (created ? "Channel '" : "New stream key for '") << j.value("name", "")
              << (created ? "' created.\n" : "'.\n")
              << "  Server:     " << j.value("rtmp_url", "") << "\n"
              << "  Stream Key: " << key << "\n"
              << "  Playback:   " << j.value("playback_url", "") << "\n"
              << "  Player:     " << j.value("player_url", "") << "\n"
              << "  RTMP play:  " << j.value("rtmp_play_url", "") << "\n"
              << "The stream key is shown only now; keep it secret. OBS: Settings > Stream > Service \"Custom\".\n";
}

int RunCreate(const ChannelOptions& o) {
    std::unique_ptr<Channels> c;
    if (int rc = Open(o, c)) return rc;
    auto r = c->Create(o.name);
    if (!r.ok()) return Fail(r.error().message);
    PrintKey(o, std::move(r.value()), true);
    return 0;
}

int RunRotate(const ChannelOptions& o) {
    std::unique_ptr<Channels> c;
    if (int rc = Open(o, c)) return rc;
    auto r = c->RotateKey(o.name);
    if (!r.ok()) return Fail(r.error().message);
    PrintKey(o, std::move(r.value()), false);
    return 0;
}

int RunList(const ChannelOptions& o) {
    std::unique_ptr<Channels> c;
    if (int rc = Open(o, c)) return rc;
    auto list = c->List();
    if (!list.ok()) return Fail(list.error().message);
    if (o.json) {
        std::cout << list->dump() << "\n";
        return 0;
    }
    if (list->empty()) std::cout << "no channels (create one: onair channel create NAME)\n";
    for (const auto& ch : list.value()) {
        std::cout << ch.value("name", "") << "\t" << ch.value("playback_url", "");
        if (ch.contains("live")) std::cout << "\t" << (ch.value("live", false) ? "live" : "offline");
        std::cout << "\n";
    }
    return 0;
}

int RunDelete(const ChannelOptions& o) {
    std::unique_ptr<Channels> c;
    if (int rc = Open(o, c)) return rc;
    if (auto st = c->Delete(o.name); !st.ok()) return Fail(st.error().message);
    if (o.json) std::cout << json{{"name", o.name}, {"deleted", true}}.dump() << "\n";
    else std::cout << "Channel '" << o.name << "' deleted.\n";
    return 0;
}

}  // namespace

void AddChannelCommands(CLI::App& root, int& exit_code) {
    auto* channel = root.add_subcommand("channel", "Manage channels and stream keys");
    channel->require_subcommand(1);
    auto add = [&](const char* name, const char* help, bool needs_name, int (*run)(const ChannelOptions&)) {
        auto o = std::make_shared<ChannelOptions>();
        auto* cmd = channel->add_subcommand(name, help);
        if (needs_name) cmd->add_option("NAME", o->name, "Channel name")->required();
        cmd->add_option("--data-dir", o->data_dir, "Data directory (default ./onair-data)");
        cmd->add_option("--database", o->database,
                        "Database: postgres://USER@HOST:PORT/DB, sqlite:PATH or PATH (default <data-dir>/onair.db)");
        cmd->add_option("--config", o->config_file, "YAML configuration file");
        cmd->add_option("--api", o->api, "A remote manager's URL (http://HOST:PORT) instead of the local database");
        cmd->add_option("--token", o->token, "The remote manager's admin token (or ONAIR_API_TOKEN)");
        cmd->add_flag("--json", o->json, "Print JSON");
        cmd->callback([o, run, &exit_code] { exit_code = run(*o); });
    };
    add("create", "Create a channel and print its stream key (shown once)", true, RunCreate);
    add("list", "List channels (never their keys)", false, RunList);
    add("rotate-key", "Replace a channel's stream key and print the new one", true, RunRotate);
    add("delete", "Delete a channel", true, RunDelete);
}

}  // namespace onair::app
