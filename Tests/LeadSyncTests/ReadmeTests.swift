import Foundation
import Testing

/// README.md's embedding example is the compiled `ReadmeEmbedding.swift`, word for word.
struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theEmbeddingExampleIsTheCompiledOne() throws {
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Tests/LeadSyncTests/ReadmeEmbedding.swift"), encoding: .utf8)
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(source.range(of: "// README embedding begin\n"))
        let end = try #require(source.range(of: "// README embedding end\n"))
        let snippet = String(source[begin.upperBound..<end.lowerBound])
        #expect(snippet.hasPrefix("import LeadSync\n"))
        #expect(
            readme.contains("```swift\n" + snippet + "```\n"),
            "README.md's Embedding section must hold ReadmeEmbedding.swift's example verbatim")
    }
}
