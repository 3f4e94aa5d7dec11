/// A pattern compiled to a Thompson NFA program, run by ``LinearRegex``.
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        case literal(Unicode.Scalar)
        case anyExceptNewline
        case set(Int)
        /// Continue at both targets.
        case split(Int, Int)
        case jump(Int)
        case assertStart
        case assertEnd
        case match
    }

    /// Programs above this size are refused, bounding the per-character work of a match.
    static let maxInstructions = 20_000

    var instructions: [Instruction] = []
    var sets: [RegexCharacterSet] = []
    var caseInsensitive = false

    struct TooLarge: Error {}

    init(_ node: RegexNode, caseInsensitive: Bool) throws(TooLarge) {
        self.caseInsensitive = caseInsensitive
        try emit(node)
        instructions.append(.match)
    }

    private mutating func append(_ instruction: Instruction) throws(TooLarge) -> Int {
        guard instructions.count < Self.maxInstructions else { throw TooLarge() }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode) throws(TooLarge) {
        switch node {
        case .empty:
            break
        case .literal(let scalar):
            _ = try append(.literal(caseInsensitive ? CaseFolding.fold(scalar) : scalar))
        case .anyExceptNewline:
            _ = try append(.anyExceptNewline)
        case .set(let set):
            sets.append(set)
            _ = try append(.set(sets.count - 1))
        case .lineStart:
            _ = try append(.assertStart)
        case .lineEnd:
            _ = try append(.assertEnd)
        case .concatenation(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split L2, ... ; last branch; end:
            var jumpsToEnd: [Int] = []
            for (position, branch) in branches.enumerated() {
                if position < branches.count - 1 {
                    let split = try append(.split(0, 0))
                    try emit(branch)
                    jumpsToEnd.append(try append(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumpsToEnd { instructions[jump] = .jump(instructions.count) }
        case .repetition(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                // Each optional copy: split into it or past all remaining copies.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try append(.split(0, 0)))
                    try emit(inner)
                }
                for split in splits { instructions[split] = .split(split + 1, instructions.count) }
            } else {
                let loop = try append(.split(0, 0))
                try emit(inner)
                _ = try append(.jump(loop))
                instructions[loop] = .split(loop + 1, instructions.count)
            }
        }
    }
}

/// Simple case folding for `(?i)`: a scalar maps to its lowercase form when that is one scalar.
enum CaseFolding {
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : scalar
    }

    /// The scalar and its simple upper and lower case variants, for testing classes case-insensitively.
    static func variants(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        var result = [scalar, fold(scalar)]
        let upper = scalar.properties.uppercaseMapping.unicodeScalars
        if upper.count == 1 { result.append(upper.first!) }
        return result
    }
}
