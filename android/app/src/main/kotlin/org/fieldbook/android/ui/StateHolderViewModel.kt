package org.fieldbook.android.ui

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlinx.coroutines.CoroutineScope

/**
 * The thin androidx wrapper around a screen's state holder: it keeps the
 * holder across configuration changes and gives it `viewModelScope`, so
 * its work stops when the screen leaves the back stack. All logic lives in
 * the holders (android/state), which are tested on the JVM.
 */
class StateHolderViewModel<H : Any>(create: (CoroutineScope) -> H) : ViewModel() {
    val holder: H = create(viewModelScope)
}

/** The screen's holder, created once per back-stack entry (or activity). */
@Composable
inline fun <reified H : Any> rememberStateHolder(key: String = "", noinline create: (CoroutineScope) -> H): H {
    val model: StateHolderViewModel<H> = viewModel(key = H::class.java.name + key) { StateHolderViewModel(create) }
    return model.holder
}
