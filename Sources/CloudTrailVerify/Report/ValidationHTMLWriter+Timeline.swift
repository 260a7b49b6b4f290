import Foundation

extension ValidationHTMLWriter {
    /// One chain's hours, drawn as a grid (a row per UTC day, a column per hour) in inline SVG.
    ///
    /// Only the chain being walked is held, and only its drawn hours: at most ``Limits/timelineHours`` cells
    /// (the newest ones when the window is longer; the page says so), so memory does not grow with the bucket.
    struct Timeline {
        /// What an hour shows, from least to most severe: when several digests fall in one hour, the worst wins.
        enum State: Int, Comparable {
            case none, gap, valid, unverified, missing, invalid

            static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

            init(_ status: VerdictStatus) {
                switch status {
                case .valid: self = .valid
                case .invalid: self = .invalid
                case .missing: self = .missing
                // Digests are never unreferenced today; a digest state added later draws as unproven, not as valid.
                case .unverified, .unreferenced: self = .unverified
                }
            }
        }

        struct Cell {
            var state: State = .none
            var inferred = false
            /// The finding row the cell links to: the worst digest's, else its first log finding's, else the gap's.
            var link: String?
            var titles: [String] = []
            var logFindings = 0
        }

        let chain: ValidationReport.Chain
        let anchor: String
        let limit: Int
        /// The hours drawn (hours since 1970), when the chain's range can be read; otherwise taken from the cells.
        private(set) var window: ClosedRange<Int>?
        /// How many hours the whole range has, when it was cut to ``limit``.
        private(set) var cutFrom: Int?
        /// The hour of a digest ending at the requested end: the grid stops there unless digests lie beyond it
        /// (the window reaches half an hour further either side, for digests read beyond the requested range).
        private var lastRequestedHour: Int?
        /// The hour of a digest starting at the requested start: the grid starts there unless digests lie before it.
        private var firstRequestedHour: Int?
        private(set) var cells: [Int: Cell] = [:]
        /// Digests with no time to place them by, or outside the drawn hours: still listed among the findings.
        private(set) var notDrawn = 0
        private var lastDigestHour: Int?
        var counts = ValidationReport.Counts()
        var gaps: [HTML] = []
        var gapsNotShown = 0

        static let maximumGapsShown = 200

        init(chain: ValidationReport.Chain, anchor: String, limit: Int) {
            self.chain = chain
            self.anchor = anchor
            self.limit = max(24, limit)
            if let start = CloudTrailTime.parse(chain.requestedStart), let end = CloudTrailTime.parse(chain.requestedEnd) {
                // A digest is drawn at the middle of its hour, so one ending up to an hour after the end (read for
                // the logs it lists) lands at most half an hour later; inferred ones reach `expectedThrough`.
                var last = end.addingTimeInterval(1800)
                if let expected = chain.expectedThrough.flatMap(CloudTrailTime.parse), expected > last { last = expected }
                // The same half hour before the start: a digest kept for ending at or after it is drawn there.
                let low = Self.hour(start.addingTimeInterval(-1800)), high = max(Self.hour(last), low)
                firstRequestedHour = Self.hour(start.addingTimeInterval(1800))
                lastRequestedHour = max(Self.hour(end.addingTimeInterval(-1800)), low)
                if high - low + 1 > self.limit {
                    cutFrom = high - low + 1
                    window = (high - self.limit + 1)...high
                } else {
                    window = low...high
                }
            }
        }

