package io.drover.node.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster's certificate authority and its node certificates, as PKCS12 stores made by the JDK's
 * {@code keytool}. A directory holds one CA:
 *
 * <ul>
 *   <li>{@code ca.p12}: the CA's private key and certificate, which sign node certificates. It stays
 *       with the operator (or in a secret store), never on a node.
 *   <li>{@code truststore.p12}: the CA's certificate alone. Every node gets it: a peer is a member only
 *       if its certificate chains to it.
 *   <li>{@code ca.crt}: the CA's certificate in PEM, for inspection and for other tools.
 *   <li>{@code <name>.p12}: a node's private key and its certificate signed by the CA.
 * </ul>
 *
 * <p>Every store has a generated password in a file next to it ({@code ca.password},
 * {@code truststore.password}, {@code <name>.password}), readable by its owner only. Passwords
 * reach keytool through those files, never on a command line.
 */
public final class ClusterCertificates {

  public static final String CA_KEYSTORE = "ca.p12";
  public static final String CA_PASSWORD = "ca.password";
  public static final String CA_CERTIFICATE = "ca.crt";
  public static final String TRUSTSTORE = "truststore.p12";
  public static final String TRUSTSTORE_PASSWORD = "truststore.password";
  /** The alias of the key entry in a node keystore. */
  public static final String NODE_ALIAS = "node";

  public static final int DEFAULT_CA_DAYS = 3650;
  public static final int DEFAULT_NODE_DAYS = 397;

  private static final String CA_ALIAS = "drover-ca";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern DNS = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  private static final Pattern IP = Pattern.compile("[0-9A-Fa-f.:]+");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final Keytool keytool = new Keytool();

