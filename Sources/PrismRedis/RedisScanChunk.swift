import PrismRegistry

/// What one run of ``RedisScripts/scan`` found among up to ``RedisScanChunk/size`` names.
struct RedisScanChunk {
    /// Which matches the script returns, and with what (see ``RedisScripts/scan``).
    enum Mode: String {
        case all, names, page
    }

    /// One returned match.
    struct Row {
        var name: String
        /// Whether the Lua program decided the match; otherwise the caller tests it with the full filter.
        var decided: Bool
        /// The hash fields m, r, u, e (`.null` each when the mode left them out).
        var fields: [RedisReply]
    }

    /// Names read per script run: bounds how long one run keeps Redis busy (a few milliseconds).
    static let size = 2000

    /// Where the next run starts, or `nil` after the last name.
    var next: String?
    /// Matches only counted (mode `page`), before and after the cursor.
    var countedBefore: Int
    var countedAfter: Int
    /// What is left of the page budget.
    var budget: Int
    var rows: [Row]

    /// Reads the script's reply.
    init(_ reply: RedisReply, address: String) throws(RegistryError) {
        guard case .array(let parts) = reply, parts.count >= 4, (parts.count - 4) % 6 == 0,
            let next = parts[0].string, case .integer(let before) = parts[1], case .integer(let after) = parts[2],
            case .integer(let budget) = parts[3]
        else {
            throw RedisFailure.unexpectedReply(address, to: "a scan", "\(reply)")
        }
        self.next = next.isEmpty ? nil : next
        countedBefore = Int(before)
        countedAfter = Int(after)
        self.budget = Int(budget)
        rows = []
        rows.reserveCapacity((parts.count - 4) / 6)
        var index = 4
        while index < parts.count {
            guard let name = parts[index].string else {
                throw RedisFailure.unexpectedReply(address, to: "a scan", "a row without a name")
            }
            rows.append(
                Row(
                    name: name, decided: parts[index + 1].string == "1",
                    fields: Array(parts[(index + 2)..<(index + 6)])))
            index += 6
        }
    }
}
