package io.drover.core.iam;

/**
 * A request whose caller could not be authenticated, in the shapes AWS's JSON services answer: the
 * HTTP layer sends {@link #status()} with {@code x-amzn-ErrorType: }{@link #code()} and the message.
 * Messages say what is missing or wrong and never hold a secret, the expected signature or the
 * string to sign, so they can be logged and shown to the caller as they are.
 */
public final class AuthenticationError extends RuntimeException {

  public static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationTokenException";
  public static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
  public static final String UNRECOGNIZED_CLIENT = "UnrecognizedClientException";
  public static final String INVALID_SIGNATURE = "InvalidSignatureException";

  private final String code;
  private final int status;

  private AuthenticationError(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  /** The request carries neither an Authorization header nor a presigned query string. */
  public static AuthenticationError missingAuthenticationToken() {
    return new AuthenticationError(MISSING_AUTHENTICATION_TOKEN, 403,
        "Missing Authentication Token. Drover accepts only requests signed with AWS Signature Version 4 for the"
            + " service \"batch\": use an AWS SDK or the AWS CLI with an access key from `./drover admin keys create`,"
            + " or curl --aws-sigv4 \"aws:amz:<region>:batch\" --user \"<access key id>:<secret access key>\".");
  }

  /** The signature is malformed or leaves out a part it must cover; {@code message} names it. */
  public static AuthenticationError incompleteSignature(String message) {
    return new AuthenticationError(INCOMPLETE_SIGNATURE, 400, message);
  }

  /** The access key id is not one Drover knows (or it was deleted). */
  public static AuthenticationError unrecognizedClient() {
    return new AuthenticationError(UNRECOGNIZED_CLIENT, 403, "The security token included in the request is invalid.");
  }

  /** The signature is well formed but refused: wrong scope, outside its time window, or used before. */
  public static AuthenticationError invalidSignature(String message) {
    return new AuthenticationError(INVALID_SIGNATURE, 403, message);
  }

  /** The signature does not match the one computed with the access key's secret. */
  public static AuthenticationError signatureMismatch() {
    return invalidSignature("The request signature we calculated does not match the signature you provided."
        + " Check your AWS Secret Access Key and signing method.");
  }

  /** AWS's error code, the {@code __type} of the error body and the {@code x-amzn-ErrorType} header. */
  public String code() {
    return code;
  }

  /** The HTTP status to answer with: 400 for a malformed signature, 403 otherwise. */
  public int status() {
    return status;
  }
}
