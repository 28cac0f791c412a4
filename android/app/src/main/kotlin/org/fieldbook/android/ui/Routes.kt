package org.fieldbook.android.ui

import android.net.Uri
import org.fieldbook.ffi.RecordKind

/** The navigation graph's routes, and how to build each with its arguments. */
object Routes {
    const val TODAY = "today"
    const val CLIENTS = "clients"
    const val REFERRALS = "referrals"
    const val SYNC = "sync"
    const val TEAM = "team"
    const val DEVICES = "devices"
    const val OVERDUE = "overdue"
    const val TIMELINE = "client/{id}"
    const val FORM = "form/{kind}?id={id}&client={client}"
    const val INDICATORS = "indicators?worker={worker}"

    fun timeline(clientId: String) = "client/${Uri.encode(clientId)}"

    fun form(kind: RecordKind, recordId: String? = null, clientId: String? = null) = buildString {
        append("form/${kind.name}")
        append("?id=${Uri.encode(recordId.orEmpty())}")
        append("&client=${Uri.encode(clientId.orEmpty())}")
    }

    fun indicators(worker: String? = null) = "indicators?worker=${Uri.encode(worker.orEmpty())}"
}
