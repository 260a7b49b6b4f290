/// Every log location the digests list, kept in a fixed amount of memory however many there are.
///
/// The coverage check asks, folder by folder, which of a folder's files some digest
/// listed. So locations are remembered as two 64-bit hashes, the folder's and the
/// key's, and kept sorted by folder. Up to ``budget`` of them stay in memory; beyond
/// that the sorted records are written to an anonymous scratch file as a run, with an
/// index from folder to where its records lie in that run. Asking about one folder then
/// reads only that folder's records.
///
/// Hashes are seeded per process and 64 bits wide: for a bucket of a billion logs the
/// chance that an unlisted log shares both hashes with a listed one is about 10^-10.
final class ListedLogIndex {
    struct Record: Comparable, Hashable {
        var folder: UInt64
        var file: UInt64

        static func < (lhs: Record, rhs: Record) -> Bool {
            (lhs.folder, lhs.file) < (rhs.folder, rhs.file)
        }
    }

    /// One sorted run in the scratch file, and where each of its folders' records lie.
    private struct Run {
        var offset: Int64
        var folders: [UInt64: Range<Int>]
    }

    /// Records kept in memory before a run is written out.
    let budget: Int
    /// In memory: `records[..<sortedCount]` is sorted, the rest is in insertion order.
    private var records: [Record] = []
    private var sortedCount = 0
    private var runs: [Run] = []
    private var spill: SpillFile?
    /// Why spilling stopped working: records then stay in memory (correct, only larger).
    private(set) var spillProblem: String?

    /// 2^19 records: 8 MiB.
    static let defaultBudget = 1 << 19

    init(budget: Int = ListedLogIndex.defaultBudget) {
        self.budget = max(1, budget)
    }

    /// How many runs were written to the scratch file.
    var runCount: Int { runs.count }

    static func record(_ location: S3Location) -> Record {
        Record(folder: folderHash(bucket: location.bucket, folder: folder(of: location.key)), file: fileHash(location))
    }

    /// The key half of a record: what ``files(bucket:folder:)`` returns for a listed location.
    static func fileHash(_ location: S3Location) -> UInt64 {
        UInt64(bitPattern: Int64(S3Location.fingerprint(location)))
    }

    /// The key up to its last `/` (empty for a key with none).
    static func folder(of key: String) -> Substring {
        guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return key[..<slash]
    }

    /// By bytes, like every hash of object names (``ByteWise``).
    static func folderHash(bucket: String, folder: Substring) -> UInt64 {
        var hasher = Hasher()
        ByteWise.hash(bucket, into: &hasher)
        ByteWise.hash(String(folder), into: &hasher)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    func insert(_ location: S3Location) {
        // The whole budget at once, the first time: growing by doubling would copy, and briefly hold, 1.5 times it.
        if records.capacity == 0 { records.reserveCapacity(budget) }
        records.append(Self.record(location))
        if records.count >= budget, spillProblem == nil {
            spillRecords()
        }
    }

    /// Whether some digest listed `location`.
    func contains(_ location: S3Location) throws(CloudTrailVerifyError) -> Bool {
        let record = Self.record(location)
        if containsInMemory(record) { return true }
        for run in runs {
            guard let range = run.folders[record.folder] else { continue }
            if try read(run, range).contains(record) { return true }
        }
        return false
    }

    /// The key hashes of every listed location in one folder of `bucket`.
    func files(bucket: String, folder: Substring) throws(CloudTrailVerifyError) -> Set<UInt64> {
        let hash = Self.folderHash(bucket: bucket, folder: folder)
        sortRecords()
        var found: Set<UInt64> = []
        var index = records.partitioningIndex { !($0 < Record(folder: hash, file: 0)) }
        while index < records.count, records[index].folder == hash {
            found.insert(records[index].file)
            index += 1
        }
        for run in runs {
            guard let range = run.folders[hash] else { continue }
            for record in try read(run, range) { found.insert(record.file) }
        }
        return found
    }

    /// Sorts what is in memory, after which ``contains(_:)`` and ``files(bucket:folder:)`` only read (the scratch
    /// file with `pread`): several threads may ask at once, as long as nothing is inserted meanwhile.
    func prepareForConcurrentReads() {
        sortRecords()
    }

    private func containsInMemory(_ record: Record) -> Bool {
        // The unsorted tail stays short: sorting again once it grows keeps lookups logarithmic.
        if records.count - sortedCount > 1024 { sortRecords() }
        let index = records[..<sortedCount].partitioningIndex { !($0 < record) }
        if index < sortedCount, records[index] == record { return true }
        return records[sortedCount...].contains(record)
    }

    private func sortRecords() {
        guard sortedCount < records.count else { return }
        records.sort()
        sortedCount = records.count
    }

    private func spillRecords() {
        sortRecords()
        do throws(SpillFile.Failure) {
            let file: SpillFile
            if let spill { file = spill } else { file = try SpillFile() }
            spill = file
            var folders: [UInt64: Range<Int>] = [:]
            var start = 0
            while start < records.count {
                var end = start + 1
                while end < records.count, records[end].folder == records[start].folder { end += 1 }
                folders[records[start].folder] = start..<end
                start = end
            }
            let offset = file.size
            var problem: SpillFile.Failure?
            records.withUnsafeBytes { bytes in
                do throws(SpillFile.Failure) { try file.append(bytes) } catch { problem = error }
            }
            if let problem { throw problem }
            runs.append(Run(offset: offset, folders: folders))
            records.removeAll(keepingCapacity: true)
            sortedCount = 0
        } catch {
            spillProblem = error.message
        }
    }

    private func read(_ run: Run, _ range: Range<Int>) throws(CloudTrailVerifyError) -> [Record] {
        var result = [Record](repeating: Record(folder: 0, file: 0), count: range.count)
        let stride = MemoryLayout<Record>.stride
        do throws(SpillFile.Failure) {
            var problem: SpillFile.Failure?
            result.withUnsafeMutableBytes { bytes in
                do throws(SpillFile.Failure) { try spill!.read(at: run.offset + Int64(range.lowerBound * stride), into: bytes) } catch { problem = error }
            }
            if let problem { throw problem }
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "the listed-log scratch file cannot be read back (\(error.message))",
                                        path: "TMPDIR")
        }
        return result
    }
}
