package io.drover.core.iam;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.core.iam.SigV4.SignedRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs requests with the AWS SDK for Java v2's own SigV4 signer and turns the result into what
 * Drover's HTTP layer hands to {@link SigV4#verify}, so the verifier is checked against the real thing.
 */
final class SdkSigning {

  static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final String OTHER_ACCESS_KEY_ID = "AKIAI44QH8DHBEXAMPLE";
  static final String OTHER_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
  static final Instant SIGNED_AT = Instant.parse("2025-01-02T03:04:05Z");
  static final Duration SKEW = Duration.ofMinutes(5);

  /** The secrets of the two example keys; any other key is unknown. */
  static final Function<String, Optional<String>> KEYS =
      id -> Optional.ofNullable(Map.of(ACCESS_KEY_ID, SECRET, OTHER_ACCESS_KEY_ID, OTHER_SECRET).get(id));

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private SdkSigning() {}

  /** How to sign: where, which service and key, when, and whether to sign the payload. */
  record Options(AuthLocation location, String service, String accessKeyId, String secret, Instant at,
                 boolean payloadSigning, Duration expiration) {

    static Options header() {
      return new Options(AuthLocation.HEADER, "batch", ACCESS_KEY_ID, SECRET, SIGNED_AT, true, null);
    }

    static Options presigned() {
      return header().withLocation(AuthLocation.QUERY_STRING);
    }

    Options withLocation(AuthLocation value) {
      return new Options(value, service, accessKeyId, secret, at, payloadSigning, expiration);
    }

    Options withService(String value) {
      return new Options(location, value, accessKeyId, secret, at, payloadSigning, expiration);
    }

    Options withKey(String id, String key) {
      return new Options(location, service, id, key, at, payloadSigning, expiration);
    }

    Options withPayloadSigning(boolean value) {
      return new Options(location, service, accessKeyId, secret, at, value, expiration);
    }

    Options withExpiration(Duration value) {
      return new Options(location, service, accessKeyId, secret, at, payloadSigning, value);
    }
  }

  /** A POST of a JSON body to {@code uri}, with a Content-Type header, as the SDK sends Batch calls. */
  static SdkHttpFullRequest post(String uri) {
    return SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create(uri))
        .putHeader("Content-Type", "application/json")
        .build();
  }

  static SdkHttpRequest sign(SdkHttpFullRequest request, String body, Options options) {
    return SIGNER.sign(r -> {
      r.request(request)
          .identity(AwsCredentialsIdentity.create(options.accessKeyId(), options.secret()))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, options.service())
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
          .putProperty(AwsV4HttpSigner.AUTH_LOCATION, options.location())
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, options.payloadSigning())
          .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(options.at(), ZoneOffset.UTC));
      if (body != null) {
        r.payload(ContentStreamProvider.fromUtf8String(body));
      }
      if (options.expiration() != null) {
        r.putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, options.expiration());
      }
    }).request();
  }

  /** What arrives at Drover when the SDK's HTTP client sends {@code signed} with {@code body}. */
  static SignedRequest received(SdkHttpRequest signed, String body) {
    String path = signed.encodedPath().isEmpty() ? "/" : signed.encodedPath();
    return new SignedRequest(signed.method().name(), path, signed.getUri().getRawQuery(), signed.headers(),
        body == null ? null : body.getBytes(UTF_8), "https".equals(signed.protocol()));
  }

  static SignedRequest signAndReceive(SdkHttpFullRequest request, String body, Options options) {
    return received(sign(request, body, options), body);
  }

  static SigV4.Verified verify(SignedRequest request, Instant now) {
    return SigV4.verify(request, KEYS, now, SKEW);
  }

  static SigV4.Verified verify(SignedRequest request) {
    return verify(request, SIGNED_AT);
  }

  // ---- changing one part of a request as it travels

  static SignedRequest withMethod(SignedRequest r, String method) {
    return new SignedRequest(method, r.rawPath(), r.rawQuery(), r.headers(), r.body(), r.secureTransport());
  }

  static SignedRequest withPath(SignedRequest r, String rawPath) {
    return new SignedRequest(r.method(), rawPath, r.rawQuery(), r.headers(), r.body(), r.secureTransport());
  }

  static SignedRequest withQuery(SignedRequest r, String rawQuery) {
    return new SignedRequest(r.method(), r.rawPath(), rawQuery, r.headers(), r.body(), r.secureTransport());
  }

  static SignedRequest withBody(SignedRequest r, String body) {
    return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), r.headers(), body.getBytes(UTF_8), r.secureTransport());
  }

  static SignedRequest withTransport(SignedRequest r, boolean secure) {
    return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), r.headers(), r.body(), secure);
  }

  /** {@code r} with header {@code name} (any case) replaced by {@code values}, or removed when there are none. */
  static SignedRequest withHeader(SignedRequest r, String name, String... values) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().forEach((key, value) -> {
      if (!key.equalsIgnoreCase(name)) {
        headers.put(key, value);
      }
    });
    if (values.length > 0) {
      headers.put(name, List.of(values));
    }
    return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), headers, r.body(), r.secureTransport());
  }

  /** The single value of header {@code name}, in any case. */
  static String header(SignedRequest r, String name) {
    return r.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElseThrow();
  }
}
