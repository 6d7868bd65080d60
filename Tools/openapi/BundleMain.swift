import Foundation
import ServiceRuntime

/// `orchestrator-openapi SERVICE.yaml COMMON.yaml`: prints the document as its service serves it
/// at /openapi.json — bundled by the same code — for `Tools/openapi/generate` (docs/api.md).
@main
enum BundleMain {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: orchestrator-openapi SERVICE.yaml COMMON.yaml\n".utf8))
            exit(2)
        }
        do {
            let texts = try arguments.map { try String(contentsOfFile: $0, encoding: .utf8) }
            // Exactly the served bytes, no newline after: the generator's stamp is their SHA-256.
            FileHandle.standardOutput.write(Data(try OpenAPIDocument(yaml: texts[0], common: texts[1]).json.utf8))
        } catch {
            FileHandle.standardError.write(Data("orchestrator-openapi: \(error)\n".utf8))
            exit(1)
        }
    }
}
