import LeadSyncSupport
import Testing

@testable import LeadSyncCLISupport

@Suite("PKCE S256")
struct PKCETests {
    @Test func rfc7636AppendixB() {
        #expect(
            PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge
                == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256Vectors(input: String, hex: String) {
        let digest = SHA256.hash(Array(input.utf8)).map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }.joined()
        #expect(digest == hex)
    }

    @Test func generatedVerifiersAreRandomAndWellFormed() {
        var generator = SplitMix64(seed: 42)
        let a = PKCE(using: &generator)
        let b = PKCE(using: &generator)
        #expect(a.verifier != b.verifier)
        #expect(a.verifier.count == 43)
        #expect(a.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(PKCE(verifier: a.verifier).challenge == a.challenge)
    }
}
