import Foundation

/// Why a text is not a value of a setting's format.
public struct SettingRefusal: Error {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// How a setting's value is read from text (flags, environment variables and the file all give text), and
/// how it is shown.
public struct SettingFormat<Value: Sendable>: Sendable {
    /// Reads a value or says why the text is not one.
    public let parse: @Sendable (String) throws(SettingRefusal) -> Value
    /// The value as `config check` prints it.
    public let show: @Sendable (Value) -> String
    /// The text as an error message may repeat it.
    public let showText: @Sendable (String) -> String
    /// A secret is never shown, and no flag sets it.
    public let isSecret: Bool

    public init(
        isSecret: Bool = false,
        parse: @escaping @Sendable (String) throws(SettingRefusal) -> Value,
        show: @escaping @Sendable (Value) -> String,
        showText: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.parse = parse
        self.show = show
        self.showText = showText
        self.isSecret = isSecret
    }
}

extension SettingFormat where Value == String {
    /// Any text; `check` returns why a text is refused. Empty text is refused unless `empty` names how it
    /// is shown.
    public static func text(empty: String? = nil, check: @escaping @Sendable (String) -> String? = { _ in nil }) -> Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard !text.isEmpty || empty != nil else { throw SettingRefusal("must not be empty") }
                if !text.isEmpty, let problem = check(text) { throw SettingRefusal(problem) }
                return text
            },
            show: { $0.isEmpty ? (empty ?? "") : $0 }
        )
    }

    /// One of `choices`, in any case (kept in lower case).
    public static func choice(_ choices: [String]) -> Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard choices.contains(text.lowercased()) else {
                    throw SettingRefusal(
                        choices.count == 2 ? "must be \(choices[0]) or \(choices[1])" : "must be one of \(choices.joined(separator: ", "))"
                    )
                }
                return text.lowercased()
            },
            show: { $0 }
        )
    }

    /// An `http://` or `https://` URL with a host; user information is redacted wherever it is shown.
    public static var url: Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                    url.host != nil
                else { throw SettingRefusal("must be an http:// or https:// URL") }
                return text
            },
            show: Redaction.url,
            showText: Redaction.url
        )
    }

    /// A secret of at least `minimumLength` characters.
    public static func secret(minimumLength: Int) -> Self {
        Self(
            isSecret: true,
            parse: { text throws(SettingRefusal) in
                guard text.count >= minimumLength else { throw SettingRefusal("must be at least \(minimumLength) characters") }
                return text
            },
            show: { _ in "(secret, set)" },
            showText: { _ in "(secret)" }
        )
    }

    /// The path of a file the gateway can read.
    public static var readableFile: Self {
        .text { FileManager.default.isReadableFile(atPath: $0) ? nil : "no readable file there" }
    }
}

extension SettingFormat where Value == Int {
    /// A whole number within `range`.
    public static func integer(_ range: ClosedRange<Int>) -> Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { throw SettingRefusal("must be a whole number") }
                guard range.contains(number) else { throw SettingRefusal("must be between \(range.lowerBound) and \(range.upperBound)") }
                return number
            },
            show: { String($0) }
        )
    }

    /// Seconds, from 0 to 2³¹-1.
    public static var seconds: Self { .integer(0...Int(Int32.max)) }

    /// A size in bytes: a whole number, optionally with a binary suffix (`512M`, `1GiB`, `64k`).
    public static func bytes(minimum: Int = 1) -> Self {
        Self(
            parse: { text throws(SettingRefusal) in
                let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
                let multipliers: [(String, Int)] = [
                    ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30),
                ]
                var digits = trimmed
                var multiplier = 1
                for (suffix, factor) in multipliers where trimmed.hasSuffix(suffix) {
                    digits = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
                    multiplier = factor
                    break
                }
                guard let number = Int(digits), number >= minimum, number <= Int(Int64.max) / multiplier / 2 else {
                    throw SettingRefusal(
                        "must be a \(minimum == 0 ? "" : "positive ")number of bytes, optionally with K, M or G (e.g. 1073741824 or 1G)"
                    )
                }
                return number * multiplier
            },
            show: { String($0) }
        )
    }
}

extension SettingFormat where Value == Double {
    /// Requests per second, above 0 and at most 10,000.
    public static var rate: Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number > 0, number <= 10_000 else {
                    throw SettingRefusal("must be a number of requests per second above 0 and at most 10000 (e.g. 1 or 0.5)")
                }
                return number
            },
            show: { String($0) }
        )
    }
}

extension SettingFormat where Value == Bool {
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`; empty is false).
    public static var flag: Self {
        Self(
            parse: { text throws(SettingRefusal) in
                switch text.lowercased().trimmingCharacters(in: .whitespaces) {
                case "true", "1", "yes", "on": return true
                case "false", "0", "no", "off", "": return false
                default: throw SettingRefusal("must be true or false")
                }
            },
            show: { String($0) }
        )
    }
}

extension SettingFormat {
    /// A value that may be unset: empty text unsets it; `unset` says what happens then.
    public static func optional<Wrapped>(_ format: SettingFormat<Wrapped>, unset: String) -> Self where Value == Wrapped? {
        Self(
            isSecret: format.isSecret,
            parse: { text throws(SettingRefusal) in
                text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try format.parse(text)
            },
            show: { value in value.map(format.show) ?? "(unset: \(unset))" },
            showText: format.showText
        )
    }
}
