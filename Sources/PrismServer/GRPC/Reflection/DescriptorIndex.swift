import Foundation
import PrismAPI
import SwiftProtobuf

/// The API's .proto files as server reflection hands them out, found by file name or by any symbol they
/// define. Built from the FileDescriptorSet `make proto` generates next to the code
/// (``ServedDescriptors``), so reflection always describes the API this prismd was built with.
struct DescriptorIndex: Sendable {
    struct File: Sendable {
        var serialized: Data
        var dependencies: [String]
    }

    private(set) var files: [String: File] = [:]
    /// A fully qualified symbol (`prism.registry.v1.Identity.metadata`) to the file that defines it.
    private(set) var fileBySymbol: [String: String] = [:]
    /// A message's fully qualified name to the extension numbers defined for it, and their files.
    private(set) var extensions: [String: [Int32: String]] = [:]
    /// Every service the files define, fully qualified.
    private(set) var services: [String] = []

    static let served: DescriptorIndex = {
        guard let data = Data(base64Encoded: ServedDescriptors.fileDescriptorSetBase64),
            let index = try? DescriptorIndex(fileDescriptorSet: data)
        else { preconditionFailure("Generated/served.descriptors.swift is corrupt; run make proto") }
        return index
    }()

    init(fileDescriptorSet data: Data) throws {
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        for file in set.file {
            files[file.name] = File(serialized: try file.serializedBytes(), dependencies: file.dependency)
            let scope = file.package
            for message in file.messageType { index(message, in: scope, file: file.name) }
            for enumeration in file.enumType { index(enumeration, in: scope, file: file.name) }
            for field in file.extension { index(extension: field, in: scope, file: file.name) }
            for service in file.service {
                let name = qualified(service.name, in: scope)
                services.append(name)
                fileBySymbol[name] = file.name
                for method in service.method { fileBySymbol[qualified(method.name, in: name)] = file.name }
            }
        }
    }

    /// The named file first, then each file it imports, transitively, that is not in `sent`, which
    /// gains them all: a reflection stream sends each file once.
    func fileWithImports(_ name: String, leavingOut sent: inout Set<String>) -> [Data]? {
        guard let file = files[name] else { return nil }
        sent.insert(name)
        var result = [file.serialized]
        var imports = file.dependencies
        while let next = imports.popLast() {
            guard let imported = files[next], sent.insert(next).inserted else { continue }
            result.append(imported.serialized)
            imports.append(contentsOf: imported.dependencies)
        }
        return result
    }

    private mutating func index(_ message: Google_Protobuf_DescriptorProto, in scope: String, file: String) {
        let name = qualified(message.name, in: scope)
        fileBySymbol[name] = file
        for field in message.field { fileBySymbol[qualified(field.name, in: name)] = file }
        for oneof in message.oneofDecl { fileBySymbol[qualified(oneof.name, in: name)] = file }
        for nested in message.nestedType { index(nested, in: name, file: file) }
        for enumeration in message.enumType { index(enumeration, in: name, file: file) }
        for field in message.extension { index(extension: field, in: name, file: file) }
    }

    /// An enum's values are scoped beside the enum, not inside it, as in C++.
    private mutating func index(_ enumeration: Google_Protobuf_EnumDescriptorProto, in scope: String, file: String) {
        fileBySymbol[qualified(enumeration.name, in: scope)] = file
        for value in enumeration.value { fileBySymbol[qualified(value.name, in: scope)] = file }
    }

    private mutating func index(extension field: Google_Protobuf_FieldDescriptorProto, in scope: String, file: String) {
        fileBySymbol[qualified(field.name, in: scope)] = file
        // Extendee names in a descriptor set are fully qualified with a leading dot.
        let extendee = field.extendee.hasPrefix(".") ? String(field.extendee.dropFirst()) : field.extendee
        extensions[extendee, default: [:]][field.number] = file
    }

    private func qualified(_ name: String, in scope: String) -> String {
        scope.isEmpty ? name : "\(scope).\(name)"
    }
}
