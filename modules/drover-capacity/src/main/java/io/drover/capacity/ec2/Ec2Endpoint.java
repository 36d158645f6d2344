package io.drover.capacity.ec2;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** An EC2 endpoint override as a setting gives it: empty for the region's own endpoint. */
public final class Ec2Endpoint {

  private Ec2Endpoint() {}

  /**
   * @param value the setting's value
   * @param setting how an operator names the setting in the error, e.g. {@code drover.capacity.ec2.endpoint}
   * @throws IllegalArgumentException when it is not a URL with a scheme and a host
   */
  public static Optional<URI> parse(String value, String setting) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw invalid(value, setting);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw invalid(value, setting);
    }
    return Optional.of(uri);
  }

  private static IllegalArgumentException invalid(String value, String setting) {
    return new IllegalArgumentException(setting + " is '" + value + "'; set it to a URL such as "
        + "https://ec2.eu-west-1.amazonaws.com, or to \"\" for the region's endpoint.");
  }
}
