import BioGatewayJSON

/// The Data Portal's multi-search query language (`query` of the `vds_multi_*` actions), schema v1.0.0, applied
/// as the portal applies it: the query is first normalised (`lib/query/utils.py`: a one-member `or` becomes an
/// `and`, empty groups are dropped), then validated against the JSON schema (draft-07) with jsonschema, whose
/// *first* error becomes the 409 `message`.
///
/// The schema is declared here keyword by keyword, in the order of the portal's schema file, because that order
/// decides which error jsonschema reports first; the messages are jsonschema's own. Errors inside a group's
/// members surface, as with jsonschema, as "`<member>` is not valid under any of the given schemas". One part is
/// left to the portal: the names of `geo_named_area` (Natural Earth's country, marine and geography lists,
/// hundreds of names); a misspelt one is refused by the portal with its own 409, which the gateway passes on
/// uncached.
///
/// Where the portal's normaliser itself fails on a malformed query (a group that is not an object, an empty
/// object, a group whose members are not a list) the portal answers `500 Internal Server Error`; the gateway
/// instead reports the schema error the malformed part is, in the usual 409.
public enum NHMQuerySchema {
    /// The query schema versions the gateway can validate (`query_version`); the portal's latest is the default.
    public static let versions: [String] = ["v1.0.0"]

    /// The portal's message for an unknown `query_version` (which it reports as a 500).
    public static func unknownVersionMessage(_ version: String) -> String { "Invalid query version: \(version)" }

    /// The deepest nesting of `query` the gateway validates (JSON levels). The portal's Python recursion fails
    /// on queries far shallower than the JSON parser allows; real ones nest a few groups.
    public static let maximumDepth = 64

    /// `query` normalised and validated as the portal does it, or the portal's 409 for it.
    public static func checked(_ query: JSONValue) throws(NHMValidationError) -> JSONValue {
        guard Self.depth(of: query, limit: Self.maximumDepth) <= Self.maximumDepth else {
            throw NHMValidationError(message: "The query is nested more than \(Self.maximumDepth) levels deep")
        }
        let normalised = Self.normalised(query)
        if let message = Self.firstError(in: normalised) { throw NHMValidationError(message: message) }
        return normalised
    }

    /// The nesting depth of `value`, counted up to just past `limit`.
    static func depth(of value: JSONValue, limit: Int) -> Int {
        guard limit >= 0 else { return 1 }
        switch value {
        case .array(let elements): return 1 + (elements.map { Self.depth(of: $0, limit: limit - 1) }.max() ?? 0)
        case .object(let object): return 1 + (object.map { Self.depth(of: $0.value, limit: limit - 1) }.max() ?? 0)
        default: return 0
        }
    }

    /// `query` as the portal reads it: a value Python finds false (`{}`, `[]`, `""`, `0`, `false`, `null`) is
    /// the empty query; an object with `filters` has them normalised.
    public static func normalised(_ query: JSONValue) -> JSONValue {
        switch query {
        case .null, .bool(false), .integer(0): return .object(JSONObject())
        case .double(let number) where number == 0: return .object(JSONObject())
        case .string(let text) where text.isEmpty: return .object(JSONObject())
        case .array(let elements) where elements.isEmpty: return .object(JSONObject())
        case .object(var object):
            guard let filters = object["filters"], let converted = Self.convertingSmallOrGroups(filters) else { return query }
            object["filters"] = Self.removingEmptyGroups(converted)
            return .object(object)
        default: return query
        }
    }

    /// The first error jsonschema reports for `query` (already ``normalised(_:)``), or nil when it is valid.
    public static func firstError(in query: JSONValue) -> String? {
        // a `filters` that is not an object fails the portal's normaliser (500); jsonschema alone would say it
        // is "valid under each of" the groups, since `required` passes anything but an object
        if case .object(let object) = query, let filters = object["filters"], filters.objectValue == nil {
            return "\(NHMActionQuery.pythonRepr(filters)) is not of type 'object'"
        }
        return Self.firstError(query, Self.root)
    }

