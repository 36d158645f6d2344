package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/** AWS Batch's {@code JobTimeout}: an attempt running longer than this many seconds is stopped. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTimeout(Integer attemptDurationSeconds) implements CborSerializable {}
