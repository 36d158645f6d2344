package io.drover.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/** AWS Batch {@code JobDependency}: a job id and an optional type, N_TO_N or SEQUENTIAL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDependency(String jobId, String type) implements CborSerializable {}
