package io.drover.core;

/**
 * A request the caller got wrong: an invalid or missing field, an unknown job, queue or
 * definition, or an operation the object's current state forbids. The HTTP layer answers it as
 * AWS's {@code ClientException} with status 400; the message names the field and says what to do.
 */
public final class ClientError extends RuntimeException {

  public ClientError(String message) {
    super(message, null, false, false);
  }

  /** Throws when {@code condition} is false. */
  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new ClientError(message);
    }
  }

  /** The value, or a {@link ClientError} saying that {@code field} is required. */
  public static <T> T required(T value, String field) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new ClientError(field + " is required.");
    }
    return value;
  }
}
