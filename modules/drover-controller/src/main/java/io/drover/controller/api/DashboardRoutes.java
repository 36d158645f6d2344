package io.drover.controller.api;

import io.drover.core.iam.Principal;
import io.drover.core.model.AwsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web dashboard: static files (HTML, JavaScript modules, CSS) from the classpath folder
 * {@value #FOLDER}, served unsigned at {@code GET /ui/} and {@code /ui/<file>} ({@code /} redirects
 * there), since they hold no data; the page signs every API call itself with the key its user
 * signs in with. Each file is answered with its content type, {@code Cache-Control: no-cache} (the
 * browser revalidates, so an upgraded controller serves its new dashboard at once), a Content
 * Security Policy that allows nothing but this origin, and {@code X-Content-Type-Options: nosniff}.
 * Only plain file names of known types are served: no sub-folders, so no path leaves the folder.
 *
 * <p>Also {@code GET /drover/v1/whoami} (signed, like every API call, and allowed to anyone with a
 * valid key): who the caller is and whether they are an operator, so the dashboard can hide the
 * actions a user may not take. The server still checks every call on its own.
 */
final class DashboardRoutes extends AllDirectives {

  static final String FOLDER = "dashboard";
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  /**
   * The actions an operator holds on every queue or host, which the dashboard offers: enabling or
   * disabling a queue, terminating any job, draining a host.
   */
  static final List<String> QUEUE_OPERATOR_ACTIONS = List.of("batch:UpdateJobQueue", "batch:TerminateJob");
  static final String DRAIN_HOST_ACTION = "drover:DrainHost";

  private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
  private static final Map<String, ContentType> TYPES = Map.of(
      "html", ContentTypes.TEXT_HTML_UTF8,
      "js", MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), true, "js").toContentType(HttpCharsets.UTF_8),
      "css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8),
      "svg", MediaTypes.IMAGE_SVG_XML.toContentType());
  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Cache-Control", "no-cache"),
      RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("X-Frame-Options", "DENY"),
      RawHeader.create("Referrer-Policy", "no-referrer"));

  /** {@code GET /drover/v1/whoami}'s answer: the signing user and key, and whether they are an operator. */
  record Whoami(String userName, String userArn, String accessKeyId, boolean admin) {}

  /** The files read so far; only those found, so that made-up names cannot fill it. */
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  /** {@code /}, {@code /ui} and {@code /ui/...}; any other path is left to the API's routes. */
  Route route() {
    return get(() -> concat(
        pathSingleSlash(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND)),
        path("ui", () -> redirect(Uri.create("/ui/"), StatusCodes.FOUND)),
        pathPrefix("ui", () -> concat(
            pathSingleSlash(() -> complete(asset("index.html"))),
            path(PathMatchers.remaining(), name -> complete(asset(name)))))));
  }

  /** The file {@code name} of the dashboard with its headers, or 404 when there is no such file. */
  HttpResponse asset(String name) {
    Optional<byte[]> bytes = FILE_NAME.matcher(name).matches() ? file(name) : Optional.empty();
    if (bytes.isEmpty()) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND).addHeaders(HEADERS)
          .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "The dashboard has no file '" + name + "'. Open /ui/ for the dashboard.");
    }
    ContentType type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    return HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(HEADERS).withEntity(type, bytes.get());
  }

  private Optional<byte[]> file(String name) {
    byte[] cached = files.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(FOLDER + "/" + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      files.put(name, bytes);
      return Optional.of(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the dashboard's " + name + " from the classpath", e);
    }
  }

  /**
   * Who signed the request. {@code admin} is true when the caller's policies allow every one of
   * {@link #QUEUE_OPERATOR_ACTIONS} on every job queue and {@value #DRAIN_HOST_ACTION} on {@code *}:
   * then the dashboard shows operator actions; otherwise it is read-only.
   */
  static Whoami whoami(Principal principal, AwsIdentity identity) {
    String everyQueue = identity.jobQueueArn("*");
    Access access = new Access(principal);
    boolean admin = QUEUE_OPERATOR_ACTIONS.stream().allMatch(action -> access.allows(action, everyQueue))
        && access.allows(DRAIN_HOST_ACTION, "*");
    return new Whoami(principal.userName(), principal.userArn(), principal.accessKeyId(), admin);
  }
}
