// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/fragment_reader.h"

#include <optional>

#include "onair/format/mp4/box_writer.h"
#include "onair/format/mp4/fragment_writer.h"

namespace onair::format::mp4 {
namespace {

struct TfhdDefaults {
    uint32_t track_id = 0;
    uint32_t flags = 0;
    uint64_t base_data_offset = 0;
    uint32_t sample_description_index = 1;
    uint32_t duration = 0;
    uint32_t size = 0;
    std::optional<uint32_t> sample_flags;
};

base::Result<TfhdDefaults> ReadTfhd(std::span<const uint8_t> payload) {
    base::ByteReader r(payload);
    uint8_t version = 0;
    TfhdDefaults d;
    if (!ReadFullBoxHeader(r, version, d.flags) || !r.ReadU32(d.track_id)) return Invalid("tfhd cut short");
    bool ok = true;
    if (d.flags & kTfhdBaseDataOffset) ok = ok && r.ReadU64(d.base_data_offset);
    if (d.flags & kTfhdSampleDescriptionIndex) ok = ok && r.ReadU32(d.sample_description_index);
    if (d.flags & kTfhdDefaultDuration) ok = ok && r.ReadU32(d.duration);
    if (d.flags & kTfhdDefaultSize) ok = ok && r.ReadU32(d.size);
    if (d.flags & kTfhdDefaultFlags) {
        uint32_t f = 0;
        ok = ok && r.ReadU32(f);
        d.sample_flags = f;
    }
    if (!ok) return Invalid("tfhd cut short");
    return d;
}

base::Result<uint64_t> ReadTfdt(std::span<const uint8_t> payload) {
    base::ByteReader r(payload);
    uint8_t version = 0;
    uint32_t flags = 0;
    if (!ReadFullBoxHeader(r, version, flags)) return Invalid("tfdt cut short");
    if (version == 1) {
        uint64_t t = 0;
        if (!r.ReadU64(t)) return Invalid("tfdt cut short");
        return t;
    }
    uint32_t t = 0;
    if (!r.ReadU32(t)) return Invalid("tfdt cut short");
    return uint64_t{t};
}

// The per-sample bytes of a trun with `flags`.
size_t PerSampleBytes(uint32_t flags) {
    size_t n = 0;
    for (uint32_t f : {kTrunDuration, kTrunSize, kTrunFlags, kTrunCompositionOffset}) {
        if (flags & f) n += 4;
    }
    return n;
}

struct TrunFields {
    std::optional<int64_t> data_offset;
    std::vector<Sample> samples;
};

base::Result<TrunFields> ReadTrun(std::span<const uint8_t> payload, const TfhdDefaults& d, size_t& samples_so_far) {
    base::ByteReader r(payload);
    uint8_t version = 0;
    uint32_t flags = 0;
    uint32_t count = 0;
    if (!ReadFullBoxHeader(r, version, flags) || !r.ReadU32(count)) return Invalid("trun cut short");
    if (count > kMaxSamplesPerTrun) return TooMany("trun of " + std::to_string(count) + " samples");
    samples_so_far += count;
    if (samples_so_far > kMaxSamplesPerFragment) return TooMany("more than " + std::to_string(kMaxSamplesPerFragment) + " samples in a fragment");
    TrunFields out;
    if (flags & kTrunDataOffset) {
        uint32_t v = 0;
        if (!r.ReadU32(v)) return Invalid("trun cut short");
        out.data_offset = static_cast<int32_t>(v);
    }
    std::optional<uint32_t> first_flags;
    if (flags & kTrunFirstSampleFlags) {
        uint32_t v = 0;
        if (!r.ReadU32(v)) return Invalid("trun cut short");
        first_flags = v;
    }
    // The table's size is checked against the bytes before anything is
    // allocated for it.
    const size_t per_sample = PerSampleBytes(flags);
    if (per_sample > 0 && r.remaining() / per_sample < count) {
        return Invalid("trun: " + std::to_string(count) + " samples do not fit the box");
    }
    out.samples.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        Sample s;
        s.duration = d.duration;
        s.size = d.size;
        uint32_t sample_flags = i == 0 && first_flags ? *first_flags : d.sample_flags.value_or(0);
        uint32_t v = 0;
        if ((flags & kTrunDuration) && r.ReadU32(v)) s.duration = v;
        if ((flags & kTrunSize) && r.ReadU32(v)) s.size = v;
        if ((flags & kTrunFlags) && r.ReadU32(v)) sample_flags = v;
        if ((flags & kTrunCompositionOffset) && r.ReadU32(v)) {
            if (version == 0 && v > static_cast<uint32_t>(INT32_MAX)) return Invalid("trun: composition offset over 2^31");
            s.composition_offset = static_cast<int32_t>(v);
        }
        s.sync = (sample_flags & kSampleIsNonSync) == 0;
        out.samples.push_back(s);
    }
    return out;
}

struct MoofContext {
    size_t moof_offset = 0;
    uint64_t previous_traf_end = 0;  // where the previous traf's data ended (implicit base)
    size_t samples = 0;
};

base::Status ReadTraf(std::span<const uint8_t> payload, MoofContext& ctx, ParsedFragment& out) {
    std::optional<TfhdDefaults> tfhd;
    uint64_t base_decode_time = 0;
    std::vector<TrunFields> truns;
    auto st = ForEachBox(payload, 3, [&](const BoxView& box) -> base::Status {
        if (box.type == Fourcc("tfhd")) {
            auto d = ReadTfhd(box.payload);
            if (!d.ok()) return d.error();
            tfhd = *d;
        } else if (box.type == Fourcc("tfdt")) {
            auto t = ReadTfdt(box.payload);
            if (!t.ok()) return t.error();
            base_decode_time = *t;
        } else if (box.type == Fourcc("trun")) {
            if (!tfhd) return Invalid("trun before tfhd");
            if (truns.size() >= kMaxTrunsPerTraf) return TooMany("more than " + std::to_string(kMaxTrunsPerTraf) + " truns in a traf");
            auto t = ReadTrun(box.payload, *tfhd, ctx.samples);
            if (!t.ok()) return t.error();
            truns.push_back(std::move(*t));
        }
        return base::Status::Ok();
    });
    if (!st.ok()) return st;
    if (!tfhd) return Invalid("traf without tfhd");
    // The base data offset (8.8.7.1): explicit; or the moof's start with
    // default-base-is-moof and for the first traf; or where the previous
    // traf's data ended.
    uint64_t base = ctx.previous_traf_end;
    if (tfhd->flags & kTfhdBaseDataOffset) base = tfhd->base_data_offset;
    else if ((tfhd->flags & kTfhdDefaultBaseIsMoof) || out.tracks.empty()) base = ctx.moof_offset;
    uint64_t next = base;
    uint64_t decode_time = base_decode_time;
    for (auto& t : truns) {
        TrackRun run;
        run.track_id = tfhd->track_id;
        run.sample_description_index = tfhd->sample_description_index;
        run.base_decode_time = decode_time;
        if (t.data_offset) {
            // Unsigned arithmetic, checked: the base may be any 64-bit value.
            const int64_t delta = *t.data_offset;
            const auto magnitude = static_cast<uint64_t>(delta < 0 ? -delta : delta);
            if (delta < 0 && magnitude > base) return Invalid("trun: data offset before the fragment");
            if (delta >= 0 && magnitude > UINT64_MAX - base) return Invalid("trun: data offset past 2^64");
            run.data_offset = delta < 0 ? base - magnitude : base + magnitude;
        } else {
            run.data_offset = next;
        }
        for (const auto& s : t.samples) {
            run.data_size += s.size;
            decode_time += s.duration;
        }
        run.samples = std::move(t.samples);
        next = run.data_offset + run.data_size;
        out.tracks.push_back(std::move(run));
    }
    ctx.previous_traf_end = next;
    return base::Status::Ok();
}

base::Status ReadMoof(std::span<const uint8_t> payload, MoofContext& ctx, ParsedFragment& out) {
    bool have_mfhd = false;
    size_t trafs = 0;
    auto st = ForEachBox(payload, 2, [&](const BoxView& box) -> base::Status {
        if (box.type == Fourcc("mfhd")) {
            base::ByteReader r(box.payload);
            uint8_t version = 0;
            uint32_t flags = 0;
            if (!ReadFullBoxHeader(r, version, flags) || !r.ReadU32(out.sequence_number)) return Invalid("mfhd cut short");
            have_mfhd = true;
        } else if (box.type == Fourcc("traf")) {
            if (++trafs > kMaxTrafsPerMoof) return TooMany("more than " + std::to_string(kMaxTrafsPerMoof) + " trafs in a moof");
            return ReadTraf(box.payload, ctx, out);
        }
        return base::Status::Ok();
    });
    if (!st.ok()) return st;
    if (!have_mfhd) return Invalid("moof without mfhd");
    return base::Status::Ok();
}

}  // namespace