    // MARK: Normalisation (lib/query/utils.py)

    static let groupNames: Set<String> = ["and", "or", "not"]

    /// `convert_small_or_groups`: nil where the portal's walk fails (it would answer 500).
    static func convertingSmallOrGroups(_ node: JSONValue) -> JSONValue? {
        guard case .object(let object) = node, let kind = object.keys.first else { return nil }
        guard Self.groupNames.contains(kind) else { return node }
        guard case .array(let members) = object[kind]! else { return nil }
        var converted: [JSONValue] = []
        for member in members {
            guard let member = Self.convertingSmallOrGroups(member) else { return nil }
            converted.append(member)
        }
        // the group keeps only its first key, as the portal rebuilds it
        return .object(JSONObject([(kind == "or" && members.count == 1 ? "and" : kind, .array(converted))]))
    }

    /// `remove_empty_groups`: nil when the whole filter is an empty group.
    static func removingEmptyGroups(_ node: JSONValue) -> JSONValue? {
        guard case .object(let object) = node, let kind = object.keys.first, Self.groupNames.contains(kind),
            case .array(let members) = object[kind]!
        else { return node }
        guard !members.isEmpty else { return nil }
        return .object(JSONObject([(kind, .array(members.compactMap(Self.removingEmptyGroups)))]))
    }

    // MARK: The schema

    /// A JSON type as the schema names it.
    enum JSONType: String {
        case object, array, string, number, boolean
    }

    /// One schema keyword, as jsonschema evaluates it.
    indirect enum Keyword {
        case type(JSONType)
        /// `additionalProperties: false` next to these `properties`.
        case noOtherProperties([String])
        case properties([(String, Node)])
        case required([String])
        case oneOf([Node])
        case anyOf([Node])
        case items(Node)
        case minItems(Int)
        case maxProperties(Int)
        case uniqueItems
        case minimum(Double)
        case maximum(Double)
        case enumeration([String])
        /// `dependencies` in their array form: a property that needs others.
        case dependencies([(String, [String])])
    }

    /// A (sub)schema: its keywords in file order, a `$ref` to one of the definitions, or anything at all.
    indirect enum Node {
        case keywords([Keyword])
        case fields, term, group
        case anything

        /// The subschema as Python prints it (in jsonschema's "is valid under each of" message).
        var pythonRepr: String {
            switch self {
            case .keywords(let keywords):
                guard keywords.count == 1, case .required(let names) = keywords[0] else { return "{…}" }
                return "{'required': [\(names.map { "'\($0)'" }.joined(separator: ", "))]}"
            case .fields: return "{'$ref': '#/definitions/fields'}"
            case .term: return "{'$ref': '#/definitions/term'}"
            case .group: return "{'$ref': '#/definitions/group'}"
            case .anything: return "{}"
            }
        }

        var keywords: [Keyword] {
            switch self {
            case .keywords(let keywords): keywords
            case .fields: NHMQuerySchema.fieldsDefinition
            case .term: NHMQuerySchema.termDefinition
            case .group: NHMQuerySchema.groupDefinition
            case .anything: []
            }
        }
    }

    static func requiring(_ name: String) -> Node { .keywords([.required([name])]) }

    /// `type: object`, `additionalProperties: false`, `required`, `anyOf` if any, `properties`: the file's order.
    static func closedObject(_ properties: [(String, Node)], required: [String], anyOf: [Node] = []) -> [Keyword] {
        [.type(.object), .noOtherProperties(properties.map(\.0)), .required(required)]
            + (anyOf.isEmpty ? [] : [.anyOf(anyOf)]) + [.properties(properties)]
    }

    static let root: Node = .keywords([
        .type(.object), .noOtherProperties(["search", "filters"]),
        .properties([("search", .keywords([.type(.string)])), ("filters", .group)]),
    ])

