// SPDX-License-Identifier: Apache-2.0
#include "onair/app/channel_command.h"

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "onair/app/environment.h"
#include "onair/runtime/config.h"
#include "onair/runtime/endpoint.h"
#include "onair/store/manager_store.h"

namespace onair::app {

namespace {

struct ChannelOptions {
    std::string name;
    std::string data_dir;
    std::string database;
    std::string config_file;
    bool json = false;
};

struct Urls {
    std::string rtmp_url, rtmp_play_url, playback_url;
};

Urls MakeUrls(const runtime::Config& config, const std::string& channel) {
    const std::string host = runtime::PublicHost(config);
    auto port_of = [](const std::string& listen, uint16_t fallback) {
        auto ep = runtime::ParseEndpoint(listen);
        return ep.ok() ? ep->port : fallback;
    };
    const auto rtmp_port = port_of(config.rtmp.listen, 1935);
    const auto http_port = port_of(config.http.listen, 8080);
    Urls u;
    u.rtmp_url = "rtmp://" + host + ":" + std::to_string(rtmp_port) + "/" + config.rtmp.app;
    u.rtmp_play_url = u.rtmp_url + "/" + channel;
    u.playback_url = "http://" + host + ":" + std::to_string(http_port) + "/" + config.rtmp.app + "/" + channel +
                     "/index.m3u8";
    return u;
}

int Fail(const std::string& message) {
    std::cerr << "onair: " << message << "\n";
    return 1;
}

// Loads config (file + ONAIR_* env), applies --data-dir and --database, opens the store.
int Open(const ChannelOptions& o, runtime::Config& config, std::unique_ptr<store::ManagerStore>& out) {
    auto loaded = runtime::LoadConfig(o.config_file, OnairEnvironment());
    if (!loaded.ok()) return Fail(loaded.error().message);
    config = std::move(loaded.value());
    if (!o.data_dir.empty()) config.data_dir = o.data_dir;
    if (!o.database.empty()) config.database = o.database;
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) return Fail("cannot create data directory " + config.data_dir + ": " + ec.message());
    auto s = store::OpenStore(runtime::DatabaseLocation(config));
    if (!s.ok()) return Fail(s.error().message);
    out = std::move(s.value());
    return 0;
}

nlohmann::json ChannelJson(const store::Channel& c, const Urls& u) {
    return {{"name", c.name},
            {"created_at_ms", c.created_at_ms},
            {"key_rotated_at_ms", c.key_rotated_at_ms},
            {"rtmp_url", u.rtmp_url},
            {"rtmp_play_url", u.rtmp_play_url},
            {"playback_url", u.playback_url}};
}

void PrintKey(const ChannelOptions& o, const store::Channel& c, const std::string& key, const Urls& u, bool created) {
    if (o.json) {
        auto j = ChannelJson(c, u);
        j["stream_key"] = key;
        j["rtmp_publish_url"] = u.rtmp_url + "/" + key;
        std::cout << j.dump() << "\n";
        return;
    }
    std::cout << (created ? "Channel '" : "New stream key for '") << c.name << (created ? "' created.\n" : "'.\n")
              << "  Server:     " << u.rtmp_url << "\n"
              << "  Stream Key: " << key << "\n"
              << "  Playback:   " << u.playback_url << "\n"
              << "  RTMP play:  " << u.rtmp_play_url << "\n"
              << "The stream key is shown only now; keep it secret. OBS: Settings > Stream > Service \"Custom\".\n";
}

int RunCreate(const ChannelOptions& o) {
    runtime::Config config;
    std::unique_ptr<store::ManagerStore> s;
    if (int rc = Open(o, config, s)) return rc;
    auto r = s->CreateChannel(store::ChannelSpec{o.name, "", true});
    if (!r.ok()) return Fail(r.error().message);
    PrintKey(o, r->channel, r->stream_key, MakeUrls(config, r->channel.name), true);
    return 0;
}

int RunRotate(const ChannelOptions& o) {
    runtime::Config config;
    std::unique_ptr<store::ManagerStore> s;
    if (int rc = Open(o, config, s)) return rc;
    auto key = s->RotateKey(o.name);
    if (!key.ok()) return Fail(key.error().message);
    auto c = s->GetChannel(o.name);
    if (!c.ok()) return Fail(c.error().message);
    PrintKey(o, c.value(), key.value(), MakeUrls(config, o.name), false);
    return 0;
}

int RunList(const ChannelOptions& o) {
    runtime::Config config;
    std::unique_ptr<store::ManagerStore> s;
    if (int rc = Open(o, config, s)) return rc;
    auto list = s->ListChannels();
    if (!list.ok()) return Fail(list.error().message);
    if (o.json) {
        auto arr = nlohmann::json::array();
        for (const auto& c : list.value()) arr.push_back(ChannelJson(c, MakeUrls(config, c.name)));
        std::cout << arr.dump() << "\n";
        return 0;
    }
    if (list->empty()) std::cout << "no channels (create one: onair channel create NAME)\n";
    for (const auto& c : list.value()) std::cout << c.name << "\t" << MakeUrls(config, c.name).playback_url << "\n";
    return 0;
}

int RunDelete(const ChannelOptions& o) {
    runtime::Config config;
    std::unique_ptr<store::ManagerStore> s;
    if (int rc = Open(o, config, s)) return rc;
    if (auto st = s->DeleteChannel(o.name); !st.ok()) return Fail(st.error().message);
    if (o.json) std::cout << nlohmann::json{{"name", o.name}, {"deleted", true}}.dump() << "\n";
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
        cmd->add_flag("--json", o->json, "Print JSON");
        cmd->callback([o, run, &exit_code] { exit_code = run(*o); });
    };
    add("create", "Create a channel and print its stream key (shown once)", true, RunCreate);
    add("list", "List channels (never their keys)", false, RunList);
    add("rotate-key", "Replace a channel's stream key and print the new one", true, RunRotate);
    add("delete", "Delete a channel", true, RunDelete);
}

}  // namespace onair::app
