package dev.licnn.cli;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA, a server certificate for localhost / 127.0.0.1 and a client certificate, generated when a
 * test runs and written as PEM files (keys in PKCS#8).
 */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;

    private TestCertificates(Path dir) {
        caCert = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server.key");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client.key");
    }

    /** Generates everything under {@code dir}, with a CA named {@code caName}. */
    static TestCertificates create(Path dir, String caName) throws Exception {
        Files.createDirectories(dir);
        TestCertificates c = new TestCertificates(dir);
        KeyPair ca = keyPair();
        X500Name caSubject = new X500Name("CN=" + caName);
        X509v3CertificateBuilder cab = builder(caSubject, caSubject, ca);
        cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        cab.addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        write(c.caCert, sign(cab, ca));

        KeyPair server = keyPair();
        X509v3CertificateBuilder sb = builder(caSubject, new X500Name("CN=localhost"), server);
        sb.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                        new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                        }));
        sb.addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        write(c.serverCert, sign(sb, ca));
        writeKey(c.serverKey, server);

        KeyPair client = keyPair();
        X509v3CertificateBuilder clb =
                builder(caSubject, new X500Name("CN=licnn-test-client"), client);
        clb.addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        write(c.clientCert, sign(clb, ca));
        writeKey(c.clientKey, client);
        return c;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(
                        b.build(
                                new JcaContentSignerBuilder("SHA256withECDSA")
                                        .build(issuer.getPrivate())));
    }

    private static void write(Path p, Object pemObject) throws IOException {
        try (Writer w = Files.newBufferedWriter(p);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(pemObject);
        }
    }

    private static void writeKey(Path p, KeyPair k) throws IOException {
        write(p, new JcaPKCS8Generator(k.getPrivate(), null));
    }
}
