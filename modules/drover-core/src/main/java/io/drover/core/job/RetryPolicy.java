package io.drover.core.job;

import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.RetryStrategy;
import java.util.List;
import java.util.Locale;

/**
 * AWS Batch's retry rules for a failed attempt. With attempts left, the first
 * {@code evaluateOnExit} rule whose conditions all match decides (RETRY or EXIT); when no rule
 * matches, the job is retried. Patterns match exactly, or by prefix when they end in {@code *}.
 */
public final class RetryPolicy {

  private RetryPolicy() {}

  public static boolean shouldRetry(
      RetryStrategy strategy, int attemptsMade, Integer exitCode, String reason, String statusReason) {
    int maxAttempts = strategy == null || strategy.attempts() == null ? 1 : strategy.attempts();
    if (attemptsMade >= maxAttempts) {
      return false;
    }
    List<EvaluateOnExit> rules = strategy.evaluateOnExit() == null ? List.of() : strategy.evaluateOnExit();
    for (EvaluateOnExit rule : rules) {
      if (matches(rule, exitCode, reason, statusReason)) {
        return rule.action().toUpperCase(Locale.ROOT).equals("RETRY");
      }
    }
    return true;
  }

  static boolean matches(EvaluateOnExit rule, Integer exitCode, String reason, String statusReason) {
    return matches(rule.onExitCode(), exitCode == null ? null : exitCode.toString())
        && matches(rule.onReason(), reason)
        && matches(rule.onStatusReason(), statusReason);
  }

  /** A null pattern matches anything; a pattern never matches a missing value. */
  static boolean matches(String pattern, String value) {
    if (pattern == null) {
      return true;
    }
    if (value == null) {
      return false;
    }
    return pattern.endsWith("*") ? value.startsWith(pattern.substring(0, pattern.length() - 1)) : value.equals(pattern);
  }
}
