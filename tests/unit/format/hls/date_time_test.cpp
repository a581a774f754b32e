// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/date_time.h"

#include <gtest/gtest.h>

namespace onair::format::hls {
namespace {

constexpr int64_t kDay = 86400000;

TEST(DateTime, FormatsUtcWithMilliseconds) {
    EXPECT_EQ(FormatDateTime(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(1796244318123), "2026-12-02T20:45:18.123Z");
    EXPECT_EQ(FormatDateTime(951782400000 - 1), "2000-02-28T23:59:59.999Z");
    EXPECT_EQ(FormatDateTime(-1), "1969-12-31T23:59:59.999Z");
}

TEST(DateTime, LeapYears) {
    // 2000 is a leap year (divisible by 400), 1900 and 2100 are not, 2024 is.
    EXPECT_EQ(FormatDateTime(951782400000), "2000-02-29T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(951782400000 + kDay), "2000-03-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(DaysFromCivil(2024, 2, 29) * kDay + 1), "2024-02-29T00:00:00.001Z");
    EXPECT_EQ(FormatDateTime(DaysFromCivil(2100, 2, 28) * kDay + kDay), "2100-03-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(DaysFromCivil(1900, 2, 28) * kDay + kDay), "1900-03-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(DaysFromCivil(2023, 12, 31) * kDay + kDay), "2024-01-01T00:00:00.000Z");
}

TEST(DateTime, DaysFromCivilAndBackAgreeEveryDayFor800Years) {
    EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
    EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
    int64_t expected = DaysFromCivil(1600, 1, 1);
    for (int64_t y = 1600; y < 2400; ++y) {
        for (unsigned m = 1; m <= 12; ++m) {
            const unsigned days = m == 2 ? (((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28)
                                  : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
            for (unsigned d = 1; d <= days; ++d) {
                ASSERT_EQ(DaysFromCivil(y, m, d), expected) << y << "-" << m << "-" << d;
                const CivilDate c = CivilFromDays(expected);
                ASSERT_EQ(c.year, y);
                ASSERT_EQ(c.month, m);
                ASSERT_EQ(c.day, d);
                ++expected;
            }
        }
    }
}

TEST(DateTime, ClampsToFourDigitYears) {
    EXPECT_EQ(FormatDateTime(kMinDateTimeMs), "0000-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(kMaxDateTimeMs), "9999-12-31T23:59:59.999Z");
    EXPECT_EQ(FormatDateTime(INT64_MIN), "0000-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatDateTime(INT64_MAX), "9999-12-31T23:59:59.999Z");
}

TEST(DateTime, ParsesWhatItFormatsAndOtherZones) {
    for (int64_t ms : {int64_t{0}, int64_t{1796244318123}, int64_t{-1}, kMinDateTimeMs, kMaxDateTimeMs,
                       int64_t{951782400000}}) {
        EXPECT_EQ(ParseDateTime(FormatDateTime(ms)), ms) << ms;
    }
    EXPECT_EQ(ParseDateTime("2026-12-02T20:45:18Z"), 1796244318000);
    EXPECT_EQ(ParseDateTime("2026-12-02T20:45:18.1Z"), 1796244318100);
    EXPECT_EQ(ParseDateTime("2026-12-02T20:45:18.123456Z"), 1796244318123);
    EXPECT_EQ(ParseDateTime("2026-12-02T21:45:18.123+01:00"), 1796244318123);
    EXPECT_EQ(ParseDateTime("2026-12-02T15:15:18.123-0530"), 1796244318123);
    EXPECT_EQ(ParseDateTime("2026-12-03T04:45:18.123+08"), 1796244318123);
    EXPECT_EQ(ParseDateTime("2026-12-02t20:45:18.123z"), 1796244318123);
}

TEST(DateTime, RejectsMalformedAndImpossibleDates) {
    for (const char* bad : {"", "2026-12-02", "2026-12-02T20:45:18", "2026-12-02T20:45:18.Z",
                            "2026-13-02T20:45:18Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                            "2026-04-31T00:00:00Z", "2026-12-00T00:00:00Z", "2026-12-02T24:00:00Z",
                            "2026-12-02T20:60:00Z", "2026-12-02T20:45:61Z", "2026-12-02 20:45:18Z",
                            "2026-12-02T20:45:18Zjunk", "2026-12-02T20:45:18+1", "2026-12-02T20:45:18+01:0",
                            "+2026-12-02T20:45:18Z", "2026-1-02T20:45:18Z", "0000-01-01T00:00:00+01:00"}) {
        EXPECT_FALSE(ParseDateTime(bad)) << bad;
    }
    EXPECT_TRUE(ParseDateTime("2024-02-29T00:00:00Z"));
    EXPECT_TRUE(ParseDateTime("2016-12-31T23:59:60Z"));  // a leap second
}

}  // namespace
}  // namespace onair::format::hls
