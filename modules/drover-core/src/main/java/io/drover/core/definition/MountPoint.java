package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;

/** AWS Batch's {@code MountPoint}: where a {@link Volume} appears in the container, and whether read-only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountPoint(String sourceVolume, String containerPath, Boolean readOnly) {}
