/// libFuzzer entry point for the filter parsers (`scripts/fuzz.sh` builds and runs it).
///
/// Filters, metadata and patterns all come from clients, so every parser must reject bad input with a
/// `FilterError` rather than crash or hang, and the canonical text must parse back to the same tree.
/// The PrismFilter sources are compiled into this module, but only the public API is used.

/// Metadata the parsed filters are evaluated against: one rich object, one empty.
private let fuzzMetadata: [JSONObject] = [
    #"{"type":"sensor","kind":"temperature","building":"HQ","floor":1,"firmware":"1.10.2","battery":0.15,"#
        + #""capabilities":["read","reboot"],"last_reading":{"value":21.5,"unit":"C"},"online":true,"note":null,"#
        + #""name":"Temp-Sensor-01","big":9007199254740993,"e":"\u00e9","my key":"x"}"#,
    "{}",
].map { json in
    guard case .object(let members) = try! Value(json: json) else { fatalError("fuzz metadata is not an object") }
    return members
}

/// A filter touching most operators, evaluated against every input that parses as JSON.
private let fixedFilter = try! Filter(
    #"type == "sensor" and floor >= 1 and firmware < v"2.0" or name matches "^[A-Z]\\w*-\\d+$" "#
        + #"or capabilities contains "read" or note not exists or @id in ["dev-1", "dev-2"]"#)

/// Limits well above the defaults, so inputs reach the parsers' deeper paths.
private let generousLimits = FilterLimits(
    maxTextBytes: 1_000_000, maxMapBytes: 1_000_000, maxDepth: FilterLimits.hardMaxDepth, maxPredicates: 100_000,
    maxListItems: 100_000, maxRegexLength: 100_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func filterFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    for limits in [FilterLimits.default, generousLimits] {
        guard let filter = try? Filter(text, limits: limits) else { continue }
        // The canonical text may be longer or nest deeper than the source, so it is re-parsed generously.
        let canonical = filter.expression.description
        let reparsed: FilterExpression
        do {
            reparsed = try Filter.parse(canonical, limits: generousLimits)
        } catch {
            fatalError("canonical text does not parse: \(error)\nsource:    \(text)\ncanonical: \(canonical)")
        }
        if reparsed != filter.expression {
            fatalError("canonical text parses to another tree\nsource:    \(text)\ncanonical: \(canonical)")
        }
        for metadata in fuzzMetadata {
            _ = filter.matches(metadata, identity: "dev-1")
        }
    }

    if let value = try? Value(json: text) {
        // As metadata, which need not even be an object.
        _ = fixedFilter.matches(json: value, identity: "dev-1")
    }

    if let regex = try? LinearRegex(text) {
        _ = regex.matches("Temp-Sensor-01 floor=1\nfirmware v1.10.2 \u{e9}")
    }
    return 0
}
