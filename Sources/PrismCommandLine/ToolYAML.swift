import PrismFilter
import Yams

/// `-o yaml`: the tools' JSON documents (``ToolJSON``) in YAML, the same keys and values, for people
/// who read them and for tools that take YAML. Strings that YAML would read as something else
/// (`"1"`, `"true"`, `"null"`) are quoted, so the document reads back as the JSON it came from.
public enum ToolYAML {
    /// The document's text, ending with a newline.
    public static func text(_ value: Value) -> String {
        // Serializing a tree of plain scalars cannot fail: the emitter refuses only invalid events.
        (try? Yams.serialize(node: node(value), indent: 2, width: -1, allowUnicode: true)) ?? "\(value.jsonText)\n"
    }

    static func node(_ value: Value) -> Node {
        switch value {
        case .null: Node("null", Tag(.null))
        case .bool(let flag): Node(flag ? "true" : "false", Tag(.bool))
        case .int: Node(value.jsonText, Tag(.int))
        case .double: Node(value.jsonText, Tag(.float))
        case .string(let text): .scalar(text.represented())
        case .array(let items): Node(items.map(node))
        case .object(let members): Node(members.map { (Node.scalar($0.0.represented()), node($0.1)) })
        }
    }
}
