import Foundation

public extension Language {
    /// Vietnamese is the program's first language: English only when the
    /// person's preferred languages put English before Vietnamese.
    static func preferred(_ preferredLanguages: [String] = Locale.preferredLanguages) -> Language {
        for tag in preferredLanguages {
            let code = Locale(identifier: tag).language.languageCode?.identifier ?? tag
            if code == "vi" { return .vietnamese }
            if code == "en" { return .english }
        }
        return .vietnamese
    }
}
