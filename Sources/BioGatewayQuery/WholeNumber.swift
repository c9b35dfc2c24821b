import BioGatewayJSON

/// Whole numbers as the upstreams' Python code reads them, so that every spelling a client may send (R
/// writes `1e+05`, JavaScript `100`, a form `"100"`) is accepted exactly where the upstream accepts it and
/// gives the same canonical value (and so the same cache key).
///
/// Values beyond `Int64` saturate: the callers only cap or compare them.
public enum WholeNumber {
    /// What a value reads as.
    public enum Reading: Sendable, Equatable {
        /// Absent, `null`, or (CKAN) an empty or all-whitespace string.
        case absent
        case value(Int64)
        case invalid
    }

    /// CKAN's `int_validator`: an integer; a whole float (`100.0`, `1e2`); `true`/`false` (Python's bools are
    /// ints); a string as Python's `int()` reads it (`" 100 "`, `"+5"`, `"1_000"`; not `"1e2"` nor `"100.0"`);
    /// an empty or blank string is absent.
    public static func ckan(_ value: JSONValue?) -> Reading {
        switch value {
        case nil, .null: return .absent
        case .integer(let number): return .value(number)
        case .bool(let flag): return .value(flag ? 1 : 0)
        case .double(let number): return self.whole(number).map(Reading.value) ?? .invalid
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty { return .absent }
            return self.pythonInt(trimmed).map(Reading.value) ?? .invalid
        default: return .invalid
        }
    }

    /// VertNet's `l`: an integer, or a whole float in any JSON spelling (`1e+05`, `1000.0`), which the gateway
    /// sends VertNet as the integer it is. A string is not a number here: VertNet (Python 2) would compare it
    /// as greater than any number and silently ask for 1000 records, so the gateway refuses it instead.
    public static func vertnet(_ value: JSONValue?) -> Reading {
        switch value {
        case nil, .null: return .absent
        case .integer(let number): return .value(number)
        case .double(let number): return self.whole(number).map(Reading.value) ?? .invalid
        default: return .invalid
        }
    }

    /// A finite double with no fractional part, saturated to `Int64`.
    static func whole(_ number: Double) -> Int64? {
        guard number.isFinite, number.rounded(.towardZero) == number else { return nil }
        if number >= 9.2e18 { return .max }
        if number <= -9.2e18 { return .min }
        return Int64(number)
    }

    /// Python's `int(text)` for base 10: an optional sign, then ASCII digits, with single underscores allowed
    /// between digits. Saturates to `Int64`.
    static func pythonInt(_ text: String) -> Int64? {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        guard let first = scalars.first, ("0"..."9").contains(first), let last = scalars.last, ("0"..."9").contains(last) else {
            return nil
        }
        var value: Int64 = 0
        var saturated = false
        var previousWasUnderscore = false
        for scalar in scalars {
            if scalar == "_" {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            guard ("0"..."9").contains(scalar) else { return nil }
            previousWasUnderscore = false
            let digit = Int64(scalar.value - 48)
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(digit)
            if overflow1 || overflow2 { saturated = true } else { value = plus }
        }
        if saturated { return negative ? .min : .max }
        return negative ? -value : value
    }
}
