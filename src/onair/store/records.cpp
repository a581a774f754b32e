// SPDX-License-Identifier: Apache-2.0
#include "onair/store/records.h"

#include <array>
#include <utility>

namespace onair::store {

namespace {

constexpr std::array<std::pair<EndReason, std::string_view>, 5> kEndReasons = {{
    {EndReason::kPublisherClosed, "publisher_closed"},
    {EndReason::kTakenOver, "taken_over"},
    {EndReason::kKicked, "kicked"},
    {EndReason::kUnexpected, "unexpected"},
    {EndReason::kServerShutdown, "server_shutdown"},
}};

constexpr std::array<std::pair<DeliveryState, std::string_view>, 3> kDeliveryStates = {{
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kFailed, "failed"},
}};

constexpr std::array<std::pair<RecordingState, std::string_view>, 5> kRecordingStates = {{
    {RecordingState::kRecording, "recording"},
    {RecordingState::kComplete, "complete"},
    {RecordingState::kFailed, "failed"},
    {RecordingState::kDeleting, "deleting"},
    {RecordingState::kDeleted, "deleted"},
}};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> Parse(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view name) {
    for (const auto& [v, n] : table)
        if (n == name) return v;
    return std::nullopt;
}

}  // namespace

bool IsValidChannelName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
    }
    return true;
}

std::string_view EndReasonName(EndReason reason) { return NameOf(kEndReasons, reason); }
std::optional<EndReason> ParseEndReason(std::string_view name) { return Parse(kEndReasons, name); }
std::string_view DeliveryStateName(DeliveryState state) { return NameOf(kDeliveryStates, state); }
std::optional<DeliveryState> ParseDeliveryState(std::string_view name) { return Parse(kDeliveryStates, name); }

std::string_view RecordingStateName(RecordingState state) { return NameOf(kRecordingStates, state); }
std::optional<RecordingState> ParseRecordingState(std::string_view name) { return Parse(kRecordingStates, name); }

int RecordingStateRank(RecordingState state) {
    switch (state) {
        case RecordingState::kRecording: return 0;
        case RecordingState::kComplete:
        case RecordingState::kFailed: return 1;
        case RecordingState::kDeleting: return 2;
        case RecordingState::kDeleted: return 3;
    }
    return 0;
}

}  // namespace onair::store
