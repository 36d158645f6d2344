package io.drover.loadtest;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;

/** What the benchmarks share: their command lines and their AWS SDK client. */
final class Bench {

  private Bench() {}

  /** {@code --name value} pairs; anything else is answered with {@code usage}. */
  static Map<String, String> options(String[] args, String usage) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(usage);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  /** A Batch client for a Drover at {@code endpoint} (any credentials will do). */
  static BatchClient client(String endpoint) {
    return BatchClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }
}
