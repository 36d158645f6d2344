package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code KeyValuesPair}: a ListJobs filter. */
public record KeyValuesPair(String name, List<String> values) {}
