package org.fieldbook.ui.navigation

import org.fieldbook.ffi.RecordKind

/** Every place in the unlocked app, with what it needs to open. */
sealed interface Route {
    data object Today : Route
    data object Clients : Route
    data object Referrals : Route
    data object Meetings : Route
    data object Sync : Route

    /** The supervisor's hub on a phone: indicators, overdue, devices, export. */
    data object Team : Route
    data object Overdue : Route
    data object Devices : Route

    /** The team's signed security policy: signed here by a supervisor, read by every device. */
    data object TeamPolicy : Route

    /** The team's forms: versions, and XLSForm workbooks out and in (signed and published); where files can be picked. */
    data object TeamForms : Route
    data object Export : Route

    /** Set, change or remove the duress PIN; opened from the sync screen. */
    data object DuressPin : Route

    /** Check this device's stored data and repair it; opened from the sync screen. */
    data object StoreCheck : Route
    /** The team's figures, or one worker's ([workerLabel] names them on screen). */
    data class Indicators(val worker: String? = null, val workerLabel: String? = null) : Route
    data class Timeline(val clientId: String) : Route

    /** A new record ([recordId] null), or an edit; [clientId] links a new record to a client. */
    data class Form(val kind: RecordKind, val recordId: String? = null, val clientId: String? = null) : Route

    /**
     * Whether a laptop window shows this route as a list with its detail
     * beside it (the detail is whatever was opened from the list).
     */
    val hasDetailPane: Boolean
        get() = this == Today || this == Clients || this == Referrals || this == Meetings || this == Overdue
}
