/// A regular expression that matches in time linear in the input: O(pattern × input), never
/// exponential, whatever the pattern. Filters come from clients, so a backtracking engine (Swift
/// `Regex`, `NSRegularExpression`) would let one hostile `matches` stall the server.
///
/// The supported subset: literals, `.` (any character but newline), classes `[a-z]` `[^...]`,
/// `\d \w \s \D \W \S` (ASCII), escaped punctuation, `\n \t \r`, anchors `^ $` (start and end of the
/// whole string), groups `( )` and `(?: )`, alternation `|`, quantifiers `* + ? {m} {m,} {m,n}`
/// (m, n ≤ 1000; a lazy `?` suffix is accepted), and `(?i)` at the start for case-insensitive matching.
/// Anything else — backreferences, lookaround, possessive quantifiers — is refused.
///
/// ```
/// let regex = try LinearRegex("^dev-\\d+$")
/// regex.matches("dev-42")   // true
/// ```
public struct LinearRegex: Sendable {
    /// The pattern as written.
    public let pattern: String
    private let program: RegexProgram
    private let anchoredAtStart: Bool

    /// Compiles `pattern`.
    /// - Throws: ``FilterError`` with code ``FilterError/Code/invalidRegex``; its column is the
    ///   1-based position in the pattern.
    public init(_ pattern: String) throws(FilterError) {
        var parser = RegexParser(pattern)
        let node: RegexNode
        do {
            node = try parser.parse()
        } catch {
            throw FilterError(
                code: .invalidRegex, message: "invalid regex: \(error.message) at pattern position \(error.offset + 1)",
                line: 1, column: error.offset + 1)
        }
        do {
            program = try RegexProgram(node, caseInsensitive: parser.caseInsensitive)
        } catch {
            throw FilterError(
                code: .invalidRegex, message: "invalid regex: too complex once repetitions are expanded", line: 1,
                column: 1)
        }
        self.pattern = pattern
        if case .assertStart = program.instructions[0] { anchoredAtStart = true } else { anchoredAtStart = false }
    }

    /// Whether the pattern matches anywhere in `text` (an unanchored search).
    public func matches(_ text: String) -> Bool {
        let count = program.instructions.count
        // Two sparse sets (dense + sparse arrays each) for the current and next thread lists, plus a stack.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count * 5) { storage in
            var machine = Machine(program: program, storage: storage.baseAddress!, count: count)
            return machine.run(text, anchoredAtStart: anchoredAtStart)
        }
    }
}

/// The NFA simulation: every live state advances in lock step over the input's scalars.
private struct Machine {
    let program: RegexProgram
    var current: SparseSet
    var next: SparseSet
    let stack: UnsafeMutablePointer<Int32>

    init(program: RegexProgram, storage: UnsafeMutablePointer<Int32>, count: Int) {
        self.program = program
        current = SparseSet(dense: storage, sparse: storage + count)
        next = SparseSet(dense: storage + 2 * count, sparse: storage + 3 * count)
        stack = storage + 4 * count
    }

    mutating func run(_ text: String, anchoredAtStart: Bool) -> Bool {
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var atStart = true
        if addThread(0, to: &current, atStart: true, atEnd: index == scalars.endIndex) { return true }
        while index != scalars.endIndex {
            var scalar = scalars[index]
            index = scalars.index(after: index)
            let atEnd = index == scalars.endIndex
            if program.caseInsensitive { scalar = CaseFolding.fold(scalar) }
            next.clear()
            for position in 0..<current.count {
                let pc = Int(current.dense[position])
                if step(pc, scalar), addThread(pc + 1, to: &next, atStart: false, atEnd: atEnd) { return true }
            }
            atStart = false
            if !anchoredAtStart, addThread(0, to: &next, atStart: atStart, atEnd: atEnd) { return true }
            swap(&current, &next)
            if current.count == 0 && anchoredAtStart { return false }
        }
        return false
    }

    private func step(_ pc: Int, _ scalar: Unicode.Scalar) -> Bool {
        switch program.instructions[pc] {
        case .literal(let expected): return scalar == expected
        case .anyExceptNewline: return scalar != "\n"
        case .set(let index):
            let set = program.sets[index]
            if program.caseInsensitive {
                return CaseFolding.variants(scalar).contains { set.contains($0) }
            }
            return set.contains(scalar)
        default: return false
        }
    }

    /// Adds `start` and everything reachable from it without consuming input; true once `match` is reached.
    private func addThread(_ start: Int, to list: inout SparseSet, atStart: Bool, atEnd: Bool) -> Bool {
        guard list.insert(start) else { return false }
        var depth = 0
        stack[0] = Int32(start)
        depth = 1
        // A state enters the list when pushed, so the stack never holds more entries than there are states.
        func push(_ pc: Int) {
            if list.insert(pc) {
                stack[depth] = Int32(pc)
                depth += 1
            }
        }
        while depth > 0 {
            depth -= 1
            let pc = Int(stack[depth])
            switch program.instructions[pc] {
            case .match: return true
            case .jump(let target): push(target)
            case .split(let first, let second):
                push(second)
                push(first)
            case .assertStart: if atStart { push(pc + 1) }
            case .assertEnd: if atEnd { push(pc + 1) }
            default: break
            }
        }
        return false
    }
}

/// A set of small integers with O(1) insert, membership and clear, over caller-provided memory
/// (Briggs & Torczon); it need not be zeroed.
private struct SparseSet {
    let dense: UnsafeMutablePointer<Int32>
    let sparse: UnsafeMutablePointer<Int32>
    var count = 0

    init(dense: UnsafeMutablePointer<Int32>, sparse: UnsafeMutablePointer<Int32>) {
        self.dense = dense
        self.sparse = sparse
    }

    /// Inserts `value`; false when it was already present.
    mutating func insert(_ value: Int) -> Bool {
        let slot = Int(sparse[value])
        if slot < count && slot >= 0 && dense[slot] == Int32(value) { return false }
        sparse[value] = Int32(count)
        dense[count] = Int32(value)
        count += 1
        return true
    }

    mutating func clear() { count = 0 }
}
