/// Where to load public keys from, and which region they belong to.
public struct PublicKeySource: Sendable, Hashable {
    /// A key file (list-public-keys JSON, DER or PEM) or a folder of them.
    public var path: String
    /// The region the keys belong to; `nil` to take it from the file or folder names
    /// (`us-east-1.json`, `us-east-1/…`).
    public var region: String?

    /// A key file or folder, bound to `region` when given (otherwise to the region its name says, or to none).
    public init(path: String, region: String? = nil) {
        self.path = path
        self.region = region
    }

    /// Parses `PATH` or `REGION=PATH`, as given to `--public-keys`.
    public init(argument: String) {
        if let equals = argument.firstIndex(of: "="),
           PublicKeyStore.looksLikeRegion(String(argument[..<equals])) {
            self.init(path: String(argument[argument.index(after: equals)...]), region: String(argument[..<equals]))
        } else {
            self.init(path: argument)
        }
    }
}
