package io.drover.controller.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.iam.AuthenticationError;
import io.drover.core.iam.PolicyDocument;
import io.drover.core.iam.Principal;
import io.drover.core.iam.ReplayGuard;
import io.drover.core.iam.SecretBox;
import io.drover.core.iam.SigV4;
import io.drover.core.model.AwsIdentity;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who signed a request: checks its SigV4 signature against the access key it names (a user's, from
 * this node's copy of the control plane, or the configured root key), refuses replays of requests
 * that change something, and answers the caller with their policies. Secrets are opened from their
 * sealed form once per key and kept in memory only.
 */
public final class Authenticator {

  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  private final SecuritySettings settings;
  private final AwsIdentity identity;
  private final Supplier<ControlPlaneState> controlPlane;
  private final ObjectMapper json;
  private final SecretBox secrets;
  private final ReplayGuard replays;
  private final Clock clock;
  private final Map<String, String> openedSecrets = new ConcurrentHashMap<>();
  private final Map<String, CachedPrincipal> principals = new ConcurrentHashMap<>();

  private record CachedPrincipal(User user, Principal principal) {}

  public Authenticator(
      SecuritySettings settings, AwsIdentity identity, Supplier<ControlPlaneState> controlPlane, ObjectMapper json, Clock clock) {
    this.settings = settings;
    this.identity = identity;
    this.controlPlane = controlPlane;
    this.json = json;
    this.secrets = SecretBox.fromBase64(settings.masterKey(), "drover.security.master-key (DROVER_MASTER_KEY)");
    this.replays = new ReplayGuard(settings.replayCacheEntries(), clock);
    this.clock = clock;
  }

  /** Seals new secrets for the control plane. */
  public SecretBox secrets() {
    return secrets;
  }

  /**
   * The caller of a signed request; {@code changesState} requests are refused when their exact
   * signature was seen before.
   */
  public Principal authenticate(SigV4.SignedRequest request, boolean changesState) {
    SigV4.Verified verified = SigV4.verify(request, this::secretFor, clock.instant(), settings.maxClockSkew());
    if (changesState && !replays.firstUse(verified.signature(), verified.signedAt(), settings.maxClockSkew())) {
      throw AuthenticationError.invalidSignature(
          "This exact signed request was received before and changes state, so it is refused as a replay. "
              + "Sign every request anew (the AWS SDKs and CLI do).");
    }
    return principal(verified.accessKeyId());
  }

  private Optional<String> secretFor(String accessKeyId) {
    Optional<SecuritySettings.RootKey> root = settings.rootKey();
    if (root.isPresent() && root.get().accessKeyId().equals(accessKeyId)) {
      return Optional.of(root.get().secretAccessKey());
    }
    AccessKey key = controlPlane.get().accessKeys().get(accessKeyId);
    if (key == null || key.status() != AccessKey.Status.Active) {
      return Optional.empty();
    }
    return Optional.of(openedSecrets.computeIfAbsent(key.sealedSecret(), secrets::open));
  }

  private Principal principal(String accessKeyId) {
    Optional<SecuritySettings.RootKey> root = settings.rootKey();
    if (root.isPresent() && root.get().accessKeyId().equals(accessKeyId)) {
      return new Principal("root", "arn:aws:iam::" + identity.accountId() + ":root", accessKeyId,
          List.of(PolicyDocument.adminPolicy()));
    }
    ControlPlaneState state = controlPlane.get();
    AccessKey key = state.accessKeys().get(accessKeyId);
    User user = key == null ? null : state.users().get(key.userName());
    if (user == null) {
      throw AuthenticationError.unrecognizedClient();
    }
    CachedPrincipal cached = principals.get(accessKeyId);
    if (cached == null || !cached.user().equals(user)) {
      cached = new CachedPrincipal(user, new Principal(user.userName(), user.arn(), accessKeyId, policies(user)));
      principals.put(accessKeyId, cached);
    }
    return cached.principal();
  }

  /** A user's policies; one that no longer parses (it was checked when it was put) is skipped, loudly. */
  private List<PolicyDocument> policies(User user) {
    List<PolicyDocument> documents = new ArrayList<>();
    user.policies().forEach((name, document) -> {
      try {
        documents.add(PolicyDocument.parse(json.readValue(document, Object.class), "policyDocument"));
      } catch (JsonProcessingException | RuntimeException e) {
        log.error("Policy '{}' of user '{}' cannot be read and grants nothing: {}. Put it again with "
            + "`./drover admin policies put`.", name, user.userName(), e.getMessage());
      }
    });
    return List.copyOf(documents);
  }
}