base::Result<ParsedFragment> ReadFragment(std::span<const uint8_t> bytes) {
    ParsedFragment out;
    size_t offset = 0;
    size_t skipped = 0;
    // Boxes before the moof (styp, sidx, prft, emsg, free) are skipped.
    while (true) {
        if (offset >= bytes.size()) return Invalid("no moof");
        auto box = ReadBoxHeader(bytes, offset, /*allow_truncated=*/true);
        if (!box.ok()) return box.error();
        if (box->type == Fourcc("moof")) break;
        if (box->type == Fourcc("mdat")) return Invalid("mdat before the moof");
        if (++skipped > kMaxChildBoxes) return TooMany("too many boxes before the moof");
        if (box->size > bytes.size() - offset) return Invalid("box " + FourccName(box->type) + " runs past the end");
        offset += static_cast<size_t>(box->size);
    }
    auto moof = ReadBoxHeader(bytes, offset, true);
    if (!moof.ok()) return moof.error();
    if (moof->size > kMaxMoofBytes) return TooMany("moof of " + std::to_string(moof->size) + " bytes");
    if (moof->size > bytes.size() - offset) return Invalid("moof runs past the end");
    MoofContext ctx;
    ctx.moof_offset = offset;
    ctx.previous_traf_end = offset;
    if (auto st = ReadMoof(moof->payload, ctx, out); !st.ok()) return st.error();
    const size_t mdat_at = offset + static_cast<size_t>(moof->size);
    if (mdat_at >= bytes.size()) return Invalid("no mdat after the moof");
    auto mdat = ReadBoxHeader(bytes, mdat_at, /*allow_truncated=*/true);
    if (!mdat.ok()) return mdat.error();
    if (mdat->type != Fourcc("mdat")) return Invalid("box " + FourccName(mdat->type) + " after the moof, not mdat");
    if (mdat->size > UINT64_MAX - mdat_at) return Invalid("mdat size past 2^64");
    out.mdat_payload_offset = mdat_at + mdat->header_size;
    out.mdat_payload_size = mdat->size - mdat->header_size;
    out.size = mdat_at + mdat->size;
    for (const auto& run : out.tracks) {
        if (run.data_offset < out.mdat_payload_offset || run.data_offset > out.size ||
            run.data_size > out.size - run.data_offset) {
            return Invalid("track " + std::to_string(run.track_id) + ": samples outside the mdat");
        }
    }
    return out;
}

}  // namespace onair::format::mp4
