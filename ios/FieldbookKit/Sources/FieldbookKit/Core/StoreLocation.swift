import Foundation

/// Where the encrypted store lives: a folder of Application Support that
/// is never backed up (the data must not leave the phone except through the
/// team's end-to-end encrypted sync) and is readable only while the phone is
/// unlocked (complete data protection, also set for the whole app by its
/// entitlement).
public struct StoreLocation: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `Application Support/Fieldbook/store`.
    public static func applicationSupport(fileManager: FileManager = .default) throws -> StoreLocation {
        let base = try fileManager.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true
        )
        return StoreLocation(directory: base.appendingPathComponent("Fieldbook/store", isDirectory: true))
    }

    /// Creates the folder if needed and (re)applies backup exclusion and file
    /// protection: cheap, and restores them if something reset the folder.
    public func prepare(fileManager: FileManager = .default) throws {
        var attributes: [FileAttributeKey: Any] = [:]
        #if os(iOS)
        attributes[.protectionKey] = FileProtectionType.complete
        #endif
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: attributes)
        #if os(iOS)
        try fileManager.setAttributes(attributes, ofItemAtPath: directory.path)
        #endif
        // Excluding the folder excludes everything in it, including the
        // SQLite write-ahead log the core creates later.
        var folder = directory
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try folder.setResourceValues(values)
    }

    /// Removes what is left of a crypto-erased store, so a new one can be set
    /// up. Its contents were already destroyed by the core; this only frees
    /// the name.
    public func removeErasedStore(fileManager: FileManager = .default) throws {
        if fileManager.fileExists(atPath: directory.path) {
            try fileManager.removeItem(at: directory)
        }
    }
}
