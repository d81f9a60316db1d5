package io.dirigent.core.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority and the certificates it issues, kept in one directory of
 * the data dir as k3s keeps its own: {@code ca.crt} and {@code ca.key} (made on first start), the
 * API server's serving certificate (reissued when the names it must carry change), and
 * certificates for clients, whose subject is Kubernetes' identity — the common name the user,
 * each organisation a group. Keys are ECDSA P-256; key files are readable by their owner only.
 *
 * <p>Not thread-safe: made once at start, then read.
 */
public final class ClusterPki {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Leaf certificates last a year, as kubeadm's and k3s's do; members renew theirs before the end (MemberCertificates). */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  /** A certificate is reissued at start when less than this is left of it. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(90);
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Clock clock;
  private final X509Certificate ca;
  private final PrivateKey caKey;

  /** A certificate and its key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {}

  private ClusterPki(Path dir, Clock clock, X509Certificate ca, PrivateKey caKey) {
    this.dir = dir;
    this.clock = clock;
    this.ca = ca;
    this.caKey = caKey;
  }

  /** The authority in {@code dir}, made there (with a new key) when there is none yet. */
  public static ClusterPki loadOrCreate(Path dir, String clusterName, Clock clock) throws IOException {
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
    Path cert = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (Files.exists(cert) && Files.exists(key)) {
      return new ClusterPki(dir, clock, readCertificate(cert), readKey(key));
    }
    if (Files.exists(cert)) {
      // A worker's directory: it trusts the cluster's authority, and must never replace it with one of its own.
      throw new IOException(dir + " holds the cluster authority's certificate without its key: this member cannot issue certificates");
    }
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, clusterName + "-ca@" + now.getEpochSecond()).build();
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate certificate = convert(builder.build(signer(pair.getPrivate())));
      write(key, pem(pair.getPrivate()), true);
      write(cert, pem(certificate), false);
      return new ClusterPki(dir, clock, certificate, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("could not make the cluster's certificate authority", e);
    }
  }

  /** The authority's certificate, which clients trust. */
  public X509Certificate ca() {
    return ca;
  }

  /** The authority's certificate in PEM, as a kubeconfig carries it (base64 of this). */
  public String caPem() {
    return pem(ca);
  }

  public Path directory() {
    return dir;
  }

  /**
   * A certificate for a client of the API: {@code user} is its common name, {@code groups} its
   * organisations (Kubernetes reads them so).
   */
  public Issued issueClient(String user, Collection<String> groups) throws IOException {
    if (groups.contains(MEMBERS)) {
      throw new IllegalArgumentException("a user's certificate cannot name the group " + MEMBERS + ": it would make its holder a cluster member");
    }
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : groups) {
      subject.addRDN(BCStyle.O, group);
    }
    subject.addRDN(BCStyle.CN, user);
    return issue(subject.build(), List.of(), List.of(), KeyPurposeId.id_kp_clientAuth);
  }

  /**
   * The serving certificate in {@code dir}'s {@code <name>.crt}/{@code .key}, made or made again
   * when it is missing, not issued by this authority, short of one of {@code dnsNames} or
   * {@code addresses}, or near its end.
   */
  public Issued serving(String name, Collection<String> dnsNames, Collection<InetAddress> addresses) throws IOException {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    if (Files.exists(cert) && Files.exists(key)) {
      X509Certificate existing = readCertificate(cert);
      if (issuedHere(existing) && covers(existing, dnsNames, addresses)
          && existing.getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE))) {
        return new Issued(existing, readKey(key));
      }
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    Issued issued = issue(subject, dnsNames, addresses, KeyPurposeId.id_kp_serverAuth);
    write(key, pem(issued.key()), true);
    write(cert, pem(issued.certificate()), false);
    return issued;
  }

  /**
   * An authority's fingerprint as kubeadm prints it for {@code --discovery-token-ca-cert-hash}:
   * {@code sha256:} and the hex SHA-256 of its public key (SubjectPublicKeyInfo).
   */
  public static String fingerprint(X509Certificate authority) {
    try {
      return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(authority.getPublicKey().getEncoded()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Trust managers that take exactly the certificates {@code authorities} issued. */
  public static javax.net.ssl.TrustManager[] trusting(X509Certificate... authorities) throws IOException {
    try {
      java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      for (int i = 0; i < authorities.length; i++) {
        trusted.setCertificateEntry("authority-" + i, authorities[i]);
      }
      javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("trust in the cluster's authority cannot be set up: " + e.getMessage(), e);
    }
  }

  /** Key managers that present {@code key} with its certificate {@code chain} (leaf first). */
  public static javax.net.ssl.KeyManager[] presenting(PrivateKey key, X509Certificate... chain) throws IOException {
    try {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("identity", key, new char[0], chain);
      javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, new char[0]);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("the certificate cannot be presented: " + e.getMessage(), e);
    }
  }

  /** The certificates in PEM text, in order. */
  public static List<X509Certificate> readCertificates(String pem) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new java.io.StringReader(pem))) {
      for (Object read = parser.readObject(); read != null; read = parser.readObject()) {
        if (read instanceof X509CertificateHolder holder) {
          certificates.add(convert(holder));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("a certificate cannot be read", e);
    }
    return certificates;
  }

  /** The organisation every cluster member's certificate carries; no user's certificate is issued with it. */
  public static final String MEMBERS = "system:members";

  /** The organisation naming a role the member may take in the cluster: {@code dirigent:role:control-plane}. */
  public static final String ROLE_PREFIX = "dirigent:role:";

  /**
   * A certificate for a cluster member ({@code system:member:NAME}, organisation
   * {@value #MEMBERS}) that may take {@code roles} (one organisation {@value #ROLE_PREFIX}ROLE
   * each), good both for accepting and for opening member connections.
   */
  public Issued issueMember(String name, Collection<String> roles) throws IOException {
    return issue(memberSubject(name, roles), List.of(), List.of(), KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
  }

  /**
   * A member certificate for a key pair the member made itself and keeps (kubelet's certificate
   * rotation through a CSR): only {@code key}, the public half, reaches the authority.
   */
  public X509Certificate certifyMember(String name, Collection<String> roles, PublicKey key) throws IOException {
    return certify(memberSubject(name, roles), key, List.of(), List.of(), KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
  }

  private static X500Name memberSubject(String name, Collection<String> roles) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, MEMBERS);
    roles.stream().sorted().forEach(role -> builder.addRDN(BCStyle.O, ROLE_PREFIX + role));
    return builder.addRDN(BCStyle.CN, MEMBER_PREFIX + name).build();
  }

  /** Whether {@code certificate} has less than {@code before} left at {@code now}: time to make a new one. */
  public static boolean dueForRenewal(X509Certificate certificate, Instant now, Duration before) {
    return !certificate.getNotAfter().toInstant().isAfter(now.plus(before));
  }

  /** A new EC P-256 key pair, for a member renewing its own certificate. */
  public static KeyPair newMemberKeyPair() throws IOException {
    return newKeyPair();
  }

  /** The common name's prefix of every member certificate: {@code system:member:NAME}. */
  public static final String MEMBER_PREFIX = "system:member:";

  /** Keeps {@code issued} as {@code <name>.crt} and {@code <name>.key} in the authority's directory, the key readable by its owner only. */
  public void save(String name, Issued issued) throws IOException {
    writeIssued(dir, name, issued);
  }

  /** Keeps {@code issued} as {@code <name>.crt} and {@code <name>.key} in {@code target} (made owner-only), the key readable by its owner only. */
  public static void writeIssued(Path target, String name, Issued issued) throws IOException {
    Files.createDirectories(target);
    ownerOnly(target, "rwx------");
    write(target.resolve(name + ".key"), pem(issued.key()), true);
    write(target.resolve(name + ".crt"), pem(issued.certificate()), false);
  }

  /** Whether {@code certificate} was signed by this authority's key. */
  public boolean issuedHere(X509Certificate certificate) {
    try {
      certificate.verify(ca.getPublicKey());
      return certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private Issued issue(X500Name subject, Collection<String> dnsNames, Collection<InetAddress> addresses, KeyPurposeId... purposes)
      throws IOException {
    KeyPair pair = newKeyPair();
    return new Issued(certify(subject, pair.getPublic(), dnsNames, addresses, purposes), pair.getPrivate());
  }

  /** A certificate of this authority for {@code key}, whose private half only its holder has. */
  private X509Certificate certify(X500Name subject, PublicKey key, Collection<String> dnsNames, Collection<InetAddress> addresses,
      KeyPurposeId... purposes) throws IOException {
    Instant now = clock.instant();
    try {
      X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(LEAF_VALIDITY)), subject, key);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
      List<GeneralName> names = new ArrayList<>();
      for (String dnsName : new LinkedHashSet<>(dnsNames)) {
        names.add(new GeneralName(GeneralName.dNSName, dnsName));
      }
      for (InetAddress address : new LinkedHashSet<>(addresses)) {
        names.add(new GeneralName(GeneralName.iPAddress, address.getHostAddress()));
      }
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return convert(builder.build(signer(caKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("could not issue a certificate for " + subject, e);
    }
  }

  /** Whether the certificate's subject alternative names include every name and address asked for. */
  private static boolean covers(X509Certificate certificate, Collection<String> dnsNames, Collection<InetAddress> addresses) {
    Set<String> held = new LinkedHashSet<>();
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          held.add(name.get(1).toString());
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
    for (String dnsName : dnsNames) {
      if (!held.contains(dnsName)) {
        return false;
      }
    }
    for (InetAddress address : addresses) {
      if (!held.contains(address.getHostAddress())) {
        return false;
      }
    }
    return true;
  }

  /** The user (common name) and groups (organisations) a client certificate names, as Kubernetes reads them. */
  public static Identity identityOf(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    String user = subject.getRDNs(BCStyle.CN).length == 0 ? "" : subject.getRDNs(BCStyle.CN)[0].getFirst().getValue().toString();
    List<String> groups = new ArrayList<>();
    for (var rdn : subject.getRDNs(BCStyle.O)) {
      groups.add(rdn.getFirst().getValue().toString());
    }
    return new Identity(user, List.copyOf(groups));
  }

  /**
   * A key pair the cluster signs with besides its authority's ({@code NAME.key} in {@code dir}, the
   * authority's directory, owner-only), made on first use: the ServiceAccount token signer's, for one.
   */
  public static KeyPair signingKey(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
    Path file = dir.resolve(name + ".key");
    if (!Files.exists(file)) {
      write(file, pem(newKeyPair().getPrivate()), true);
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
      if (parser.readObject() instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getKeyPair(pair);
      }
      throw new IOException(file + " holds no key pair");
    }
  }

  /**
   * Who the other side of a TLS session is, by the certificate it showed (already checked against
   * the trusted authorities by the handshake); empty when it showed none.
   */
  public static Optional<Identity> peerIdentity(javax.net.ssl.SSLSession session) {
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate certificate ? Optional.of(identityOf(certificate)) : Optional.empty();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** A client's identity from its certificate. */
  public record Identity(String user, List<String> groups) {}

  // ---- files and encodings ----

  private static KeyPair newKeyPair() throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException("the JDK cannot make ECDSA P-256 keys", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder(SIGNATURE).build(key);
  }

  private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /**
   * An object in PEM: a certificate, or a private key as SEC1 "EC PRIVATE KEY" with its curve
   * and public point, as OpenSSL and k3s write them (Go, OpenSSL, fabric8's client and the JDK
   * through BouncyCastle read it; fabric8 reads PKCS#8 keys as RSA only).
   */
  public static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (object instanceof java.security.interfaces.ECPrivateKey key) {
        writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1(key)));
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM written to memory failed", e);
    }
    return text.toString();
  }

  /** A P-256 private key's SEC1 encoding, with the curve's name and the public point. */
  private static byte[] sec1(java.security.interfaces.ECPrivateKey key) throws IOException {
    var curve = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByOID(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1);
    byte[] point = curve.getG().multiply(key.getS()).normalize().getEncoded(false);
    return new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), new org.bouncycastle.asn1.DERBitString(point),
        new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1)).getEncoded();
  }

  /** The first certificate in a PEM file. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
      Object read = parser.readObject();
      if (!(read instanceof X509CertificateHolder holder)) {
        throw new IOException(file + " holds no certificate");
      }
      return convert(holder);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " holds a certificate that cannot be read", e);
    }
  }

  /** The private key in a PEM file. */
  public static PrivateKey readKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      return readKey(reader, file.toString());
    }
  }

  /** The private key in PEM text (PKCS#8, SEC1 or PKCS#1, as kubeconfigs carry them). */
  public static PrivateKey readKeyPem(String pem, String where) throws IOException {
    return readKey(new java.io.StringReader(pem), where);
  }

  private static PrivateKey readKey(Reader reader, String file) throws IOException {
    try (PEMParser parser = new PEMParser(reader)) {
      Object read = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (read instanceof PEMKeyPair pair) {
        // SEC1 ("EC PRIVATE KEY") as written here, or PKCS#1 RSA.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (read instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + " holds no private key");
    }
  }

  /** Writes {@code text} whole or not at all; a secret is readable by its owner only from the start. */
  public static void write(Path file, String text, boolean secret) throws IOException {
    Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      ownerOnly(temporary, secret ? "rw-------" : "rw-r--r--");
      Files.writeString(temporary, text, StandardCharsets.US_ASCII);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void ownerOnly(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // A file system without POSIX permissions (not this project's hosts): nothing to narrow.
    }
  }

  /** The subject of {@code certificate}, for messages. */
  public static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }
}
