// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <variant>

#include "onair/base/shared_buffer.h"
#include "onair/proto/amf0/value.h"

namespace onair::proto::rtmp {

/// What a ServerSession reports to the server, in the order it happened.
struct SessionEvent {
    /// `connect` succeeded (the session already answered it).
    struct Connect {
        std::string app;        // the connect object's "app" as sent, query string kept;
                                // from tcUrl's path when the client sent none
        std::string tc_url;     // "tcUrl"
        std::string flash_ver;  // "flashVer", e.g. "FMLE/3.0 (compatible; obs-studio/30.0)"
        amf0::Value command_object;  // everything the client sent, for the curious
    };
    /// `publish`: the server answers with AcceptPublish or RejectPublish.
    struct Publish {
        uint32_t stream_id = 0;
        std::string name;  // publish name as sent, "?query" kept: this is the stream key
        std::string type;  // "live" (default), "record" or "append"
    };
    /// `play`: the server answers with AcceptPlay or RejectPlay.
    struct Play {
        uint32_t stream_id = 0;
        std::string name;  // "?query" kept
    };
    /// An audio (8), video (9) or AMF0 data (18) message, e.g. "@setDataFrame".
    /// Aggregate messages arrive split into these; AMF3 data (15) is given
    /// as type 18 without its format byte.
    struct Media {
        uint32_t stream_id = 0;
        uint8_t type = 0;
        uint32_t timestamp = 0;  // absolute message timestamp, milliseconds
        base::SharedBuffer payload;
    };
    /// The publishing stream stopped (FCUnpublish, closeStream or deleteStream).
    struct Unpublish {
        uint32_t stream_id = 0;
    };
    /// The playing stream stopped (closeStream or deleteStream).
    struct DeletePlay {
        uint32_t stream_id = 0;
    };

    std::variant<Connect, Publish, Play, Media, Unpublish, DeletePlay> value;
};

}  // namespace onair::proto::rtmp
