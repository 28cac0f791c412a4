import Foundation
import Observation

/// The app's one store and where it stands: not set up, locked, unlocked or
/// erased. Screens reach the store through `perform`, which runs the call off
/// the main actor and moves the app to the unlock screen when the core says
/// the store locked itself (idle time) or to the erased screen when it was
/// wiped.
@MainActor
@Observable
public final class AppModel {
    public enum Phase: Equatable, Sendable {
        case starting
        /// No store yet: enroll with a code, or set up a device of its own.
        case setup
        case locked
        case unlocked
        /// Crypto-erased (wrong PINs, a wipe order, too long away from the hub).
        case erased
        /// The store exists but cannot be opened (damaged, key store failure).
        case failed(CoreError)
    }

    public private(set) var phase: Phase = .starting
    public private(set) var identity: DeviceIdentity?
    public private(set) var language: Language
    public private(set) var forms: FormCatalog
    /// How long this device has been away from its hub (`nil`: never linked
    /// to one). The core erases the store at the limit; from a week before,
    /// `warn` asks the screens to say so.
    public private(set) var offline: OfflineStatus?
    /// Quick-hide: the store is locked and a neutral screen is drawn until
    /// the person taps it, so a phone can be handed over at once.
    public private(set) var hidden = false

    @ObservationIgnored public private(set) var store: FieldbookStore?
    /// Called when an unlock left a different store in place (the duress
    /// PIN): whatever the screens kept of the old one must go with it.
    @ObservationIgnored public var onStoreReplaced: (@MainActor () -> Void)?
    public let location: StoreLocation
    public let keyStore: PlatformKeyStore

    public init(location: StoreLocation, keyStore: PlatformKeyStore, language: Language = .preferred()) {
        self.location = location
        self.keyStore = keyStore
        self.language = language
        self.forms = FormCatalog(language: language)
    }

    public var role: Role? { identity?.role }
    public var isSupervisor: Bool { identity?.role == .supervisor }

    /// Opens the store if there is one (locked). Safe to call again: a
    /// background launch and the first scene may both ask.
    public func startIfNeeded() async {
        guard phase == .starting else { return }
        let location = location, keyStore = keyStore, language = language
        do {
            try location.prepare()
            let store = try await Background.run {
                try FieldbookStore.open(dataDir: location.directory.path, keyStore: keyStore, language: language)
            }
            self.store = store
            identity = await Background.value { store.identity() }
            await refreshOfflineStatus()
            let locked = await Background.value { store.isLocked() }
            phase = locked ? .locked : .unlocked
        } catch FieldbookError.NoStore {
            phase = .setup
        } catch FieldbookError.Erased {
            phase = .erased
        } catch {
            phase = .failed(CoreError(error))
        }
    }

    /// A store just created, enrolled or unlocked: show the app.
    public func adopt(_ store: FieldbookStore) async {
        self.store = store
        let before = identity
        identity = await Background.value { store.identity() }
        if let before, before.deviceId != identity?.deviceId {
            onStoreReplaced?()
        }
        await refreshOfflineStatus()
        phase = .unlocked
        await reloadForms()
    }

    /// Reads the store's forms again (after an unlock, a sync or a change of
    /// language): a sync may have brought one the team's supervisor
    /// published. The built-in forms while the store cannot be read.
    public func reloadForms() async {
        let language = language
        guard let store else {
            forms = FormCatalog(language: language)
            return
        }
        let specs = try? await Background.run { try store.forms(language: language) }
        forms = specs.map { FormCatalog(language: language, specs: $0) } ?? FormCatalog(language: language)
    }

    /// Reads the offline time again (after a sync, or when the app opens).
    /// Works while locked: the unlock screen shows the warning too.
    public func refreshOfflineStatus() async {
        guard let store else { return }
        offline = try? await Background.run { try store.offlineStatus() }
    }

    /// Locks now and shows a neutral screen: one tap on a checkpoint. The
    /// app counts as locked the moment the cover shows, before the core's
    /// lock (which may wait for a call in flight): a tap on the cover brings
    /// back the unlock screen, never the records.
    public func quickHide() async {
        hidden = true
        if phase == .unlocked { phase = .locked }
        await lock()
    }

    /// The person tapped the neutral screen: the unlock screen comes back.
    public func reveal() {
        hidden = false
    }

    /// Forgets every key now. Waits (off the main actor) for a call in
    /// flight, such as a sync being cancelled, to let go of the store.
    public func lock() async {
        guard let store else { return }
        await Background.value { store.lock() }
        if phase == .unlocked { phase = .locked }
    }

    /// Applies the core's idle auto-lock while the screen sits untouched
    /// (the core only checks when asked).
    public func checkAutoLock() async {
        guard let store, phase == .unlocked else { return }
        let locked = await Background.value { store.isLocked() }
        if locked, phase == .unlocked { phase = .locked }
    }

    public func markErased() {
        store = nil
        identity = nil
        phase = .erased
    }

    /// After an erase: remove what is left and go back to setting up.
    public func setUpAgain() throws {
        store = nil
        identity = nil
        try location.removeErasedStore()
        try location.prepare()
        phase = .setup
    }

    public func setLanguage(_ language: Language) {
        self.language = language
        forms = FormCatalog(language: language)
        store?.setLanguage(language: language)
        Task { await reloadForms() }
    }

    /// The kinds this device's role may write, for "new record" menus (a
    /// peer leader writes no case notes); the core checks writes anyway.
    public func writableKinds() async -> [RecordKind] {
        let kinds: [RecordKind] = [.contact, .caseNote, .referral, .meeting]
        return (try? await perform { store in kinds.filter { store.mayWrite(kind: $0) } }) ?? []
    }

    /// Runs a store call off the main actor. Errors are rethrown as the core
    /// gave them (a form needs the fields of `Invalid`, the id of
    /// `DuplicateClient`), after a locked or erased store moved the app on.
    public func perform<T>(
        qos: DispatchQoS.QoSClass = .userInitiated,
        _ work: @escaping @Sendable (FieldbookStore) throws -> T
    ) async throws -> T {
        guard let store, phase == .unlocked else {
            throw FieldbookError.Locked(detail: "")
        }
        do {
            return try await Background.run(qos: qos) { try work(store) }
        } catch {
            route(error)
            throw error
        }
    }

    /// Moves the app to the unlock or erased screen when an error says so.
    public func route(_ error: Error) {
        switch error as? FieldbookError {
        case .Locked?:
            if phase == .unlocked { phase = .locked }
        case .Erased?:
            markErased()
        default:
            break
        }
    }
}
