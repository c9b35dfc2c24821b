import BioGatewayJSON

extension NHMQuerySchema {
    /// The first error of `value` against `node`, as jsonschema's `iter_errors` yields them: keyword by keyword
    /// in schema order, a keyword that does not apply to the value's type passing silently.
    static func firstError(_ value: JSONValue, _ node: Node) -> String? {
        for keyword in node.keywords {
            if let error = Self.firstError(value, keyword) { return error }
        }
        return nil
    }

    static func isValid(_ value: JSONValue, _ node: Node) -> Bool { Self.firstError(value, node) == nil }

    static func firstError(_ value: JSONValue, _ keyword: Keyword) -> String? {
        switch keyword {
        case .type(let type):
            return Self.isType(value, type) ? nil : "\(NHMActionQuery.pythonRepr(value)) is not of type '\(type.rawValue)'"
        case .noOtherProperties(let allowed):
            guard case .object(let object) = value else { return nil }
            let extras = object.keys.filter { !allowed.contains($0) }.sorted()
            guard !extras.isEmpty else { return nil }
            let names = extras.map { NHMActionQuery.pythonRepr(.string($0)) }.joined(separator: ", ")
            return "Additional properties are not allowed (\(names) \(extras.count == 1 ? "was" : "were") unexpected)"
        case .properties(let properties):
            guard case .object(let object) = value else { return nil }
            for (name, schema) in properties {
                if let member = object[name], let error = Self.firstError(member, schema) { return error }
            }
            return nil
        case .required(let names):
            guard case .object(let object) = value else { return nil }
            return names.first { object[$0] == nil }.map { "'\($0)' is a required property" }
        case .oneOf(let alternatives):
            guard let first = alternatives.firstIndex(where: { Self.isValid(value, $0) }) else {
                return Self.notValidUnderAny(value)
            }
            let alsoValid = alternatives[(first + 1)...].filter { Self.isValid(value, $0) }
            guard !alsoValid.isEmpty else { return nil }
            let reprs = (alsoValid + [alternatives[first]]).map(\.pythonRepr).joined(separator: ", ")
            return "\(NHMActionQuery.pythonRepr(value)) is valid under each of \(reprs)"
        case .anyOf(let alternatives):
            return alternatives.contains { Self.isValid(value, $0) } ? nil : Self.notValidUnderAny(value)
        case .items(let schema):
            guard case .array(let elements) = value else { return nil }
            for element in elements {
                if let error = Self.firstError(element, schema) { return error }
            }
            return nil
        case .minItems(let minimum):
            guard case .array(let elements) = value, elements.count < minimum else { return nil }
            return "\(NHMActionQuery.pythonRepr(value)) \(minimum == 1 ? "should be non-empty" : "is too short")"
        case .maxProperties(let maximum):
            guard case .object(let object) = value, object.count > maximum else { return nil }
            return "\(NHMActionQuery.pythonRepr(value)) \(maximum == 0 ? "should be empty" : "has too many properties")"
        case .uniqueItems:
            guard case .array(let elements) = value, Set(elements).count != elements.count else { return nil }
            return "\(NHMActionQuery.pythonRepr(value)) has non-unique elements"
        case .minimum(let minimum):
            guard let number = value.doubleValue, number < minimum else { return nil }
            return "\(NHMActionQuery.pythonRepr(value)) is less than the minimum of \(Self.pythonNumber(minimum))"
        case .maximum(let maximum):
            guard let number = value.doubleValue, number > maximum else { return nil }
            return "\(NHMActionQuery.pythonRepr(value)) is greater than the maximum of \(Self.pythonNumber(maximum))"
        case .enumeration(let names):
            if case .string(let text) = value, names.contains(text) { return nil }
            let list = names.map { NHMActionQuery.pythonRepr(.string($0)) }.joined(separator: ", ")
            return "\(NHMActionQuery.pythonRepr(value)) is not one of [\(list)]"
        case .dependencies(let dependencies):
            guard case .object(let object) = value else { return nil }
            for (property, needed) in dependencies where object[property] != nil {
                if let missing = needed.first(where: { object[$0] == nil }) { return "'\(missing)' is a dependency of '\(property)'" }
            }
            return nil
        }
    }

    static func notValidUnderAny(_ value: JSONValue) -> String {
        "\(NHMActionQuery.pythonRepr(value)) is not valid under any of the given schemas"
    }

    static func isType(_ value: JSONValue, _ type: JSONType) -> Bool {
        switch (type, value) {
        case (.object, .object), (.array, .array), (.string, .string), (.boolean, .bool): true
        case (.number, .integer), (.number, .double): true
        default: false
        }
    }

    /// A schema bound as Python prints it (the file's bounds are integers).
    static func pythonNumber(_ number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : JSONWriter.format(number)
    }
}