    static let fieldsDefinition: [Keyword] = [.type(.array), .items(.keywords([.type(.string)])), .minItems(1), .uniqueItems]

    static let groupDefinition: [Keyword] = {
        let members: Node = .keywords([.type(.array), .items(.keywords([.oneOf([.group, .term])])), .minItems(1)])
        let orMembers: Node = .keywords([.type(.array), .items(.keywords([.oneOf([.group, .term])])), .minItems(2)])
        return [
            .oneOf([Self.requiring("and"), Self.requiring("or"), Self.requiring("not")]),
            .type(.object), .noOtherProperties(["and", "or", "not"]),
            .properties([("and", members), ("or", orMembers), ("not", members)]),
            .maxProperties(1),
        ]
    }()

    static let termDefinition: [Keyword] = {
        let string: Node = .keywords([.type(.string)])
        let number: Node = .keywords([.type(.number)])
        let boolean: Node = .keywords([.type(.boolean)])
        let anyFields: Node = .keywords([.type(.array), .items(string), .minItems(0), .uniqueItems])
        let units = ["mi", "yd", "ft", "in", "km", "m", "cm", "mm", "nmi"]
        let position: Node = .keywords([.type(.array), .minItems(2), .items(number)])
        let ring: Node = .keywords([.type(.array), .minItems(4), .items(position)])
        let terms: [(String, Node)] = [
            ("string_equals", .keywords(Self.closedObject([("fields", .fields), ("value", string)], required: ["fields", "value"]))),
            ("string_contains", .keywords(Self.closedObject([("fields", anyFields), ("value", string)], required: ["fields", "value"]))),
            ("number_equals", .keywords(Self.closedObject([("fields", .fields), ("value", number)], required: ["fields", "value"]))),
            (
                "number_range",
                .keywords(
                    Self.closedObject(
                        [
                            ("fields", .fields), ("greater_than", number), ("less_than", number),
                            ("greater_than_inclusive", boolean), ("less_than_inclusive", boolean),
                        ],
                        required: ["fields"],
                        anyOf: [Self.requiring("greater_than"), Self.requiring("less_than")]
                    )
                )
            ),
            (
                "geo_point",
                .keywords(
                    [
                        .type(.object), .noOtherProperties(["latitude", "longitude", "radius", "radius_unit"]),
                        .required(["latitude", "longitude"]), .dependencies([("radius", ["radius_unit"])]),
                        .properties([
                            ("latitude", .keywords([.type(.number), .minimum(-90), .maximum(90)])),
                            ("longitude", .keywords([.type(.number), .minimum(-180), .maximum(180)])),
                            ("radius", .keywords([.type(.number), .minimum(0)])),
                            ("radius_unit", .keywords([.type(.string), .enumeration(units)])),
                        ]),
                    ]
                )
            ),
            (
                "geo_named_area",
                .keywords([
                    .type(.object), .noOtherProperties(["country", "marine", "geography"]), .maxProperties(1),
                    .oneOf([Self.requiring("country"), Self.requiring("marine"), Self.requiring("geography")]),
                    .properties([("country", .anything), ("marine", .anything), ("geography", .anything)]),
                ])
            ),
            ("geo_custom_area", .keywords([.type(.array), .items(.keywords([.type(.array), .items(ring)]))])),
            (
                "exists",
                .keywords([
                    .type(.object), .noOtherProperties(["geo_field", "fields"]), .maxProperties(1),
                    .oneOf([Self.requiring("fields"), Self.requiring("geo_field")]),
                    .properties([("geo_field", boolean), ("fields", .fields)]),
                ])
            ),
        ]
        let names = terms.map(\.0)
        let oneTerm = [
            "string_equals", "string_contains", "number_equals", "number_range", "geo_point", "geo_named_area", "geo_custom_area", "exists",
        ]
        return [
            .type(.object), .noOtherProperties(names), .oneOf(oneTerm.map(Self.requiring)), .properties(terms), .maxProperties(1),
        ]
    }()
}
