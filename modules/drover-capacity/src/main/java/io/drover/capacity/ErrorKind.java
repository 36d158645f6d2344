package io.drover.capacity;

/** What a refusal means for whoever asked, and so what to do next. */
public enum ErrorKind {
  /**
   * EC2 has none of this type here now (InsufficientInstanceCapacity, InsufficientHostCapacity,
   * SpotMaxPriceTooLow, UnfulfillableCapacity, MaxSpotInstanceCountExceeded, a subnet out of
   * addresses, a type not offered in a zone): try other types or subnets, or again later.
   */
  CAPACITY,
  /** EC2 throttled the call (RequestLimitExceeded, Throttling): call again after the suggested delay. */
  THROTTLED,
  /** An account quota is reached (InstanceLimitExceeded, VcpuLimitExceeded): raise it, or want less. */
  LIMIT,
  /**
   * The compute environment or the controller's permissions are wrong (a subnet, image, launch
   * template or security group that does not exist; an operation the role may not do): calling
   * again changes nothing until an operator fixes what the message says.
   */
  CONFIG,
  /** Anything else (EC2 internal errors, the network): call again later. */
  TRANSIENT
}
