import Foundation

/// A mistake in what the user asked for or gave the tool (a data set that does not fit the
/// model, an index out of range, a file that cannot be written): one line for standard error.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension NeuriteCommand {
    /// Why a file-system call failed, in a few words ("permission denied", "no such directory",
    /// "a file is in the way"), instead of Foundation's `Error Domain=NSCocoaErrorDomain Code=…`.
    static func reason(_ error: Error) -> String {
        let cocoa = error as NSError
        if let posix = (cocoa.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if cocoa.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(cocoa.code))).lowercased() }
        if cocoa.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: cocoa.code) {
            case .fileWriteFileExists: return "a file of that name is in the way"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            default: break
            }
        }
        return cocoa.localizedDescription
    }

    /// Creates `path` and its parents, or throws one line saying why not.
    static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandError("\(path): exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandError("\(path): cannot create the directory: \(reason(error))")
        }
    }
}
