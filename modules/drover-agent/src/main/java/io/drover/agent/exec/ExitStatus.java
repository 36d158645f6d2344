package io.drover.agent.exec;

/**
 * How an attempt ended.
 *
 * @param exitCode the process's exit code; 128 + signal number when it was killed by a signal
 * @param reason an AWS-style reason when something notable happened (for example
 *     {@code OutOfMemoryError: Container killed due to memory usage}), otherwise {@code null}
 */
public record ExitStatus(int exitCode, String reason) {}
