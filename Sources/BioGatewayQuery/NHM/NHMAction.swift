import BioGatewayJSON

/// The Data Portal's actions (ckanext-versioned-datastore 6), as the gateway serves them: the read-only
/// ones validated with the extension's own schemas and cached; those that write or queue work refused.
///
/// `datastore_search` keeps its own, fuller model (``NHMSearchQuery``); every other read-only action is
/// described here by its parameter schema, so one parser (``NHMActionQuery``) validates and canonicalises them
/// all, in the gateway before anything leaves and in the simulator.
public struct NHMAction: Sendable {
    /// The v6 name (`vds_…`), which is also the name sent upstream.
    public let name: String
    /// The parameters the action's schema declares, in schema order; any other key is ignored upstream
    /// (CKAN's `__junk`), so it is dropped from the canonical request.
    public let parameters: [Parameter]
    /// The paging size parameter with its default, its cap and what happens past it.
    public let size: Size?

    /// One declared parameter and the validator CKAN runs on it.
    public struct Parameter: Sendable {
        public let name: String
        public let rule: Rule
    }

    /// CKAN's validators, as the extension chains them.
    public enum Rule: Sendable {
        /// `not_empty`, `str`: required, a non-empty string.
        case requiredString
        /// `not_missing`, `str`: required, `""` allowed.
        case presentString
        /// `ignore_missing`, `str`.
        case string
        /// `ignore_missing`, `int_validator`.
        case integer
        /// `ignore_missing`, `json_validator`.
        case json
        /// `ignore_missing`, `unicode_or_json_validator` (`q`).
        case textOrJSON
        /// `ignore_missing`, `list_validator` (`after`).
        case list
        /// `ignore_missing`, `boolean_validator`.
        case boolean
        /// `resource_ids`: a list, or a comma-separated string; `required` when absence is an error.
        case resourceIDs(required: Bool)
    }

    /// A paging size: its parameter, default and cap.
    public struct Size: Sendable {
        public let parameter: String
        public let defaultValue: Int
        public let maximum: Int?
        /// Past the cap: clamped silently (`true`), or refused with the action's message (`false`).
        public let clamps: Bool
    }

    /// The read-only actions, by v6 name.
    public static let readOnly: [String: NHMAction] = {
        let basic: [Parameter] = [
            .init(name: "resource_id", rule: .requiredString), .init(name: "q", rule: .textOrJSON),
            .init(name: "filters", rule: .json), .init(name: "version", rule: .integer),
        ]
        let basicPaging: [Parameter] = [
            .init(name: "limit", rule: .integer), .init(name: "offset", rule: .integer), .init(name: "after", rule: .list),
        ]
        let multi: [Parameter] = [
            .init(name: "resource_ids", rule: .resourceIDs(required: false)), .init(name: "query", rule: .json),
            .init(name: "version", rule: .integer), .init(name: "query_version", rule: .string),
        ]
        let actions: [NHMAction] = [
            NHMAction(
                name: "vds_basic_query",
                parameters: basic + basicPaging,
                size: Size(parameter: "limit", defaultValue: 100, maximum: 1000, clamps: true)
            ),
            NHMAction(name: "vds_basic_count", parameters: basic, size: nil),
            NHMAction(name: "vds_basic_extent", parameters: basic, size: nil),
            NHMAction(
                name: "vds_basic_autocomplete",
                parameters: [.init(name: "field", rule: .requiredString), .init(name: "term", rule: .presentString)] + basic
                    + basicPaging,
                size: Size(parameter: "limit", defaultValue: 20, maximum: 20, clamps: false)
            ),
            NHMAction(
                name: "vds_multi_query",
                parameters: multi + [.init(name: "after", rule: .list), .init(name: "size", rule: .integer)],
                size: Size(parameter: "size", defaultValue: 100, maximum: 1000, clamps: true)
            ),
            NHMAction(name: "vds_multi_count", parameters: multi, size: nil),
            NHMAction(
                name: "vds_multi_autocomplete_value",
                parameters: [
                    .init(name: "field", rule: .requiredString), .init(name: "prefix", rule: .string),
                    .init(name: "after", rule: .string), .init(name: "size", rule: .integer),
                ] + multi,
                size: Size(parameter: "size", defaultValue: 20, maximum: nil, clamps: true)
            ),
            NHMAction(
                name: "vds_multi_autocomplete_field",
                parameters: [
                    .init(name: "resource_ids", rule: .resourceIDs(required: true)), .init(name: "text", rule: .string),
                    .init(name: "lowercase", rule: .boolean), .init(name: "version", rule: .integer),
                ],
                size: nil
            ),
            NHMAction(
                name: "vds_multi_hash",
                parameters: [.init(name: "query", rule: .json), .init(name: "query_version", rule: .string)],
                size: nil
            ),
            NHMAction(
                name: "vds_version_record",
                parameters: [.init(name: "resource_id", rule: .requiredString), .init(name: "record_id", rule: .requiredString)],
                size: nil
            ),
            NHMAction(name: "vds_version_resource", parameters: [.init(name: "resource_id", rule: .requiredString)], size: nil),
            NHMAction(
                name: "vds_version_round",
                parameters: [.init(name: "resource_id", rule: .requiredString), .init(name: "version", rule: .integer)],
                size: nil
            ),
            NHMAction(
                name: "vds_data_get",
                parameters: [
                    .init(name: "resource_id", rule: .requiredString), .init(name: "record_id", rule: .requiredString),
                    .init(name: "version", rule: .integer),
                ],
                size: nil
            ),
            NHMAction(name: "vds_schema_latest", parameters: [], size: nil),
            NHMAction(
                name: "vds_options_get",
                parameters: [.init(name: "resource_id", rule: .requiredString), .init(name: "version", rule: .integer)],
                size: nil
            ),
        ]
        return Dictionary(uniqueKeysWithValues: actions.map { ($0.name, $0) })
    }()

    /// v5 names the Data Portal still answers, and the v6 action each is (`datastore_search` is served by
    /// its own endpoint: only it adds `include_urls`).
    public static let aliases = ["datastore_query_extent": "vds_basic_extent", "record_show": "vds_data_get"]

    /// Actions that write, queue work or are for administrators: POST-only upstream, never cached, and not
    /// forwarded by the gateway (a shared endpoint must not queue downloads or e-mails in its users' names).
    public static let refused: Set<String> = [
        "vds_download_queue", "vds_download_regenerate", "vds_slug_create", "vds_slug_reserve", "vds_options_update",
        "vds_data_add", "vds_data_delete", "vds_data_sync", "vds_multi_direct", "vds_resource_check",
    ]

    /// What a name in `/api/3/action/<name>` is.
    public enum Lookup: Sendable {
        /// `datastore_search`, served by its own endpoint.
        case datastoreSearch
        /// A read-only action (an alias resolved to its v6 action).
        case readOnly(NHMAction)
        /// An action the gateway refuses to forward.
        case refused
        /// No such action.
        case unknown
    }

    public static func lookup(_ name: String) -> Lookup {
        if name == "datastore_search" { return .datastoreSearch }
        if let action = Self.readOnly[Self.aliases[name] ?? name] { return .readOnly(action) }
        if Self.refused.contains(name) { return .refused }
        return .unknown
    }

    /// The `help` URL every envelope of this action carries.
    public static func helpURL(_ name: String) -> String {
        "https://data.nhm.ac.uk/api/3/action/help_show?name=\(name)"
    }
}
