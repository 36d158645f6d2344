package io.drover.core.users;

import io.drover.core.CborSerializable;

/**
 * A user's access key. The secret is kept only sealed (encrypted under the controllers' master
 * key): the journal, snapshots and every node's copy of the control plane never hold it in clear.
 */
public record AccessKey(String accessKeyId, String userName, String sealedSecret, Status status, long createdAt)
    implements CborSerializable {

  /** As IAM spells it: an Inactive key signs nothing until it is made Active again. */
  public enum Status {
    Active,
    Inactive
  }

  public AccessKey withStatus(Status next) {
    return new AccessKey(accessKeyId, userName, sealedSecret, next, createdAt);
  }
}
