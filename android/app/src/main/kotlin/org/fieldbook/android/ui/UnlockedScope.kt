package org.fieldbook.android.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.viewModel

/**
 * Holds the view models of every screen behind the PIN (through the
 * navigation back stack), so they survive a rotation but can all be
 * dropped together when the store locks: no decrypted list outlives the lock.
 */
class UnlockedViewModels : ViewModel(), ViewModelStoreOwner {
    override val viewModelStore = ViewModelStore()

    /** The store locked or erased: every screen's holder and state goes. */
    fun dropAll() = viewModelStore.clear()

    override fun onCleared() = dropAll()
}

@Composable
fun unlockedViewModels(): UnlockedViewModels = viewModel()

/** Gives [content] (the navigation graph) [owner] as its view model store. */
@Composable
fun UnlockedScope(owner: UnlockedViewModels, content: @Composable () -> Unit) {
    CompositionLocalProvider(LocalViewModelStoreOwner provides owner, content = content)
}
