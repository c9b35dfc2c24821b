/// A parsed Google App Engine Search API query, the language VertNet's `q` string is written in.
indirect enum VertNetQuery: Sendable, Equatable {
    case all([VertNetQuery])
    case any([VertNetQuery])
    case not(VertNetQuery)
    /// A value searched in one field (or in every field when `field` is nil): each of its words, anywhere.
    case term(field: String?, value: String)
    /// A quoted phrase: its words next to each other, in order, in one value of the field (or of any field).
    case phrase(field: String?, value: String)
    /// `field<op>number`, e.g. `year>=1916`.
    case compare(field: String, op: String, number: Double)
    /// `distance(location,geopoint(lat,lon))<metres`.
    case distance(latitude: Double, longitude: Double, op: String, metres: Double)
}

/// Parses the subset of the GAE query language VertNet users write: implicit AND, `AND`/`OR`/`NOT`,
/// parentheses, `field:value`, `field=value`, `field:(a OR b)`, quoted phrases, numeric comparisons
/// without a colon and `distance(...)`. A syntax error is reported the way VertNet swallows it.
struct VertNetQueryParser {
    struct SyntaxError: Error {}

    private enum Token: Equatable {
        case open, close
        case word(String)
        case quoted(String)
        case op(String)
        case distance(latitude: Double, longitude: Double, op: String, metres: Double)
    }

    private var tokens: [Token]
    private var position = 0

    static func parse(_ text: String) throws(SyntaxError) -> VertNetQuery {
        var parser = VertNetQueryParser(tokens: try Self.lex(text))
        if parser.tokens.isEmpty { return .all([]) }
        let query = try parser.parseOr(field: nil)
        guard parser.position == parser.tokens.count else { throw SyntaxError() }
        return query
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private static func lex(_ text: String) throws(SyntaxError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        let operatorCharacters: Set<Character> = [":", "=", "<", ">"]
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "(" {
                tokens.append(.open)
                index += 1
            } else if character == ")" {
                tokens.append(.close)
                index += 1
            } else if character == "\"" {
                // a backslash escapes the next character (a quote or a backslash) inside a phrase
                var phrase = ""
                var position = index + 1
                while position < characters.count, characters[position] != "\"" {
                    if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                    phrase.append(characters[position])
                    position += 1
                }
                guard position < characters.count else { throw SyntaxError() }
                tokens.append(.quoted(phrase))
                index = position + 1
            } else if operatorCharacters.contains(character) {
                var op = String(character)
                if index + 1 < characters.count, characters[index + 1] == "=", character == "<" || character == ">" {
                    op.append("=")
                }
                tokens.append(.op(op))
                index += op.count
            } else {
                let start = index
                while index < characters.count, !characters[index].isWhitespace, !"()\"".contains(characters[index]),
                    !operatorCharacters.contains(characters[index])
                {
                    index += 1
                }
                let word = String(characters[start..<index])
                if word.lowercased() == "distance", index < characters.count, characters[index] == "(" {
                    let (token, next) = try Self.lexDistance(characters, from: index)
                    tokens.append(token)
                    index = next
                } else {
                    tokens.append(.word(word))
                }
            }
        }
        return tokens
    }

    /// `(location,geopoint(33.529,-105.694))<2000`
    private static func lexDistance(_ characters: [Character], from start: Int) throws(SyntaxError) -> (Token, Int) {
        var depth = 0
        var index = start
        repeat {
            if characters[index] == "(" { depth += 1 }
            if characters[index] == ")" { depth -= 1 }
            index += 1
        } while depth > 0 && index < characters.count
        guard depth == 0 else { throw SyntaxError() }
        let inside = String(characters[(start + 1)..<(index - 1)]).replacingOccurrences(of: " ", with: "")
        guard inside.lowercased().hasPrefix("location,geopoint("), inside.hasSuffix(")") else { throw SyntaxError() }
        let numbers = inside.dropFirst("location,geopoint(".count).dropLast().split(separator: ",")
        guard numbers.count == 2, let latitude = Double(numbers[0]), let longitude = Double(numbers[1]) else { throw SyntaxError() }
        var op = ""
        while index < characters.count, "<>=".contains(characters[index]) {
            op.append(characters[index])
            index += 1
        }
        let numberStart = index
        while index < characters.count, !characters[index].isWhitespace, characters[index] != ")" { index += 1 }
        guard ["<", "<=", ">", ">="].contains(op), let metres = Double(String(characters[numberStart..<index])) else {
            throw SyntaxError()
        }
        return (.distance(latitude: latitude, longitude: longitude, op: op, metres: metres), index)
    }

    private mutating func parseOr(field: String?) throws(SyntaxError) -> VertNetQuery {
        var alternatives = [try self.parseAnd(field: field)]
        while self.position < self.tokens.count, self.tokens[self.position] == .word("OR") {
            self.position += 1
            alternatives.append(try self.parseAnd(field: field))
        }
        return alternatives.count == 1 ? alternatives[0] : .any(alternatives)
    }

    private mutating func parseAnd(field: String?) throws(SyntaxError) -> VertNetQuery {
        var parts = [try self.parseUnary(field: field)]
        while self.position < self.tokens.count {
            switch self.tokens[self.position] {
            case .close, .word("OR"): return parts.count == 1 ? parts[0] : .all(parts)
            case .word("AND"): self.position += 1
            default: break
            }
            parts.append(try self.parseUnary(field: field))
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func parseUnary(field: String?) throws(SyntaxError) -> VertNetQuery {
        guard self.position < self.tokens.count else { throw SyntaxError() }
        if self.tokens[self.position] == .word("NOT") {
            self.position += 1
            return .not(try self.parseUnary(field: field))
        }
        return try self.parsePrimary(field: field)
    }

    private mutating func parsePrimary(field: String?) throws(SyntaxError) -> VertNetQuery {
        guard self.position < self.tokens.count else { throw SyntaxError() }
        let token = self.tokens[self.position]
        self.position += 1
        switch token {
        case .open:
            let inner = try self.parseOr(field: field)
            guard self.position < self.tokens.count, self.tokens[self.position] == .close else { throw SyntaxError() }
            self.position += 1
            return inner
        case .distance(let latitude, let longitude, let op, let metres):
            return .distance(latitude: latitude, longitude: longitude, op: op, metres: metres)
        case .quoted(let phrase):
            return .phrase(field: field, value: phrase)
        case .word(let word):
            if field == nil, self.position < self.tokens.count, case .op(let op) = self.tokens[self.position] {
                self.position += 1
                let name = word.lowercased()
                if op == ":" || op == "=" {
                    guard self.position < self.tokens.count else { throw SyntaxError() }
                    switch self.tokens[self.position] {
                    case .open, .quoted, .word: return try self.parsePrimary(field: name)
                    default: throw SyntaxError()
                    }
                }
                guard self.position < self.tokens.count, case .word(let number) = self.tokens[self.position],
                    let value = Double(number)
                else { throw SyntaxError() }
                self.position += 1
                return .compare(field: name, op: op, number: value)
            }
            if word.hasPrefix("-"), word.count > 1, Double(word) == nil {
                return .not(.term(field: field, value: String(word.dropFirst())))
            }
            return .term(field: field, value: word)
        case .close, .op:
            throw SyntaxError()
        }
    }
}
