import GRPCCore
import PrismAPI

/// What to enumerate and in which order.
public struct EnumerateOptions: Sendable {
    /// Text or map-form filter; nil or blank selects everything.
    public var filter: String?
    /// Page size, 1 to 10,000.
    public var pageSize: Int
    /// Dotted metadata path, or nil for identity order.
    public var sortBy: String?
    public var descending: Bool
    public var includeMetadata: Bool

    public init(
        filter: String? = nil, pageSize: Int = 100, sortBy: String? = nil, descending: Bool = false,
        includeMetadata: Bool = true
    ) {
        self.filter = filter
        self.pageSize = pageSize
        self.sortBy = sortBy
        self.descending = descending
        self.includeMetadata = includeMetadata
    }
}

extension PrismClient {
    /// One page; pass the previous page's `nextCursor` to continue.
    public func enumeratePage(_ options: EnumerateOptions, cursor: String? = nil) async throws(PrismClientError)
        -> Prism_Registry_V1_EnumerateResponse
    {
        var request = Prism_Registry_V1_EnumerateRequest()
        request.namespace = namespace
        request.filter = options.filter ?? ""
        request.limit = UInt32(clamping: options.pageSize)
        request.cursor = cursor ?? ""
        request.sortBy = options.sortBy ?? ""
        request.descending = options.descending
        request.includeMetadata = options.includeMetadata
        return try await call { try await registry.enumerate(request, options: unaryOptions) }
    }

    /// Every page in turn, fetched as the sequence is iterated.
    public func enumerate(_ options: EnumerateOptions) -> EnumerationPages {
        EnumerationPages(client: self, options: options)
    }
}

/// Pages of an enumeration, fetched lazily; the cursor keeps the order stable across pages.
public struct EnumerationPages: AsyncSequence, Sendable {
    public typealias Element = Prism_Registry_V1_EnumerateResponse
    public typealias Failure = PrismClientError
    let client: PrismClient
    let options: EnumerateOptions

    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: PrismClient
        let options: EnumerateOptions
        var cursor: String?
        var finished = false

        public mutating func next() async throws(PrismClientError) -> Prism_Registry_V1_EnumerateResponse? {
            guard !finished else { return nil }
            let page = try await client.enumeratePage(options, cursor: cursor)
            cursor = page.nextCursor
            finished = page.nextCursor.isEmpty
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(client: client, options: options) }
}