        static func hour(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 3600).rounded(.down)) }

        /// The hour a digest covers: the one holding the middle of its hour (it ends at the time in its key).
        static func hour(of digest: ValidationReport.DigestEntry) -> Int? {
            var end = digest.digestEndTime.flatMap(CloudTrailTime.parse)
            if end == nil, let start = digest.digestStartTime.flatMap(CloudTrailTime.parse) { end = start.addingTimeInterval(3600) }
            if end == nil, let key = objectKey(digest.s3URI) { end = DigestObjectKey(key)?.timestamp }
            return end.map { hour($0.addingTimeInterval(-1800)) }
        }

        /// `KEY` of `s3://BUCKET/KEY`.
        static func objectKey(_ uri: String) -> String? {
            guard uri.hasPrefix("s3://") else { return nil }
            let rest = uri.dropFirst(5)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            return String(rest[rest.index(after: slash)...])
        }

        /// Whether a cell may be stored for `hour`: inside the window, or (no window) while under the limit.
        private func accepts(_ hour: Int) -> Bool {
            if let window { return window.contains(hour) }
            return cells[hour] != nil || cells.count < limit
        }

        mutating func add(digest: ValidationReport.DigestEntry, findingID: String?) {
            counts.add(digest.status)
            guard let hour = Self.hour(of: digest), accepts(hour) else {
                notDrawn += 1
                lastDigestHour = nil
                return
            }
            lastDigestHour = hour
            var cell = cells[hour] ?? Cell()
            // A digest in an hour drawn as gap (its edge hours) replaces the gap: the digest is what is there.
            if cell.state == .gap { cell = Cell() }
            let state = State(digest.status)
            if state >= cell.state {
                if findingID != nil { cell.link = findingID }
                cell.inferred = digest.inferred == true && state == .missing
                cell.state = state
            }
            // One line per digest in the hour, at most two: the tooltip is for orientation, the row has the rest.
            if cell.titles.count < 2 {
                cell.titles.append("\(digest.status.rawValue)\(digest.reason.map { " (\($0.rawValue))" } ?? ""): \(digest.s3URI)")
            }
            cells[hour] = cell
        }

        /// A log finding of the digest just added: its cell gets a mark, and a link when it has none.
        mutating func addLogFinding(id: String) {
            guard let hour = lastDigestHour, var cell = cells[hour] else { return }
            cell.logFindings += 1
            if cell.link == nil { cell.link = id }
            cells[hour] = cell
        }

        mutating func add(gap: ValidationReport.Gap, id: String) {
            guard let start = CloudTrailTime.parse(gap.start), let end = CloudTrailTime.parse(gap.end) else { return }
            var low = Self.hour(start), high = Self.hour(end)
            if let window {
                low = max(low, window.lowerBound)
                high = min(high, window.upperBound)
            } else {
                high = min(high, low + limit - 1)
            }
            guard low <= high else { return }
            for hour in low...high where accepts(hour) {
                var cell = cells[hour] ?? Cell()
                if cell.state == .none {
                    cell.state = .gap
                    cell.link = id
                    cell.titles = ["in a gap: \(gap.start) to \(gap.end)"]
                }
                cells[hour] = cell
            }
        }

        // MARK: Drawing

        static let cellSize = 15
        static let pitch = 16
        static let labelWidth = 92
        static let headerHeight = 18

        /// The grid: days as rows, labelled; UTC hours as columns. Runs of plain cells are one rect each, so a
        /// long clean chain stays small; cells with findings are links to their rows, with a letter for print.
        ///
        /// `detailed` is the page's budget of such linked cells (each costs a few hundred bytes): once it is spent,
        /// finding cells are drawn in their colour only, so a bucket with findings in every hour of many chains
        /// still gives a page of bounded size. The rows are still listed (up to their own cap).
        func svg(detailed: inout Int) -> HTML {
            let drawn: ClosedRange<Int>
            if let window {
                // The window reaches half an hour past the requested end for digests read beyond it; without any,
                // that hour would show as a digest-less hour that nothing was due in.
                let last = min(window.upperBound, max(lastRequestedHour ?? window.upperBound, cells.keys.max() ?? window.lowerBound))
                let first = max(window.lowerBound, min(firstRequestedHour ?? window.lowerBound, cells.keys.min() ?? window.upperBound))
                drawn = min(first, last)...last
            } else if let low = cells.keys.min(), let high = cells.keys.max() {
                drawn = low...high
            } else {
                return "<p class=\"muted\">No digest of this chain could be placed in time.</p>"
            }
            let firstDay = Int((Double(drawn.lowerBound) / 24).rounded(.down))
            let lastDay = Int((Double(drawn.upperBound) / 24).rounded(.down))
            let days = lastDay - firstDay + 1
            let width = Self.labelWidth + 24 * Self.pitch
            let height = Self.headerHeight + days * Self.pitch
            var svg: HTML = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width * 3 / 2)\" height=\"\(height * 3 / 2)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\("Hourly digests of " + chain.id)\">"
            for hour in stride(from: 0, to: 24, by: 3) {
                svg += "<text class=\"hl\" x=\"\(Self.labelWidth + hour * Self.pitch)\" y=\"13\">\(String(format: "%02d", hour))</text>"
            }
            for day in firstDay...lastDay {
                let y = Self.headerHeight + (day - firstDay) * Self.pitch
                let date = CloudTrailTime.display(Date(timeIntervalSince1970: Double(day) * 86400))
                svg += "<text class=\"dl\" x=\"0\" y=\"\(y + 12)\">\(String(date.prefix(10)))</text>"
                var hour = 0
                while hour < 24 {
                    let absolute = day * 24 + hour
                    guard drawn.contains(absolute) else { hour += 1; continue }
                    let cell = cells[absolute] ?? Cell()
                    let x = Self.labelWidth + hour * Self.pitch
                    func plain(_ cell: Cell) -> Bool { detailed <= 0 || (cell.link == nil && cell.logFindings == 0 && !cell.inferred) }
                    if plain(cell) {
                        // A run of plain cells of one state: one rect.
                        var run = 1
                        while hour + run < 24, drawn.contains(absolute + run) {
                            let next = cells[absolute + run] ?? Cell()
                            guard next.state == cell.state, plain(next) else { break }
                            run += 1
                        }
                        let title: HTML = run == 1 ? "<title>\(Self.hourText(absolute)) \(Self.stateName(cell.state, backfill: chain.backfill))</title>" : .empty
                        svg += "<rect class=\"\(Self.stateClass(cell.state, backfill: chain.backfill))\" x=\"\(x)\" y=\"\(y)\" width=\"\(run * Self.pitch - 1)\" height=\"\(Self.cellSize)\">\(title)</rect>"
                        hour += run
                        continue
                    }
                    detailed -= 1
                    var title = "\(Self.hourText(absolute)) \(Self.stateName(cell.state, backfill: chain.backfill))"
                    if cell.inferred { title += " (inferred)" }
                    for line in cell.titles { title += "\n" + line }
                    if cell.logFindings > 0 { title += "\n\(cell.logFindings) log file finding(s)" }
                    var body: HTML = "<rect class=\"\(Self.stateClass(cell.state, backfill: chain.backfill))\(cell.inferred ? " inferred" : "")\" x=\"\(x)\" y=\"\(y)\" width=\"\(Self.cellSize)\" height=\"\(Self.cellSize)\"/>"
                    if let letter = Self.letter(cell.state) {
                        body += "<text class=\"cl\" x=\"\(x + 7)\" y=\"\(y + 12)\">\(letter)</text>"
                    }
                    if cell.logFindings > 0 {
                        body += "<circle class=\"lf\" cx=\"\(x + 12)\" cy=\"\(y + 3)\" r=\"2.5\"/>"
                    }
                    body += "<title>\(title)</title>"
                    if let link = cell.link {
                        svg += "<a href=\"\("#" + link)\">\(body)</a>"
                    } else {
                        svg += "<g>\(body)</g>"
                    }
                    hour += 1
                }
            }
            svg += "</svg>"
            return svg
        }

        static func hourText(_ hour: Int) -> String {
            String(CloudTrailTime.display(Date(timeIntervalSince1970: Double(hour) * 3600)).prefix(13)) + ":00Z"
        }

        static func stateClass(_ state: State, backfill: Bool) -> String {
            switch state {
            case .none: return "s-none"
            case .gap: return "s-gap"
            case .valid: return backfill ? "s-backfill" : "s-valid"
            case .unverified: return "s-unverified"
            case .missing: return "s-missing"
            case .invalid: return "s-invalid"
            }
        }

        static func stateName(_ state: State, backfill: Bool) -> String {
            switch state {
            case .none: return "no digest"
            case .gap: return "in a gap"
            case .valid: return backfill ? "valid (backfill)" : "valid"
            case .unverified: return "unverified"
            case .missing: return "missing"
            case .invalid: return "invalid"
            }
        }

        /// A letter on finding cells, so the grid still reads in black and white.
        static func letter(_ state: State) -> String? {
            switch state {
            case .invalid: return "I"
            case .missing: return "M"
            case .unverified: return "U"
            case .none, .gap, .valid: return nil
            }
        }

        /// What the page says under the grid about hours it does not show.
        func caveats() -> [String] {
            var lines: [String] = []
            if let cutFrom, let window {
                lines.append("The chain's range has \(cutFrom) hours; only the newest \(window.count) (\(limit / 24) days) are drawn. Every finding is still listed below.")
            }
            if notDrawn > 0 {
                lines.append("\(notDrawn) digest(s) had no time inside the drawn hours and are not drawn; they are listed with the findings.")
            }
            return lines
        }
    }
}
