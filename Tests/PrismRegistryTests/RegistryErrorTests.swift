import PrismFilter
import PrismRegistry
import Testing

@Suite("RegistryError")
struct RegistryErrorTests {
    @Test("the description and the detailed message carry the cause; the message alone does not")
    func causeIsKept() {
        let error = RegistryError(.dataLoss, "the database is corrupt", cause: BackendDetail("/data/prism.sqlite"))
        #expect(error.message == "the database is corrupt")
        #expect(error.description == "dataLoss: the database is corrupt (cause: /data/prism.sqlite)")
        #expect(error.detailedMessage == "the database is corrupt (/data/prism.sqlite)")
        #expect(RegistryError(.notFound, "gone").description == "notFound: gone")
    }

    @Test("every slot's shared refusals read the same")
    func factories() {
        #expect(RegistryError.alreadyRegistered("s-1").code == .alreadyExists)
        #expect(RegistryError.alreadyRegistered("s-1").message.contains("'s-1' is already registered"))
        #expect(RegistryError.capacityReached(5).code == .resourceExhausted)
        #expect(RegistryError.capacityReached(5).message.contains("maximum of 5"))
        #expect(RegistryError.notRegistered("s-1").code == .notFound)
    }

    @Test("a number that is not finite is named by its path")
    func nonFinitePath() {
        let cases: [(JSONObject, String)] = [
            (["a": ["b": [1, .double(.nan)]]], "metadata a.b[1] is not a finite number"),
            (["x": .double(.infinity)], "metadata x is not a finite number"),
        ]
        for (metadata, message) in cases {
            #expect {
                try IdentityName.validate(metadata: metadata)
            } throws: { error in
                (error as? RegistryError)?.message.hasPrefix(message) == true
            }
        }
        #expect(throws: Never.self) { try IdentityName.validate(metadata: ["a": [1.5, ["b": 2]]]) }
    }
}
