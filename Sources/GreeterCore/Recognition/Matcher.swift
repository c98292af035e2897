import Dispatch

/// Open-set nearest-neighbour search over the gallery's templates (several per person are fine: a person's
/// distance is that of their closest template). Negative templates (corrections: faces that are not that
/// person) are not searched; they only veto their person for a face nearer to them than to the person.
public struct Matcher: Sendable {
    public struct Settings: Sendable, Equatable {
        /// L2 distance above which a face is nobody we know.
        public var threshold: Float
        /// The best person must be closer than the second-best person by at least this much.
        public var ambiguityMargin: Float
        /// L2 distance within which a synthetic template (a masked version of an enrolment photo) accepts a face.
        /// Stricter than `threshold`: masked faces are closer to everybody's masked templates, strangers' too
        /// (`eval masked` measures where strangers start to get in).
        public var syntheticThreshold: Float

        public init(threshold: Float = Float(FaceEmbedder.calibration.threshold.value),
                    ambiguityMargin: Float = Float(FaceEmbedder.calibration.ambiguityMargin.value),
                    syntheticThreshold: Float = Float(FaceEmbedder.calibration.maskedThreshold.value)) {
            self.threshold = threshold; self.ambiguityMargin = ambiguityMargin; self.syntheticThreshold = syntheticThreshold
        }

        /// The threshold that applies to a template of this kind.
        public func threshold(forKind kind: String) -> Float {
            Template.isSynthetic(kind: kind) ? min(syntheticThreshold, threshold) : threshold
        }
    }

    public struct Candidate: Sendable, Equatable, Codable {
        public let name: String
        public let distance: Float
        /// The kind of template that matched ("photo", "mask:surgical-blue", ...).
        public let template: String
    }

    public enum Verdict: String, Sendable, Codable {
        case known, unknown, ambiguous
    }

    public struct Match: Sendable, Equatable, Codable {
        public let verdict: Verdict
        public let best: Candidate?
        /// The closest template of any other person.
        public let second: Candidate?
        /// Why a face near enough to `best` is still not named: nearer to one of their negatives.
        public var reason: String? = nil
        /// The recognised name: set only when the verdict is `known`.
        public var name: String? { verdict == .known ? best?.name : nil }
    }

    public let names: [String]
    private let personOfTemplate: [Int32]
    /// Template rows of each person, in `names` order.
    private let rowsOfPerson: [[Int]]
    private let personOfName: [String: Int32]
    private let kinds: [String]
    /// Row-major templates × dimension, unit vectors.
    private let matrix: [Float]
    /// Negative templates of each person, in `names` order.
    private let negativesOfPerson: [[[Float]]]
    public let dimension: Int

    public var templateCount: Int { personOfTemplate.count }

    public init(templates: [(name: String, kind: String, embedding: [Float])], dimension: Int = FaceEmbedder.dimension) {
        var index: [String: Int32] = [:]
        var names: [String] = []
        var owner: [Int32] = []
        var matrix: [Float] = []
        var negatives: [String: [[Float]]] = [:]
        matrix.reserveCapacity(templates.count * dimension)
        for template in templates {
            precondition(template.embedding.count == dimension, "a template of \(template.embedding.count) values")
            if Template.isNegative(kind: template.kind) {
                negatives[template.name, default: []].append(template.embedding)
                continue
            }
            let person = index[template.name] ?? {
                names.append(template.name)
                index[template.name] = Int32(names.count - 1)
                return Int32(names.count - 1)
            }()
            owner.append(person)
            matrix += template.embedding
        }
        self.names = names
        self.personOfTemplate = owner
        self.personOfName = index
        var rows = [[Int]](repeating: [], count: names.count)
        for (row, person) in owner.enumerated() { rows[Int(person)].append(row) }
        self.rowsOfPerson = rows
        self.kinds = templates.map(\.kind).filter { !Template.isNegative(kind: $0) }
        self.matrix = matrix
        self.negativesOfPerson = names.map { negatives[$0] ?? [] }
        self.dimension = dimension
    }

    /// The nearest person decides who it may be; they are accepted when any of their templates is within the
    /// threshold for its kind, the face is not nearer to one of their negatives, and the next person is not
    /// about as close.
    public func match(_ embedding: [Float], settings: Settings) -> Match {
        let (best, second) = nearestTwoPeople(embedding)
        guard let best else { return Match(verdict: .unknown, best: nil, second: nil) }
        let verdict: Verdict
        if !accepts(embedding, person: best.name, settings: settings) {
            verdict = .unknown
        } else if let negative = nearestNegative(embedding, of: best.name), negative < best.distance {
            return Match(verdict: .unknown, best: best, second: second, reason: String(
                format: "nearer to a face corrected as not %@ (%.3f) than to %@ (%.3f)",
                best.name, negative, best.name, best.distance))
        } else if let second, second.distance - best.distance < settings.ambiguityMargin {
            verdict = .ambiguous
        } else {
            verdict = .known
        }
        return Match(verdict: verdict, best: best, second: second)
    }

