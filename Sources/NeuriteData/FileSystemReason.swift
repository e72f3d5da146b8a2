import Foundation
import NeuriteCore

extension FileError {
    /// Why a file-system call failed, in a few words ("permission denied", "no such file or
    /// directory", "a file of that name is in the way"), instead of Foundation's
    /// `Error Domain=NSCocoaErrorDomain Code=…`.
    public static func reason(_ error: Error) -> String {
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
}
