import Foundation

/// Parsing and printing of the time formats CloudTrail and the AWS CLI use, in UTC.
///
/// Written by hand rather than with `DateFormatter`: the formats are fixed, the
/// parse must be strict, and it runs once per digest and key.
public enum CloudTrailTime {
    /// Parses `2025-03-01T01:09:41Z`, with optional fractional seconds and a `Z`,
    /// `+00:00` style offset, or none (taken as UTC); also `2025-03-01` and the
    /// compact `20250301T010941Z` of object keys.
    public static func parse(_ text: String) -> Date? {
        text.utf8.withContiguousStorageIfAvailable { parse(utf8: $0) } ?? Array(text.utf8).withUnsafeBufferPointer { parse(utf8: $0) }
    }

    /// ``parse(_:)`` of text given as its UTF-8 bytes (object keys are read as bytes, once per log file).
    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func accept(_ character: UInt8) -> Bool {
            if index < bytes.count && bytes[index] == character { index += 1; return true }
            return false
        }
        guard let year = digits(4) else { return nil }
        let compact = !accept(UInt8(ascii: "-"))
        guard let month = digits(2) else { return nil }
        if !compact { guard accept(UInt8(ascii: "-")) else { return nil } }
        guard let day = digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        if accept(UInt8(ascii: "T")) || accept(UInt8(ascii: " ")) {
            guard let h = digits(2) else { return nil }
            hour = h
            if !compact { guard accept(UInt8(ascii: ":")) else { return nil } }
            guard let m = digits(2) else { return nil }
            minute = m
            if compact {
                if let s = digits(2) { second = s }
            } else if accept(UInt8(ascii: ":")) {
                guard let s = digits(2) else { return nil }
                second = s
            }
            if accept(UInt8(ascii: ".")) {
                var scale = 0.1
                var any = false
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    fraction += Double(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                    any = true
                }
                guard any else { return nil }
            }
            if accept(UInt8(ascii: "Z")) || accept(UInt8(ascii: "z")) {
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let oh = digits(2) else { return nil }
                _ = accept(UInt8(ascii: ":"))
                guard let om = digits(2) else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard index == bytes.count else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `2025-03-01T01:09:41Z`: what the AWS CLI prints.
    public static func display(_ date: Date) -> String {
        let c = components(date)
        guard (0...9999).contains(c.year) else {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
        }
        return format(c, dateSeparator: UInt8(ascii: "-"), timeSeparator: UInt8(ascii: ":"))
    }

    /// `20250301T010941Z`: the form in digest object keys.
    static func compact(_ date: Date) -> String {
        let c = components(date)
        guard (0...9999).contains(c.year) else {
            return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
        }
        return format(c, dateSeparator: nil, timeSeparator: nil)
    }

    /// What `String(format:)` writes for a year of four digits, written by hand: this runs several
    /// times per digest and log, and `String(format:)` costs more than the rest of a check.
    private static func format(_ c: Components, dateSeparator: UInt8?, timeSeparator: UInt8?) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func two(_ value: Int) {
            bytes.append(0x30 + UInt8(value / 10))
            bytes.append(0x30 + UInt8(value % 10))
        }
        two(c.year / 100)
        two(c.year % 100)
        if let dateSeparator { bytes.append(dateSeparator) }
        two(c.month)
        if let dateSeparator { bytes.append(dateSeparator) }
        two(c.day)
        bytes.append(UInt8(ascii: "T"))
        two(c.hour)
        if let timeSeparator { bytes.append(timeSeparator) }
        two(c.minute)
        if let timeSeparator { bytes.append(timeSeparator) }
        two(c.second)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    struct Components { var year, month, day, hour, minute, second: Int }

    /// Midnight UTC of the day `date` falls on.
    static func startOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: floor(date.timeIntervalSince1970 / 86_400) * 86_400)
    }

    static func components(_ date: Date) -> Components {
        let total = Int(floor(date.timeIntervalSince1970))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return Components(year: year, month: month, day: day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