    private func accepts(_ query: [Float], person name: String, settings: Settings) -> Bool {
        guard let person = personOfName[name] else { return false }
        return matrix.withUnsafeBufferPointer { rows in
            query.withUnsafeBufferPointer { q in
                rowsOfPerson[Int(person)].contains { row in
                    max(0, 2 - 2 * dot(rows, row: row, q)).squareRoot() <= settings.threshold(forKind: kinds[row])
                }
            }
        }
    }

    /// The distance to the person's closest negative template; nil when they have none.
    public func nearestNegative(_ query: [Float], of name: String) -> Float? {
        guard let person = personOfName[name] else { return nil }
        return negativesOfPerson[Int(person)].map { l2Distance(query, $0) }.min()
    }

    /// The closest template, and the closest template of a different person.
    func nearestTwoPeople(_ query: [Float]) -> (Candidate?, Candidate?) {
        let count = templateCount
        guard count > 0 else { return (nil, nil) }
        // Unit vectors: |a − b|² = 2 − 2 a·b, so the search is a scan for the largest dot products. Above a few
        // thousand templates the scan is split over the cores (it is memory-bound at 100,000: 200 MB a query).
        let chunks = count >= 8192 ? 2 : 1
        let partial = UnsafeMutableBufferPointer<Best>.allocate(capacity: chunks)
        defer { partial.deallocate() }
        matrix.withUnsafeBufferPointer { rows in
            query.withUnsafeBufferPointer { q in
                // Each chunk reads shared rows and writes only its own slot of `partial`.
                nonisolated(unsafe) let (rows, q, partial) = (rows, q, partial)
                let scan: @Sendable (Int) -> Void = { chunk in
                    let range = (chunk * count / chunks)..<((chunk + 1) * count / chunks)
                    partial[chunk] = self.scanRows(rows, q, range)
                }
                if chunks == 1 { scan(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: scan) }
            }
        }
        var total = Best()
        for chunk in partial { total.merge(chunk) { personOfTemplate[$0] } }
        func candidate(_ entry: (dot: Float, row: Int)) -> Candidate? {
            guard entry.row >= 0 else { return nil }
            return Candidate(name: names[Int(personOfTemplate[entry.row])],
                             distance: max(0, 2 - 2 * entry.dot).squareRoot(), template: kinds[entry.row])
        }
        return (candidate(total.first), candidate(total.second))
    }

    /// The two best rows belonging to two different people, by dot product.
    private struct Best {
        var first: (dot: Float, row: Int) = (-.infinity, -1)
        var second: (dot: Float, row: Int) = (-.infinity, -1)
        var firstPerson: Int32 = -1

        mutating func offer(_ dot: Float, row: Int, person: Int32) {
            if dot > first.dot {
                if person != firstPerson { second = first }
                first = (dot, row)
                firstPerson = person
            } else if dot > second.dot, person != firstPerson {
                second = (dot, row)
            }
        }

        mutating func merge(_ other: Best, owner: (Int) -> Int32) {
            if other.first.row >= 0 { offer(other.first.dot, row: other.first.row, person: owner(other.first.row)) }
            if other.second.row >= 0 { offer(other.second.dot, row: other.second.row, person: owner(other.second.row)) }
        }
    }

    private func scanRows(_ rows: UnsafeBufferPointer<Float>, _ query: UnsafeBufferPointer<Float>,
                          _ range: Range<Int>) -> Best {
        var best = Best()
        for row in range { best.offer(dot(rows, row: row, query), row: row, person: personOfTemplate[row]) }
        return best
    }

    private func dot(_ rows: UnsafeBufferPointer<Float>, row: Int, _ query: UnsafeBufferPointer<Float>) -> Float {
        let d = dimension
        let base = rows.baseAddress! + row * d
        guard d % 16 == 0 else { return (0..<d).reduce(0) { $0 + base[$1] * query[$1] } }
        var sum = SIMD16<Float>()
        var i = 0
        while i < d {
            let a = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(query.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
            sum += a * b
            i += 16
        }
        return sum.sum()
    }
}
