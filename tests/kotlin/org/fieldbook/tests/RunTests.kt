package org.fieldbook.tests

import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import kotlin.system.exitProcess

/**
 * Runs the JUnit test classes named on the command line and ends with the
 * plain closing line CI reads: `kotlin: N passed, N failed`.
 */
fun main(args: Array<String>) {
    val classes = args.map { Class.forName(it) }
    require(classes.isNotEmpty()) { "no test classes given" }
    val result = JUnitCore().apply {
        addListener(object : org.junit.runner.notification.RunListener() {
            override fun testFinished(description: org.junit.runner.Description) {
                println("test ${description.className}.${description.methodName} ... done")
            }
            override fun testFailure(failure: Failure) {
                println("FAILED ${failure.description}: ${failure.message}")
                println(failure.trace)
            }
        })
    }.run(*classes.toTypedArray())
    val failed = result.failureCount
    val passed = result.runCount - failed
    println("kotlin: $passed passed, $failed failed" + if (result.ignoreCount > 0) ", ${result.ignoreCount} skipped" else "")
    exitProcess(if (result.wasSuccessful() && result.runCount > 0) 0 else 1)
}
