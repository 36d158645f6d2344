package io.drover.core.iam;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verification of AWS Signature Version 4 as the AWS SDKs, the AWS CLI and {@code curl --aws-sigv4}
 * sign requests to a JSON service named {@value #SERVICE}, so that those clients talk to Drover with
 * an access key and nothing else. Both forms are accepted: the {@code Authorization} header and the
 * presigned query string ({@code X-Amz-Algorithm}, {@code X-Amz-Credential}, ...).
 *
 * <p>The canonical request follows AWS's rules for services other than S3, as the SDKs compute it:
 * the path has its dot segments and empty segments removed (as SDK v2 does, an empty path is
 * {@code /}) and each segment is URI-encoded again on top of its wire encoding; the query is
 * decoded, re-encoded per RFC 3986 and sorted; signed headers are lower-cased with their values
 * trimmed, inner whitespace runs collapsed and repeated values joined by {@code ,}; the payload
 * hash is the hex SHA-256 of the body, or {@code UNSIGNED-PAYLOAD} over HTTPS only (declared in
 * {@code x-amz-content-sha256}, or left undeclared by a presigned request as SDKs presign when not
 * signing the payload). {@code host} and the date header ({@code X-Amz-Date}, else {@code Date})
 * must be signed. Any region is accepted, since the signature covers it.
 *
 * <p>Every refusal is an {@link AuthenticationError} in AWS's shape. Its message never holds the
 * secret, the signature Drover expected or the string to sign.
 */
public final class SigV4 {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String SERVICE = "batch";
  public static final String TERMINATOR = "aws4_request";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  /** The longest validity a presigned request may ask for in {@code X-Amz-Expires}, as AWS allows. */
  public static final Duration MAX_PRESIGNED_EXPIRY = Duration.ofDays(7);

  private static final String X_AMZ_ALGORITHM = "X-Amz-Algorithm";
  private static final String X_AMZ_CREDENTIAL = "X-Amz-Credential";
  private static final String X_AMZ_DATE = "X-Amz-Date";
  private static final String X_AMZ_EXPIRES = "X-Amz-Expires";
  private static final String X_AMZ_SIGNED_HEADERS = "X-Amz-SignedHeaders";
  private static final String X_AMZ_SIGNATURE = "X-Amz-Signature";
  private static final List<String> PRESIGNED_REQUIRED =
      List.of(X_AMZ_ALGORITHM, X_AMZ_CREDENTIAL, X_AMZ_DATE, X_AMZ_SIGNED_HEADERS, X_AMZ_SIGNATURE);

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern AMZ_DATE_SHAPE = Pattern.compile("\\d{8}T\\d{6}Z");
  private static final Pattern SCOPE_DATE_SHAPE = Pattern.compile("\\d{8}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern EXPIRES_SHAPE = Pattern.compile("\\d{1,7}");
  private static final Pattern AUTHORIZATION_SEPARATORS = Pattern.compile("[,\\s]+");
  /** One per thread, rather than a provider lookup for each of the five HMACs a request's check computes. */
  private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  });
  private static final HexFormat HEX = HexFormat.of();
  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
  private static final int MAX_ECHO = 64;

  private SigV4() {}

  /**
   * One HTTP request as it arrived.
   *
   * @param method the HTTP method, e.g. {@code POST}
   * @param rawPath the path exactly as on the wire, still percent-encoded; empty means {@code /}
   * @param rawQuery the query exactly as on the wire, without {@code ?}; null or empty when none
   * @param headers every header with all its values, names in any case
   * @param body the body bytes; null means empty. Not copied: the caller must not change it
   * @param secureTransport whether the request came over TLS ({@code UNSIGNED-PAYLOAD} is refused otherwise)
   */
  public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                              byte[] body, boolean secureTransport) {

    public SignedRequest {
      if (method == null || method.isEmpty()) {
        throw new IllegalArgumentException("method is required");
      }
      rawPath = rawPath == null ? "" : rawPath;
      rawQuery = rawQuery == null ? "" : rawQuery;
      headers = headers == null ? Map.of() : headers;
      body = body == null ? new byte[0] : body;
    }
  }

  /**
   * A request whose signature checked out.
   *
   * @param accessKeyId the access key that signed it
   * @param signature the signature it carried (lower-case hex): the key a {@link ReplayGuard} remembers
   * @param signedAt the time it was signed ({@code X-Amz-Date}, or the {@code Date} header)
   * @param presigned whether it was signed in the query string rather than the Authorization header
   */
  public record Verified(String accessKeyId, String signature, Instant signedAt, boolean presigned) {}

  /**
   * Checks the signature of {@code request}, refusing it unless it is well formed, scoped to
   * {@value #SERVICE}, signed within {@code maxSkew} of {@code now} (a presigned request: from
   * {@code maxSkew} before its date until its {@code X-Amz-Expires}, or {@code maxSkew} after its
   * date when it sets none), by a known access key, and with that key's secret.
   *
   * @param secretForAccessKeyId the secret access key of an access key id, empty when there is no such key
   * @throws AuthenticationError when the request is refused; the error says why
   */
  public static Verified verify(SignedRequest request, Function<String, Optional<String>> secretForAccessKeyId,
                                Instant now, Duration maxSkew) {
    Map<String, List<String>> headers = lowerCaseNames(request.headers());
    List<QueryParameter> query = QueryParameter.parseAll(request.rawQuery());
    boolean hasHeader = headers.containsKey("authorization");
    boolean hasQuery = query.stream().anyMatch(p -> PRESIGNED_REQUIRED.contains(p.name()));
    if (!hasHeader && !hasQuery) {
      throw AuthenticationError.missingAuthenticationToken();
    }
    if (hasHeader && hasQuery) {
      throw AuthenticationError.incompleteSignature("Only one way of signing is allowed: either the Authorization header"
          + " or the X-Amz-* query parameters of a presigned request, not both.");
    }
    Claim claim = hasHeader ? Claim.fromHeader(headers) : Claim.fromQuery(query);
    claim.checkScope();
    claim.checkSignedHeaders(headers);
    List<String> payloadHashes = payloadHashes(request, headers, claim.presigned());
    claim.checkTime(now, maxSkew);
    String secret = secretForAccessKeyId.apply(claim.accessKeyId()).orElseThrow(AuthenticationError::unrecognizedClient);

    String canonicalQuery = canonicalQuery(query, claim.presigned());
    byte[] provided = claim.signature().toLowerCase(Locale.ROOT).getBytes(UTF_8);
    boolean matches = false;
    for (String canonicalUri : canonicalUris(request.rawPath())) {
      for (String payloadHash : payloadHashes) {
        String canonicalRequest = canonicalRequest(request.method(), canonicalUri, canonicalQuery, headers,
            claim.signedHeaders(), payloadHash);
        String expected = signature(secret, claim.amzDate(), claim.region(), claim.service(), canonicalRequest);
        matches |= MessageDigest.isEqual(expected.getBytes(UTF_8), provided);
      }
    }
    if (!matches) {
      throw AuthenticationError.signatureMismatch();
    }
    return new Verified(claim.accessKeyId(), new String(provided, UTF_8), claim.signedAt(), claim.presigned());
  }

  // ---- the signature, per AWS's Signature Version 4 specification

  /** The hex signature of {@code canonicalRequest} made at {@code amzDate} with {@code secret}. */
  static String signature(String secret, String amzDate, String region, String service, String canonicalRequest) {
    String date = amzDate.substring(0, 8);
    String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + date + '/' + region + '/' + service + '/' + TERMINATOR
        + '\n' + HEX.formatHex(sha256(canonicalRequest.getBytes(UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, TERMINATOR);
    return HEX.formatHex(hmac(key, stringToSign));
  }

  static String canonicalRequest(String method, String canonicalUri, String canonicalQuery, Map<String, List<String>> headers,
                                 List<String> signedHeaders, String payloadHash) {
    StringBuilder out = new StringBuilder(256)
        .append(method).append('\n')
        .append(canonicalUri).append('\n')
        .append(canonicalQuery).append('\n');
    for (String name : signedHeaders) {
      out.append(name).append(':').append(canonicalValue(headers.get(name))).append('\n');
    }
    return out.append('\n')
        .append(String.join(";", signedHeaders)).append('\n')
        .append(payloadHash)
        .toString();
  }

  /**
   * The canonical URIs a signer may have used for a path: AWS's ({@link #canonicalUri}), and, when it
   * differs, the path exactly as sent, which is what curl 7.x ({@code --aws-sigv4}) signs. Both name
   * the same request, so accepting either lets curl call paths with characters AWS encodes, such as
   * an array child's {@code :} in {@code /drover/v1/jobs/<jobId>:<index>/logs}.
   */
  static List<String> canonicalUris(String rawPath) {
    String aws = canonicalUri(rawPath);
    String asSent = rawPath.isEmpty() ? "/" : rawPath;
    return aws.equals(asSent) ? List.of(aws) : List.of(aws, asSent);
  }

  /**
   * The canonical URI of a path as on the wire: dot segments resolved and empty segments dropped as
   * SDK v2 does ({@code ..} above the root stays, like {@code java.net.URI#normalize}), a trailing
   * {@code /} kept only when the path ends with one, and every segment encoded once more.
   */
  static String canonicalUri(String rawPath) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : rawPath.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..") && !segments.isEmpty() && !segments.peekLast().equals("..")) {
        segments.removeLast();
      } else {
        segments.addLast(segment);
      }
    }
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(rawPath.length() + 16);
    for (String segment : segments) {
      out.append('/');
      encode(segment.getBytes(UTF_8), out);
    }
    if (rawPath.endsWith("/")) {
      out.append('/');
    }
    return out.toString();
  }

  /** Names and values decoded and re-encoded per RFC 3986, sorted by name then value; without X-Amz-Signature when presigned. */
  static String canonicalQuery(List<QueryParameter> query, boolean presigned) {
    List<String[]> pairs = new ArrayList<>(query.size());
    for (QueryParameter parameter : query) {
      if (presigned && parameter.name().equals(X_AMZ_SIGNATURE)) {
        continue;
      }
      pairs.add(new String[] {encode(parameter.nameBytes()), encode(parameter.valueBytes())});
    }
    pairs.sort(Comparator.<String[], String>comparing(pair -> pair[0]).thenComparing(pair -> pair[1]));
    StringBuilder out = new StringBuilder();
    for (String[] pair : pairs) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(pair[0]).append('=').append(pair[1]);
    }
    return out.toString();
  }

  /** Each value trimmed with inner runs of whitespace collapsed to one space, the values joined by {@code ,}. */
  static String canonicalValue(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (int v = 0; v < values.size(); v++) {
      if (v > 0) {
        out.append(',');
      }
      String value = values.get(v);
      boolean pendingSpace = false;
      boolean started = false;
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\r' || c == '\f') {
          pendingSpace = started;
        } else {
          if (pendingSpace) {
            out.append(' ');
            pendingSpace = false;
          }
          out.append(c);
          started = true;
        }
      }
    }
    return out.toString();
  }

  /**
   * The payload hashes the signature may cover: the {@code x-amz-content-sha256} header when present
   * (it must match the body, or be UNSIGNED-PAYLOAD over HTTPS), else the body's hash; a presigned
   * request without that header may also cover UNSIGNED-PAYLOAD over HTTPS, as SDKs presign when
   * told not to sign the payload.
   */
  private static List<String> payloadHashes(SignedRequest request, Map<String, List<String>> headers, boolean presigned) {
    String bodyHash = HEX.formatHex(sha256(request.body()));
    List<String> declared = headers.get("x-amz-content-sha256");
    if (declared == null) {
      return presigned && request.secureTransport() ? List.of(bodyHash, UNSIGNED_PAYLOAD) : List.of(bodyHash);
    }
    String value = canonicalValue(declared);
    if (value.equals(UNSIGNED_PAYLOAD)) {
      if (!request.secureTransport()) {
        throw AuthenticationError.incompleteSignature("x-amz-content-sha256: UNSIGNED-PAYLOAD is accepted only over HTTPS;"
            + " over plain HTTP the signature must cover the body (the AWS SDKs and CLI do so unless told otherwise).");
      }
      return List.of(UNSIGNED_PAYLOAD);
    }
    if (!SHA256_HEX.matcher(value).matches()) {
      throw AuthenticationError.incompleteSignature("x-amz-content-sha256 must be the hex SHA-256 of the body,"
          + " or UNSIGNED-PAYLOAD over HTTPS; Drover does not accept streaming (chunked) signing.");
    }
    if (!value.equalsIgnoreCase(bodyHash)) {
      throw AuthenticationError.invalidSignature("The x-amz-content-sha256 header does not match the SHA-256 of the request body.");
    }
    return List.of(value);
  }

  // ---- what the request claims: key, scope, signed headers, time

  private record Claim(String accessKeyId, String scopeDate, String region, String service, List<String> signedHeaders,
                       String signature, String amzDate, Instant signedAt, Duration expires, String dateHeader,
                       boolean presigned) {

    static Claim fromHeader(Map<String, List<String>> headers) {
      List<String> authorization = headers.get("authorization");
      if (authorization.size() != 1) {
        throw AuthenticationError.incompleteSignature("The request carries more than one Authorization header.");
      }
      String value = authorization.get(0).trim();
      String[] tokens = AUTHORIZATION_SEPARATORS.split(value);
      if (!tokens[0].equals(ALGORITHM)) {
        throw AuthenticationError.incompleteSignature("The Authorization header must use " + ALGORITHM
            + " (AWS Signature Version 4); it starts with " + echo(tokens[0]) + ".");
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      for (int i = 1; i < tokens.length; i++) {
        String token = tokens[i];
        int equals = token.indexOf('=');
        String name = equals < 0 ? token : token.substring(0, equals);
        if (equals <= 0 || !List.of("Credential", "SignedHeaders", "Signature").contains(name)) {
          throw AuthenticationError.incompleteSignature("The Authorization header is malformed at " + echo(name)
              + ": expected " + ALGORITHM + " Credential=<access key id>/<date>/<region>/batch/aws4_request,"
              + " SignedHeaders=<names>, Signature=<hex>.");
        }
        if (parameters.put(name, token.substring(equals + 1)) != null) {
          throw AuthenticationError.incompleteSignature("The Authorization header names " + name + " twice.");
        }
      }
      List<String> missing = new ArrayList<>();
      for (String name : List.of("Credential", "SignedHeaders", "Signature")) {
        if (parameters.getOrDefault(name, "").isEmpty()) {
          missing.add("Authorization header requires '" + name + "' parameter.");
        }
      }
      if (!missing.isEmpty()) {
        throw AuthenticationError.incompleteSignature(String.join(" ", missing));
      }

      String dateHeader;
      String amzDate;
      Instant signedAt;
      if (headers.containsKey("x-amz-date")) {
        dateHeader = "x-amz-date";
        amzDate = canonicalValue(headers.get("x-amz-date"));
        signedAt = parseAmzDate(amzDate, "X-Amz-Date");
      } else if (headers.containsKey("date")) {
        dateHeader = "date";
        signedAt = parseHttpDate(canonicalValue(headers.get("date")));
        amzDate = formatAmzDate(signedAt);
      } else {
        throw AuthenticationError.incompleteSignature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
      }
      String[] scope = parseCredential(parameters.get("Credential"), "Credential");
      return new Claim(scope[0], scope[1], scope[2], scope[3], parseSignedHeaders(parameters.get("SignedHeaders"), "SignedHeaders"),
          parameters.get("Signature"), amzDate, signedAt, null, dateHeader, false);
    }

    static Claim fromQuery(List<QueryParameter> query) {
      Map<String, String> parameters = new LinkedHashMap<>();
      for (QueryParameter parameter : query) {
        if (PRESIGNED_REQUIRED.contains(parameter.name()) || parameter.name().equals(X_AMZ_EXPIRES)) {
          if (parameters.put(parameter.name(), parameter.value()) != null) {
            throw AuthenticationError.incompleteSignature("The query string names " + parameter.name() + " more than once.");
          }
        }
      }
      List<String> missing = PRESIGNED_REQUIRED.stream().filter(name -> parameters.getOrDefault(name, "").isEmpty()).toList();
      if (!missing.isEmpty()) {
        throw AuthenticationError.incompleteSignature("A presigned request requires the query parameters "
            + String.join(", ", PRESIGNED_REQUIRED) + "; missing: " + String.join(", ", missing) + ".");
      }
      if (!parameters.get(X_AMZ_ALGORITHM).equals(ALGORITHM)) {
        throw AuthenticationError.incompleteSignature("X-Amz-Algorithm must be " + ALGORITHM + "; got "
            + echo(parameters.get(X_AMZ_ALGORITHM)) + ".");
      }
      Duration expires = null;
      String expiresValue = parameters.get(X_AMZ_EXPIRES);
      if (expiresValue != null) {
        if (!EXPIRES_SHAPE.matcher(expiresValue).matches() || Long.parseLong(expiresValue) < 1
            || Long.parseLong(expiresValue) > MAX_PRESIGNED_EXPIRY.toSeconds()) {
          throw AuthenticationError.incompleteSignature("X-Amz-Expires must be a number of seconds from 1 to "
              + MAX_PRESIGNED_EXPIRY.toSeconds() + " (7 days); got " + echo(expiresValue) + ".");
        }
        expires = Duration.ofSeconds(Long.parseLong(expiresValue));
      }
      String amzDate = parameters.get(X_AMZ_DATE);
      String[] scope = parseCredential(parameters.get(X_AMZ_CREDENTIAL), X_AMZ_CREDENTIAL);
      return new Claim(scope[0], scope[1], scope[2], scope[3],
          parseSignedHeaders(parameters.get(X_AMZ_SIGNED_HEADERS), X_AMZ_SIGNED_HEADERS), parameters.get(X_AMZ_SIGNATURE),
          amzDate, parseAmzDate(amzDate, X_AMZ_DATE), expires, null, true);
    }

    void checkScope() {
      String requestDate = amzDate.substring(0, 8);
      if (!scopeDate.equals(requestDate)) {
        throw AuthenticationError.invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version"
            + " of date from HTTP: '" + scopeDate + "' != '" + requestDate + "', from '" + amzDate + "'.");
      }
      if (!service.equals(SERVICE)) {
        throw AuthenticationError.invalidSignature("Credential should be scoped to correct service: '" + SERVICE + "'.");
      }
    }

    void checkSignedHeaders(Map<String, List<String>> headers) {
      String field = presigned ? X_AMZ_SIGNED_HEADERS : "SignedHeaders";
      if (!signedHeaders.contains("host")) {
        throw AuthenticationError.incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization: add host to "
            + field + ".");
      }
      if (dateHeader != null && !signedHeaders.contains(dateHeader)) {
        throw AuthenticationError.incompleteSignature("'" + (dateHeader.equals("date") ? "Date" : "X-Amz-Date")
            + "' must be a 'SignedHeader' in the AWS Authorization: add " + dateHeader + " to " + field + ".");
      }
      for (String name : signedHeaders) {
        if (!headers.containsKey(name)) {
          throw AuthenticationError.incompleteSignature(field + " names the header " + echo(name)
              + ", which the request does not carry.");
        }
      }
    }

    void checkTime(Instant now, Duration maxSkew) {
      Instant latest = now.plus(maxSkew);
      if (signedAt.isAfter(latest)) {
        throw AuthenticationError.invalidSignature("Signature not yet current: " + amzDate + " is still later than "
            + formatAmzDate(latest) + " (" + formatAmzDate(now) + " + " + describe(maxSkew) + ")");
      }
      Duration validity = expires == null ? maxSkew : expires;
      Instant earliest = now.minus(validity);
      if (signedAt.isBefore(earliest)) {
        throw AuthenticationError.invalidSignature("Signature expired: " + amzDate + " is now earlier than "
            + formatAmzDate(earliest) + " (" + formatAmzDate(now) + " - " + describe(validity) + ")");
      }
    }
  }

  /** {@code <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request} as {id, date, region, service}. */
  private static String[] parseCredential(String credential, String field) {
    String[] parts = credential.split("/", -1);
    boolean shaped = parts.length == 5 && SCOPE_DATE_SHAPE.matcher(parts[1]).matches();
    for (String part : parts) {
      shaped &= !part.isEmpty();
    }
    if (!shaped) {
      throw AuthenticationError.incompleteSignature(field + " must have the form"
          + " <access key id>/<yyyyMMdd>/<region>/batch/aws4_request; got " + echo(credential) + ".");
    }
    if (!parts[4].equals(TERMINATOR)) {
      throw AuthenticationError.incompleteSignature("Credential should be scoped with a valid terminator: '" + TERMINATOR
          + "', not " + echo(parts[4]) + ".");
    }
    return new String[] {parts[0], parts[1], parts[2], parts[3]};
  }

  private static List<String> parseSignedHeaders(String value, String field) {
    List<String> names = List.of(value.split(";", -1));
    for (String name : names) {
      if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
        throw AuthenticationError.incompleteSignature(field + " must list lower-case header names separated by ';'; got "
            + echo(value) + ".");
      }
    }
    return names;
  }

  private static Instant parseAmzDate(String value, String field) {
    if (AMZ_DATE_SHAPE.matcher(value).matches()) {
      try {
        // Read field by field: a DateTimeFormatter parse showed in the profile of every signed request.
        return LocalDateTime.of(number(value, 0, 4), number(value, 4, 6), number(value, 6, 8),
            number(value, 9, 11), number(value, 11, 13), number(value, 13, 15)).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException e) {
        // out of range (month 13, February 30, second 60): falls through to the error below
      }
    }
    throw AuthenticationError.incompleteSignature(field + " must be an ISO-8601 basic-format UTC time such as"
        + " 20250102T030405Z; got " + echo(value) + ".");
  }

  /** The decimal number in {@code value} from {@code begin} to {@code end}, which holds only ASCII digits. */
  private static int number(String value, int begin, int end) {
    return Integer.parseInt(value, begin, end, 10);
  }

  private static Instant parseHttpDate(String value) {
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw AuthenticationError.incompleteSignature("The Date header must be an RFC 1123 date such as"
          + " 'Thu, 02 Jan 2025 03:04:05 GMT'; got " + echo(value) + ".");
    }
  }

  private static String formatAmzDate(Instant instant) {
    return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
  }

  private static String describe(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min." : seconds + " sec.";
  }

  // ---- encoding and hashing

  private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new TreeMap<>();
    headers.forEach((name, values) -> {
      if (name != null && values != null) {
        List<String> merged = out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>());
        for (String value : values) {
          if (value != null) {
            merged.add(value);
          }
        }
      }
    });
    return out;
  }

  private static String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length + 8);
    encode(bytes, out);
    return out.toString();
  }

  /** RFC 3986 percent-encoding: unreserved characters ({@code A-Z a-z 0-9 - _ . ~}) as they are, other bytes as {@code %XX}. */
  private static void encode(byte[] bytes, StringBuilder out) {
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(UPPER_HEX[c >> 4]).append(UPPER_HEX[c & 0xf]);
      }
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = HMAC_SHA256.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** A value the caller sent, quoted and cut short, for an error message. */
  private static String echo(String value) {
    String shown = value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) + "..." : value;
    return "'" + shown + "'";
  }

  /** One {@code name=value} pair of a query string, percent-decoded; a name without {@code =} has the empty value. */
  record QueryParameter(byte[] nameBytes, byte[] valueBytes) {

    static List<QueryParameter> parseAll(String rawQuery) {
      List<QueryParameter> out = new ArrayList<>();
      for (String piece : rawQuery.split("&")) {
        if (piece.isEmpty()) {
          continue;
        }
        int equals = piece.indexOf('=');
        String name = equals < 0 ? piece : piece.substring(0, equals);
        String value = equals < 0 ? "" : piece.substring(equals + 1);
        out.add(new QueryParameter(percentDecode(name), percentDecode(value)));
      }
      return out;
    }

    String name() {
      return new String(nameBytes, UTF_8);
    }

    String value() {
      return new String(valueBytes, UTF_8);
    }

    /** Decodes {@code %XX}; a {@code %} not followed by two hex digits and {@code +} stay as they are. */
    private static byte[] percentDecode(String text) {
      byte[] bytes = text.getBytes(UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0
            && Character.digit(bytes[i + 2], 16) >= 0) {
          out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
          i += 2;
        } else {
          out.write(bytes[i]);
        }
      }
      return out.toByteArray();
    }
  }
}
