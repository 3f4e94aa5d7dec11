/// Byte-wise string semantics shared by every filter operator.
///
/// Swift's `String ==` treats canonically equivalent strings as equal ("é" precomposed equals "e" +
/// combining accent); SQLite, Redis and Lua compare bytes. The filter language promises the same answer
/// from every backend, so it compares UTF-8 bytes, which orders strings by Unicode scalar value.
enum StringOrder {

    static func equal(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                pa.count == pb.count && (pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0)
            }
        }
    }

    /// Three-way comparison by UTF-8 bytes: negative, zero or positive.

    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let common = min(pa.count, pb.count)
                if common > 0 {
                    let result = memcmp(pa.baseAddress!, pb.baseAddress!, common)
                    if result != 0 { return Int(result) }
                }
                return pa.count - pb.count
            }
        }
    }

    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        var s = s
        var prefix = prefix
        return s.withUTF8 { whole in
            prefix.withUTF8 { part in
                part.count <= whole.count
                    && (part.isEmpty || memcmp(whole.baseAddress!, part.baseAddress!, part.count) == 0)
            }
        }
    }

    static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        var s = s
        var suffix = suffix
        return s.withUTF8 { whole in
            suffix.withUTF8 { part in
                part.count <= whole.count
                    && (part.isEmpty
                        || memcmp(whole.baseAddress! + (whole.count - part.count), part.baseAddress!, part.count) == 0)
            }
        }
    }

    /// Whether `needle`'s bytes occur in `haystack`'s bytes.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                if n.isEmpty { return true }
                if n.count > h.count { return false }
                let first = n[0]
                var start = 0
                let last = h.count - n.count
                while start <= last {
                    if h[start] == first
                        && (n.count == 1 || memcmp(h.baseAddress! + start + 1, n.baseAddress! + 1, n.count - 1) == 0)
                    {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }
    }

    static func hash(_ s: String, into hasher: inout Hasher) {
        var s = s
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
