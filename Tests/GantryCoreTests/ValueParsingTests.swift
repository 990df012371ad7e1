import GantryCore
import Testing

@Suite("durations, sizes, releases, ids")
struct ValueParsingTests {
    @Test("durations with units", arguments: [
        ("200ms", 200), ("30s", 30_000), ("5m", 300_000), ("1h30m", 5_400_000), ("1.5s", 1500), ("0s", 0),
    ])
    func durations(text: String, milliseconds: Int64) {
        #expect(DurationText.parse(text)?.milliseconds == milliseconds)
    }

    @Test("durations without a unit or with junk are refused", arguments: ["30", "5x", "", "m", "-1s", "1s2", "s5"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("durations format for people")
    func formatting() {
        #expect(DurationText.format(.milliseconds(850)) == "850ms")
        #expect(DurationText.format(.milliseconds(4_240)) == "4.2s")
        #expect(DurationText.format(.seconds(185)) == "3m05s")
        #expect(DurationText.format(.seconds(3720)) == "1h02m")
        #expect(DurationText.canonical(.seconds(900)) == "15m")
    }

    @Test("sizes", arguments: [
        ("512MiB", SizeThreshold.bytes(536_870_912)), ("2GiB", .bytes(2_147_483_648)), ("100MB", .bytes(100_000_000)),
        ("10%", .percent(10)), ("4096B", .bytes(4096)),
    ])
    func sizes(text: String, expected: SizeThreshold) {
        #expect(SizeThreshold.parse(text) == expected)
    }

    @Test("bad sizes", arguments: ["512", "10 percent", "101%", "5XB", ""])
    func badSizes(text: String) {
        #expect(SizeThreshold.parse(text) == nil)
    }

    @Test("valid releases", arguments: ["1.0.0", "v2", "2026.11.29-rc.1+build.7", "a", String(repeating: "x", count: 128)])
    func validReleases(text: String) {
        #expect(Release.isValid(text))
    }

    @Test("releases that could inject or confuse are refused", arguments: [
        "1.0;rm -rf /", "", "-rf", ".hidden", "1.0 2", "$(id)", "a/b", "ü", String(repeating: "x", count: 129), "1.0\n",
    ])
    func invalidReleases(text: String) {
        #expect(!Release.isValid(text))
        #expect(throws: Release.Invalid.self) { try Release(text) }
    }

    @Test("deployment ids sort by time and are well formed")
    func deploymentIDs() {
        let first = DeploymentID.make(at: Date(timeIntervalSince1970: 1_795_000_000.123), random: 0xFFFF_FFFF)
        let second = DeploymentID.make(at: Date(timeIntervalSince1970: 1_795_000_000.124), random: 0)
        #expect(first.rawValue == "20261118-110640.123-ffffff")
        #expect(first < second)
        #expect(DeploymentID.isWellFormed(first.rawValue))
        #expect(!DeploymentID.isWellFormed("x'; DROP TABLE"))
    }

    @Test("timestamps are RFC 3339 UTC")
    func timestamps() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        // Milliseconds as stored: a binary-inexact fraction is not truncated to the one below.
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_000_000.123)) == "2026-11-18T11:06:40.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500Z")
    }
}

import Foundation
