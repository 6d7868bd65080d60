import ArgumentParser
import Foundation
import TasksAPI

/// `orchestrator dead-letters list|show|replay|discard SERVICE …` (admin; docs/operations.md,
/// "Dead letters"). Every service answers at `/api/dead-letters/{service}` with the same
/// operations, so one typed client serves them all: the edge routes each name to its service.
struct DeadLetters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "Messages a service could not handle: list, show, replay or discard them (admin).",
        subcommands: [List.self, Show.self, Replay.self, Discard.self]
    )

    typealias Service = Components.Parameters.DeadLetterService

    struct Which: ParsableArguments {
        @Argument(help: "The service: auth, tasks, scheduler, notifier or analytics.")
        var service: String

        func parsed() throws -> Service {
            guard let service = Service(rawValue: service) else {
                throw ValidationError("no service is called \(service): auth, tasks, scheduler, notifier or analytics")
            }
            return service
        }
    }

    struct Filter: ParsableArguments {
        @Option(help: "Only the letters of this queue (scheduler.events, …).") var queue: String?
        @Option(help: "Only the letters of this event type (task.created, …).") var type: String?
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The service's dead letters, newest first.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var which: Which
        @OptionGroup var filter: Filter
        @Option(help: "At most this many (1–500).") var limit = 50
        @Option(help: "Only those older than this id (the last page's `next`).") var before: Int64?

        func run() async throws {
            try await running {
                let page = try await options.client().tasks.listDeadLetters(
                    path: .init(service: try which.parsed()),
                    query: .init(queue: filter.queue, _type: filter.type, limit: limit, before: before)
                ).ok.body.json
                if options.json { return Output.json(encoding: page) }
                Output.table(
                    ["id", "queue", "type", "attempts", "times", "lastDeadAt", "error"],
                    page.items.map { letter in
                        [
                            String(letter.id), letter.queue, letter._type.isEmpty ? "-" : letter._type, String(letter.attempts),
                            String(letter.times), Output.time(letter.lastDeadAt), String(letter.error.prefix(80)),
                        ]
                    }
                )
                print("\(page.items.count) dead letter(s)" + (page.nextBefore.map { "; older ones: --before \($0)" } ?? ""))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One dead letter with its headers and body.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var which: Which
        @Argument(help: "The letter's id.") var id: Int64

        func run() async throws {
            try await running {
                let letter = try await options.client().tasks.deadLetter(path: .init(service: try which.parsed(), id: id)).ok.body.json
                if options.json { return Output.json(encoding: letter) }
                let rows: [(String, String)] = [
                    ("id", String(letter.id)), ("queue", letter.queue), ("type", letter._type), ("messageId", letter.messageId),
                    ("routingKey", letter.routingKey), ("attempts", String(letter.attempts)), ("times", String(letter.times)),
                    ("firstDeadAt", Output.time(letter.firstDeadAt)), ("lastDeadAt", Output.time(letter.lastDeadAt)),
                    ("error", letter.error),
                ]
                for (name, value) in rows { print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)") }
                print("headers")
                for (name, value) in (letter.headers?.additionalProperties ?? [:]).sorted(by: { $0.key < $1.key }) {
                    print("  \(name): \(value)")
                }
                print("body")
                print(letter.body ?? "")
            }
        }
    }

    /// Which letters a replay or a discard takes: one by id, or --all (of --queue / --type).
    struct Selection: ParsableArguments {
        @Argument(help: "The letter's id.") var id: Int64?
        @Flag(help: "Every letter of the service (or of --queue / --type).") var all = false
        @OptionGroup var filter: Filter

        func validate() throws {
            guard (id != nil) != all else { throw ValidationError("give a letter's id or --all, not both and not neither") }
            guard all || (filter.queue == nil && filter.type == nil) else { throw ValidationError("--queue and --type go with --all") }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publishes dead letters back to the queue each came from (once in effect: the inbox skips one already handled).",
            discussion: "Give an id, or --all (with --queue and/or --type to take only those), replayed oldest first.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var which: Which
        @OptionGroup var selection: Selection

        func run() async throws {
            try await running {
                let client = try options.client().tasks
                let service = try which.parsed()
                let filter = selection.filter
                let replayed =
                    if let id = selection.id {
                        try await client.replayDeadLetter(path: .init(service: service, id: id)).ok.body.json
                    } else {
                        try await client.replayDeadLetters(
                            path: .init(service: service), query: .init(queue: filter.queue, _type: filter.type)
                        )
                        .ok.body.json
                    }
                if options.json { return Output.json(encoding: replayed) }
                print("replayed \(replayed.replayed)")
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deletes dead letters for good.", discussion: "Give an id, or --all (with --queue and/or --type to take only those).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var which: Which
        @OptionGroup var selection: Selection

        func run() async throws {
            try await running {
                let client = try options.client().tasks
                let service = try which.parsed()
                let filter = selection.filter
                let discarded =
                    if let id = selection.id {
                        try await client.discardDeadLetter(path: .init(service: service, id: id)).ok.body.json
                    } else {
                        try await client.discardDeadLetters(
                            path: .init(service: service), query: .init(queue: filter.queue, _type: filter.type)
                        )
                        .ok.body.json
                    }
                if options.json { return Output.json(encoding: discarded) }
                print("discarded \(discarded.discarded)")
            }
        }
    }
}
