import PrismFilter

/// A command as multicast to devices: a JSON object `{"command": NAME, ...}`.
public enum DeviceCommand: Sendable, Equatable {
    case read
    case reboot
    case updateFirmware(version: String)
    case replaceBattery

    public static let names = ["read", "reboot", "update_firmware", "replace_battery"]

    /// Why a payload is not a command this device understands; the device acks with this text, so the
    /// sender sees FAILED and the reason.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ payload: [UInt8]) throws(Rejection) -> DeviceCommand {
        let text = String(decoding: payload, as: UTF8.self)
        let value: Value
        do {
            value = try Value(json: text, maxDepth: 8)
        } catch {
            throw Rejection(description: "payload is not JSON (\(error)); send {\"command\": NAME}")
        }
        guard case .object(let fields) = value else {
            throw Rejection(description: "payload is a JSON \(value.typeName), not an object {\"command\": NAME}")
        }
        guard case .string(let name)? = fields["command"] else {
            throw Rejection(description: "payload has no string \"command\"; known: \(names.joined(separator: ", "))")
        }
        switch name {
        case "read": return .read
        case "reboot": return .reboot
        case "replace_battery": return .replaceBattery
        case "update_firmware":
            guard case .string(let version)? = fields["version"] else {
                throw Rejection(description: "update_firmware needs a string \"version\", e.g. \"2.1.0\"")
            }
            guard DottedVersion(version) != nil else {
                throw Rejection(description: "update_firmware: '\(version)' is not a dotted version such as 2.1.0")
            }
            return .updateFirmware(version: version)
        default:
            throw Rejection(description: "unknown command '\(name)'; known: \(names.joined(separator: ", "))")
        }
    }
}
