/// An object in S3: a bucket and a key.
///
/// Equality, hashing and order are by the bytes of the bucket and key, never by Swift's
/// `String` rules (which treat canonically equivalent spellings as equal): S3 keys are byte strings.
struct S3Location: Hashable, Sendable, Comparable, CustomStringConvertible {
    var bucket: String
    var key: String

    init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`, as the AWS CLI prints it.
    var uri: String { "s3://\(bucket)/\(key)" }
    var description: String { uri }

    static func == (lhs: S3Location, rhs: S3Location) -> Bool {
        ByteWise.equal(lhs.bucket, rhs.bucket) && ByteWise.equal(lhs.key, rhs.key)
    }

    func hash(into hasher: inout Hasher) {
        ByteWise.hash(bucket, into: &hasher)
        ByteWise.hash(key, into: &hasher)
    }

    static func < (lhs: S3Location, rhs: S3Location) -> Bool {
        if !ByteWise.equal(lhs.bucket, rhs.bucket) { return ByteWise.less(lhs.bucket, rhs.bucket) }
        return ByteWise.less(lhs.key, rhs.key)
    }

    /// A 64-bit hash of the bytes of `bucket/key`, for sets that must stay small (seeded per process).
    static func fingerprint(_ location: S3Location) -> Int { location.hashValue }
}
