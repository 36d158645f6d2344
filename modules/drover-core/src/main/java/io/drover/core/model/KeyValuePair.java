package io.drover.core.model;

/** AWS Batch's {@code KeyValuePair}, used for container environment variables. */
public record KeyValuePair(String name, String value) {}