  private ClusterCertificates(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The CA in {@code dir} (which may not exist yet). */
  public static ClusterCertificates in(Path dir) {
    return new ClusterCertificates(dir);
  }

  public Path dir() {
    return dir;
  }

  /** True when the directory holds a CA (its keystore). */
  public boolean hasCa() {
    return Files.exists(dir.resolve(CA_KEYSTORE));
  }

  /** The truststore every node of this CA's cluster uses. */
  public TrustStore trustStore() {
    return new TrustStore(dir.resolve(TRUSTSTORE), dir.resolve(TRUSTSTORE_PASSWORD));
  }

  /** The files a node named {@code name} was issued by {@link #createNode}. */
  public NodeCertificate node(String name) {
    checkName(name);
    return new NodeCertificate(name, dir.resolve(name + ".p12"), dir.resolve(name + ".password"), trustStore());
  }

  /**
   * Creates the CA: a key pair and a self-signed CA certificate valid for {@code days}, its keystore,
   * the truststore with its certificate, and {@code ca.crt}.
   *
   * @throws IllegalStateException if the directory already holds a CA
   */
  public TrustStore createCa(String commonName, int days) {
    checkDays(days);
    if (hasCa()) {
      throw new IllegalStateException(dir.resolve(CA_KEYSTORE) + " exists: this directory already holds a CA. "
          + "Issue node certificates from it, or choose another --dir for a new CA.");
    }
    TrustStore trust = trustStore();
    List<Path> created = List.of(dir.resolve(CA_KEYSTORE), dir.resolve(CA_PASSWORD), dir.resolve(CA_CERTIFICATE),
        trust.path(), trust.password());
    for (Path file : created) {
      if (Files.exists(file)) {
        throw new IllegalStateException(file + " exists: it belongs to another CA. Choose another --dir for a new CA.");
      }
    }
    try {
      Files.createDirectories(dir);
      Path caStore = dir.resolve(CA_KEYSTORE);
      Path caPassword = writePassword(dir.resolve(CA_PASSWORD));
      keytool.run("-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp384r1",
          "-sigalg", "SHA384withECDSA", "-dname", "CN=" + commonName + ",O=Drover",
          "-validity", Integer.toString(days),
          "-ext", "BasicConstraints:critical=ca:true,pathlen:0", "-ext", "KeyUsage:critical=keyCertSign,cRLSign",
          "-storetype", "PKCS12", "-keystore", caStore.toString(), "-storepass:file", caPassword.toString());
      ownerOnly(caStore);
      Path caCertificate = dir.resolve(CA_CERTIFICATE);
      keytool.run("-exportcert", "-rfc", "-alias", CA_ALIAS, "-keystore", caStore.toString(),
          "-storepass:file", caPassword.toString(), "-file", caCertificate.toString());
      writePassword(trust.password());
      keytool.run("-importcert", "-noprompt", "-alias", CA_ALIAS, "-file", caCertificate.toString(),
          "-storetype", "PKCS12", "-keystore", trust.path().toString(), "-storepass:file", trust.password().toString());
      return trust;
    } catch (IOException | RuntimeException e) {
      created.forEach(ClusterCertificates::deleteQuietly);
      throw failure("Could not create the CA in " + dir, e);
    }
  }

  /**
   * Issues a node certificate: a new key pair for {@code CN=<name>}, signed by this directory's CA,
   * valid for {@code days}, for TLS client and server use, with the given subject alternative names
   * ({@code ip:10.0.1.5}, {@code dns:host.example}).
   *
   * @throws IllegalStateException if there is no CA here or the node's keystore exists
   * @throws IllegalArgumentException for a name or alternative name keytool would not take
   */
  public NodeCertificate createNode(String name, List<String> subjectAlternativeNames, int days) {
    checkDays(days);
    String san = subjectAlternativeNames(subjectAlternativeNames);
    NodeCertificate node = node(name);
    if (!hasCa()) {
      throw new IllegalStateException("There is no CA in " + dir + " (" + CA_KEYSTORE + " is missing). Create one first: "
          + "./drover certs ca --dir " + dir);
    }
    if (Files.exists(node.keystore())) {
      throw new IllegalStateException(node.keystore() + " exists. To issue a new certificate for " + name
          + ", move it and " + node.password().getFileName() + " away first.");
    }
    Path request = null;
    Path certificate = null;
    try {
      request = Files.createTempFile(dir, name + "-", ".csr");
      certificate = Files.createTempFile(dir, name + "-", ".crt");
      Files.deleteIfExists(node.password());
      writePassword(node.password());
      String store = node.keystore().toString();
      String password = node.password().toString();
      keytool.run("-genkeypair", "-alias", NODE_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
          "-sigalg", "SHA256withECDSA", "-dname", "CN=" + name + ",O=Drover", "-validity", Integer.toString(days),
          "-storetype", "PKCS12", "-keystore", store, "-storepass:file", password);
      ownerOnly(node.keystore());
      keytool.run("-certreq", "-alias", NODE_ALIAS, "-keystore", store, "-storepass:file", password,
          "-file", request.toString());
      List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", CA_ALIAS,
          "-keystore", dir.resolve(CA_KEYSTORE).toString(), "-storepass:file", dir.resolve(CA_PASSWORD).toString(),
          "-sigalg", "SHA384withECDSA", "-validity", Integer.toString(days),
          "-infile", request.toString(), "-outfile", certificate.toString(),
          "-ext", "KeyUsage:critical=digitalSignature", "-ext", "ExtendedKeyUsage=serverAuth,clientAuth"));
      if (!san.isEmpty()) {
        sign.addAll(List.of("-ext", "SubjectAlternativeName=" + san));
      }
      keytool.run(sign.toArray(String[]::new));
      // The signed certificate and the CA's replace the self-signed one: the node presents the chain.
      Files.writeString(certificate, Files.readString(certificate, StandardCharsets.US_ASCII)
          + Files.readString(dir.resolve(CA_CERTIFICATE), StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
      keytool.run("-importcert", "-noprompt", "-alias", NODE_ALIAS, "-file", certificate.toString(),
          "-keystore", store, "-storepass:file", password);
      return node;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(node.keystore());
      deleteQuietly(node.password());
      throw failure("Could not issue a certificate for " + name + " in " + dir, e);
    } finally {
      deleteQuietly(request);
      deleteQuietly(certificate);
    }
  }

  /** keytool's SubjectAlternativeName value for {@code ip:...} and {@code dns:...} entries. */
  static String subjectAlternativeNames(List<String> entries) {
    List<String> names = new ArrayList<>();
    for (String entry : entries) {
      String trimmed = entry.trim();
      int colon = trimmed.indexOf(':');
      String type = colon > 0 ? trimmed.substring(0, colon).toLowerCase(Locale.ROOT) : "";
      String value = colon > 0 ? trimmed.substring(colon + 1) : "";
      boolean valid = switch (type) {
        case "ip" -> IP.matcher(value).matches() && (value.contains(".") || value.contains(":"));
        case "dns" -> DNS.matcher(value).matches();
        default -> false;
      };
      if (!valid) {
        throw new IllegalArgumentException("Subject alternative name '" + entry
            + "' must be ip:<address> or dns:<host name>, e.g. ip:10.0.1.5 or dns:node-1.drover.internal.");
      }
      names.add(type + ":" + value);
    }
    return String.join(",", names);
  }

  static void checkName(String name) {
    if (!NAME.matcher(name).matches() || name.equals("ca") || name.equals("truststore")) {
      throw new IllegalArgumentException("Node name '" + name + "' must be 1 to 63 letters, digits, '.', '_' or '-' "
          + "(starting with a letter or digit), and not 'ca' or 'truststore'.");
    }
  }

  private static void checkDays(int days) {
    if (days < 1) {
      throw new IllegalArgumentException("A certificate must be valid for at least one day, not " + days + ".");
    }
  }

  /** Keystores hold private keys: readable by their owner only, like their passwords. */
  private static void ownerOnly(Path file) throws IOException {
    Files.setPosixFilePermissions(file, OWNER_ONLY);
  }

  /** Writes a new random password to {@code file}, created readable and writable by its owner only. */
  private static Path writePassword(Path file) throws IOException {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.writeString(file, password + "\n", StandardCharsets.US_ASCII);
    return file;
  }

  private static RuntimeException failure(String what, Exception e) {
    return e instanceof IOException io
        ? new UncheckedIOException(what + ": " + e.getMessage(), io)
        : new IllegalStateException(what + ": " + e.getMessage(), e);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover request or certificate holds nothing secret
    }
  }
}
