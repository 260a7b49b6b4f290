/// An object in S3: a bucket and a key.
public struct S3Location: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`, as the AWS CLI prints it.
    public var uri: String { "s3://\(bucket)/\(key)" }
    public var description: String { uri }

    public static func < (lhs: S3Location, rhs: S3Location) -> Bool {
        (lhs.bucket, lhs.key) < (rhs.bucket, rhs.key)
    }
}
