package io.drover.core;

/**
 * Marker for every message, event and state that crosses the cluster or lands in the journal.
 * Pekko binds it to Jackson CBOR (see drover-protocol's reference.conf); nothing uses Java
 * serialization. Types that implement it follow Pekko's Jackson schema-evolution rules: add
 * optional fields, never rename or retype one, because a rolling upgrade mixes versions.
 */
public interface CborSerializable {}
