package org.fieldbook.desktop.ui

import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.runDesktopComposeUiTest
import org.fieldbook.ui.FieldbookApp
import org.fieldbook.ui.FieldbookTheme
import java.io.File
import javax.imageio.ImageIO

/** A phone (a mid-size Android phone, in dp) and the desktop app's window. */
const val PHONE_WIDTH = 412
const val PHONE_HEIGHT = 892
const val LAPTOP_WIDTH = 1280
const val LAPTOP_HEIGHT = 820

/** Long enough for an Argon2id unlock and a sync through the hub on a busy 2-core machine. */
const val SLOW_MS = 60_000L

/**
 * Draws the real app for [computer] in a window of the given size and runs
 * [block] against it. When a step fails, what the screen showed is saved
 * (`-Dfieldbook.failures=DIR`, default the temp folder) and named in the error.
 */
@OptIn(ExperimentalTestApi::class)
fun onScreen(computer: TestComputer, width: Int, height: Int, block: ComposeUiTest.() -> Unit) =
    runDesktopComposeUiTest(width, height) {
        setContent { FieldbookTheme(dark = false) { FieldbookApp(computer.app.services) } }
        try {
            block()
        } catch (e: Throwable) {
            val dir = File(System.getProperty("fieldbook.failures") ?: System.getProperty("java.io.tmpdir")).apply { mkdirs() }
            val file = File(dir, "ui-failure-${System.currentTimeMillis()}.png")
            runCatching { ImageIO.write(captureToImage().toAwtImage(), "png", file) }
            // Where every thread was: a screen that waits forever shows who it waits for.
            runCatching { File(file.path.removeSuffix(".png") + "-threads.txt").writeText(threadDump()) }
            runCatching { File(dir, file.nameWithoutExtension + ".txt").writeText(onRoot().printToString()) }
            throw AssertionError("${e.message} (the screen: $file)", e)
        }
    }

/** What a person reads: the text on screen, or the label a screen reader would say. */
fun labelled(text: String, substring: Boolean = true): SemanticsMatcher =
    hasText(text, substring = substring) or hasContentDescription(text, substring = substring)

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.waitForText(text: String, substring: Boolean = true, timeout: Long = SLOW_MS) {
    waitUntil("'$text' on screen", timeout) { onAllNodes(labelled(text, substring)).fetchSemanticsNodes().isNotEmpty() }
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.waitForTag(tag: String, timeout: Long = SLOW_MS) {
    waitUntil("'$tag' on screen", timeout) { onAllNodesWithTag(tag).fetchSemanticsNodes().isNotEmpty() }
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.gone(text: String, timeout: Long = SLOW_MS) {
    waitUntil("'$text' gone", timeout) { onAllNodes(labelled(text)).fetchSemanticsNodes().isEmpty() }
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.has(text: String): Boolean = onAllNodes(labelled(text)).fetchSemanticsNodes().isNotEmpty()

/** Taps what a person would: the clickable element labelled [text] (exactly, else containing it), scrolled into view. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.tap(text: String) {
    waitForText(text)
    val candidates = listOf(
        labelled(text, substring = false) and hasClickAction(),
        labelled(text) and hasClickAction(),
        labelled(text),
    )
    val matcher = candidates.first { onAllNodes(it).fetchSemanticsNodes().isNotEmpty() }
    onAllNodes(matcher)[0].scrollIfPossible().performClick()
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.tapTag(tag: String) {
    waitForTag(tag)
    onNodeWithTag(tag).scrollIfPossible().performClick()
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.type(tag: String, text: String) {
    waitForTag(tag)
    onNodeWithTag(tag).scrollIfPossible().performTextInput(text)
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.replace(tag: String, text: String) {
    waitForTag(tag)
    onNodeWithTag(tag).scrollIfPossible().performTextReplacement(text)
}

/** Saves the form: its button is the last item of the form's list. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.save() {
    waitForTag("form-list")
    onNodeWithTag("form-list").performScrollToNode(hasTestTag("form-save"))
    onNodeWithTag("form-save").performClick()
}

/** Brings a form field into view: the form is a lazy list, so fields below are drawn only when scrolled to. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.field(key: String): SemanticsNodeInteraction {
    waitForTag("form-list")
    onNodeWithTag("form-list").performScrollToNode(hasTestTag("field-$key"))
    return onNodeWithTag("field-$key")
}

/** Brings a choice of a form field into view and taps it. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.choose(fieldKey: String, choiceLabel: String) {
    field(fieldKey)
    onNode(hasText(choiceLabel) and androidx.compose.ui.test.hasAnyAncestor(hasTestTag("field-$fieldKey"))).scrollIfPossible().performClick()
}

/** A node off screen in a scrolling column is scrolled to; one on screen is left where it is. */
fun SemanticsNodeInteraction.scrollIfPossible(): SemanticsNodeInteraction {
    try {
        assertIsDisplayed()
        return this
    } catch (e: AssertionError) {
        // Off screen: scroll to it below.
    }
    return try {
        performScrollTo()
    } catch (e: AssertionError) {
        this
    }
}

/** Every thread's stack, for a failure report. */
fun threadDump(): String = Thread.getAllStackTraces().entries.joinToString("\n\n") { (thread, stack) ->
    "${thread.name} (${thread.state})\n" + stack.joinToString("\n") { "    at $it" }
}
