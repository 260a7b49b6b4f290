import Foundation

/// Unbuffered writes to standard output and standard error, so the two interleave
/// in the order they were made (as the AWS CLI's lines do on a terminal).
enum StandardStreams {
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
