package io.drover.core.model;

/** Lifecycle status of a job queue or compute environment, as AWS Batch reports it. */
public enum ObjectStatus {
  CREATING,
  UPDATING,
  DELETING,
  DELETED,
  VALID,
  INVALID
}
