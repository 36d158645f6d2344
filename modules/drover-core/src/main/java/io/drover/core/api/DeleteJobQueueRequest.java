package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;

/** AWS Batch {@code DeleteJobQueue} request. */
public record DeleteJobQueueRequest(String jobQueue) implements ControlPlaneRequest {}
