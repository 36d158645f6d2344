package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * A retry rule: when the exit code, container reason and status reason match (globs that may end
 * in {@code *}), {@code action} RETRY or EXIT decides what happens to a failed attempt.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluateOnExit(String onStatusReason, String onReason, String onExitCode, String action)
    implements CborSerializable {}
