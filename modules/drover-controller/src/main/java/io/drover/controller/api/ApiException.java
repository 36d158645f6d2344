package io.drover.controller.api;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** An error the API answers in AWS's shape: HTTP status, {@code x-amzn-ErrorType}, message. */
final class ApiException extends RuntimeException {

  private final StatusCode status;
  private final String type;

  ApiException(StatusCode status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  static ApiException notFound(String type, String message) {
    return new ApiException(StatusCodes.NOT_FOUND, type, message);
  }

  StatusCode status() {
    return status;
  }

  String type() {
    return type;
  }
}
