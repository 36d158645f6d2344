package io.drover.controller;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON mapper of the HTTP API and the read-side tables. */
public final class Json {

  private Json() {}

  /**
   * Strict on input (an unknown field is an error naming it, so a typo never goes unnoticed; so are
   * a field given twice and anything after the JSON value), quiet on output (absent values are left
   * out, as AWS does). Requests bind to plain records: nothing in them chooses a type.
   */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }

  /**
   * For what Drover stores as JSON (read-side rows): tolerant of fields it does not know, so a node
   * reads rows a newer version wrote during a rolling upgrade.
   */
  public static ObjectMapper storageMapper() {
    return JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }
}
