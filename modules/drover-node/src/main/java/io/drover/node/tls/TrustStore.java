package io.drover.node.tls;

import java.nio.file.Path;

/** A truststore holding the cluster CA's certificate, and the file with its password. */
public record TrustStore(Path path, Path password) {}
