import Foundation

/// Tokens saved by `orchestrator login`, one per edge URL, in the user's configuration directory
/// (`$XDG_CONFIG_HOME/orchestrator/credentials.json`, by default under `~/.config`), readable
/// by the user alone (0600).
struct Credentials {
    let file: URL

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        file = base.appendingPathComponent("orchestrator").appendingPathComponent("credentials.json")
    }

    func token(for url: String) -> String? {
        saved()[url]
    }

    func save(_ token: String?, for url: String) throws {
        var saved = saved()
        saved[url] = token
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(saved)
        // Created 0600 before anything is written, so the token is never readable by others.
        if !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        try data.write(to: file)
    }

    /// Every saved token by URL; none when the file is missing or unreadable.
    private func saved() -> [String: String] {
        (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: String].self, from: $0) } ?? [:]
    }
}
