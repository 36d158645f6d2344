package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import java.util.List;

/** AWS Batch's {@code RetryStrategy}: up to {@code attempts} attempts (1-10), steered by rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryStrategy(Integer attempts, List<EvaluateOnExit> evaluateOnExit) implements CborSerializable {}
