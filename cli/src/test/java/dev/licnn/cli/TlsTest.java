package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.client.ClientOptions;
import dev.licnn.client.LicnnClient;
import dev.licnn.server.LicnnServer;
import dev.licnn.server.ServeCommand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the gRPC port, from the Java client and the CLI, with certificates made for
 * the test.
 */
class TlsTest {

    @TempDir static Path tmp;
    static TestCertificates certs;
    static TestCertificates otherCa;
    static Path image;
    static String model;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(tmp.resolve("pki"), "licnn test CA");
        otherCa = TestCertificates.create(tmp.resolve("other"), "another CA");
        // The repository's bundled model (LICNN_HOME, set by the build); loading fails if it is
        // missing,
        // so the servers below are known to serve it rather than a fallback.
        model =
                dev.licnn.engine.model.ModelCard.load(
                                dev.licnn.server.BundledModels.home()
                                        .resolve(dev.licnn.server.BundledModels.DEFAULT_MODEL_DIR))
                        .name();
        image = tmp.resolve("shape.png");
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.createGraphics().fillOval(10, 10, 40, 40);
        javax.imageio.ImageIO.write(img, "png", image.toFile());
    }

    /** {@code serve} with these flags on a loopback port. */
    static LicnnServer serve(String... flags) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "0",
                                "--metrics-port",
                                "-1",
                                "--no-warmup",
                                "--shutdown-delay-seconds",
                                "0"));
        args.addAll(List.of(flags));
        return ServeCommand.start(args.toArray(new String[0]));
    }

    static ClientOptions.Builder options() {
        return ClientOptions.builder().optDeadline(Duration.ofSeconds(30)).optRetry(false);
    }

    /** A {@code ListModels} call with {@code options} fails with {@code code}. */
    static void assertRefused(Status.Code code, int port, ClientOptions options) {
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> listModels(port, options));
        assertEquals(code, e.getStatus().getCode());
    }

    static String listModels(int port, ClientOptions opts) {
        try (LicnnClient c = LicnnClient.connect("127.0.0.1:" + port, opts)) {
            return c.listModels().getDefaultModel();
        }
    }

    @Test
    void tls_clientTrustingTheCa_connects_othersAreRefused() throws Exception {
        LicnnServer server =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString());
        try {
            int port = server.port();
            assertEquals(
                    model,
                    listModels(port, options().optTrustedCertificates(certs.caCert).build()));
            assertRefused(Status.Code.UNAVAILABLE, port, options().build());
            assertRefused(
                    Status.Code.UNAVAILABLE,
                    port,
                    options().optTrustedCertificates(otherCa.caCert).build());

            String target = "127.0.0.1:" + port;
            LicnnCliTest.Run ok =
                    LicnnCliTest.run("health", "--target", target, "--ca", certs.caCert.toString());
            assertEquals(0, ok.code(), ok.out() + ok.err());
            LicnnCliTest.Run plainCli =
                    LicnnCliTest.run("health", "--target", target, "--timeout-seconds", "3");
            assertEquals(1, plainCli.code(), plainCli.out() + plainCli.err());
            LicnnCliTest.Run classify =
                    LicnnCliTest.run(
                            "classify",
                            image.toString(),
                            "--target",
                            target,
                            "--ca",
                            certs.caCert.toString(),
                            "--top-k",
                            "2");
            assertEquals(0, classify.code(), classify.out() + classify.err());
            assertTrue(classify.out().contains("shape.png"), classify.out());
        } finally {
            server.close();
        }
    }

    @Test
    void mutualTls_requiresAClientCertificateFromTheCa() throws Exception {
        LicnnServer server =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString(),
                        "--tls-client-ca",
                        certs.caCert.toString());
        try {
            int port = server.port();
            assertEquals(
                    model,
                    listModels(
                            port,
                            options()
                                    .optTrustedCertificates(certs.caCert)
                                    .optClientCertificate(certs.clientCert, certs.clientKey)
                                    .build()));
            assertRefused(
                    Status.Code.UNAVAILABLE,
                    port,
                    options().optTrustedCertificates(certs.caCert).build());
            assertRefused(
                    Status.Code.UNAVAILABLE,
                    port,
                    options()
                            .optTrustedCertificates(certs.caCert)
                            .optClientCertificate(otherCa.clientCert, otherCa.clientKey)
                            .build());

            LicnnCliTest.Run ok =
                    LicnnCliTest.run(
                            "health",
                            "--target",
                            "127.0.0.1:" + port,
                            "--ca",
                            certs.caCert.toString(),
                            "--cert",
                            certs.clientCert.toString(),
                            "--key",
                            certs.clientKey.toString());
            assertEquals(0, ok.code(), ok.out() + ok.err());
        } finally {
            server.close();
        }
    }

    @Test
    void bearerToken_overTls_fromTheClientAndTheCli() throws Exception {
        Path tokens = tmp.resolve("tokens");
        java.nio.file.Files.writeString(tokens, "# one per line\nclient-token-0123456789\n");
        Path wrong = tmp.resolve("wrong-token");
        java.nio.file.Files.writeString(wrong, "someone-else-0123456789\n");
        LicnnServer server =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString(),
                        "--token-file",
                        tokens.toString());
        try {
            int port = server.port();
            ClientOptions.Builder tls = options().optTrustedCertificates(certs.caCert);
            assertEquals(
                    model, listModels(port, tls.optBearerToken("client-token-0123456789").build()));
            assertRefused(
                    Status.Code.UNAUTHENTICATED,
                    port,
                    options().optTrustedCertificates(certs.caCert).build());

            String target = "127.0.0.1:" + port;
            LicnnCliTest.Run ok =
                    LicnnCliTest.run(
                            "classify",
                            image.toString(),
                            "--target",
                            target,
                            "--ca",
                            certs.caCert.toString(),
                            "--token-file",
                            tokens.toString(),
                            "--top-k",
                            "1");
            assertEquals(0, ok.code(), ok.out() + ok.err());
            LicnnCliTest.Run refused =
                    LicnnCliTest.run(
                            "models",
                            "--target",
                            target,
                            "--ca",
                            certs.caCert.toString(),
                            "--token-file",
                            wrong.toString());
            assertTrue(refused.code() != 0, refused.out() + refused.err());
            assertTrue(
                    (refused.out() + refused.err()).contains("UNAUTHENTICATED"),
                    refused.out() + refused.err());
            LicnnCliTest.Run health =
                    LicnnCliTest.run("health", "--target", target, "--ca", certs.caCert.toString());
            assertEquals(0, health.code(), "health needs no token: " + health.out() + health.err());
        } finally {
            server.close();
        }
    }

    @Test
    void tlsFlags_mustComeTogether() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> serve("--tls-cert", certs.serverCert.toString()));
        assertTrue(e.getMessage().contains("--tls-cert and --tls-key"), e.getMessage());
    }

    /**
     * An HTTPS client trusting {@code ca}, presenting {@code certs}' client certificate if asked.
     */
    static java.net.http.HttpClient https(Path ca, boolean clientCertificate) throws Exception {
        java.security.cert.CertificateFactory cf =
                java.security.cert.CertificateFactory.getInstance("X.509");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(ca)) {
            trust.setCertificateEntry("ca", cf.generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.KeyManager[] kms = null;
        if (clientCertificate) {
            String pem = java.nio.file.Files.readString(certs.clientKey);
            byte[] der =
                    java.util.Base64.getMimeDecoder()
                            .decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            java.security.PrivateKey key =
                    java.security.KeyFactory.getInstance("EC")
                            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            java.security.cert.Certificate cert;
            try (var in = java.nio.file.Files.newInputStream(certs.clientCert)) {
                cert = cf.generateCertificate(in);
            }
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, new char[0], new java.security.cert.Certificate[] {cert});
            javax.net.ssl.KeyManagerFactory kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(
                            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            kms = kmf.getKeyManagers();
        }
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kms, tmf.getTrustManagers(), null);
        return java.net.http.HttpClient.newBuilder()
                .sslContext(ctx)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The status of {@code GET url} with {@code client}, or -1 if the connection failed. */
    static int get(java.net.http.HttpClient client, String url) throws InterruptedException {
        try {
            return client.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void webPort_servesHttpsWithTheGrpcPortsCertificate_andRefusesPlainHttp() throws Exception {
        LicnnServer server =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString(),
                        "--web-port",
                        "0");
        try {
            String web = "127.0.0.1:" + server.webPort();
            assertEquals(200, get(https(certs.caCert, false), "https://" + web + "/"));
            assertEquals(-1, get(https(otherCa.caCert, false), "https://" + web + "/"));
            assertEquals(-1, get(java.net.http.HttpClient.newHttpClient(), "http://" + web + "/"));
        } finally {
            server.close();
        }
        LicnnServer plain =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString(),
                        "--web-port",
                        "0",
                        "--web-plaintext");
        try {
            assertEquals(
                    200,
                    get(
                            java.net.http.HttpClient.newHttpClient(),
                            "http://127.0.0.1:" + plain.webPort() + "/"));
        } finally {
            plain.close();
        }
    }

    @Test
    void webPort_withMutualTls_requiresAClientCertificateFromTheCa() throws Exception {
        LicnnServer server =
                serve(
                        "--tls-cert",
                        certs.serverCert.toString(),
                        "--tls-key",
                        certs.serverKey.toString(),
                        "--tls-client-ca",
                        certs.caCert.toString(),
                        "--web-port",
                        "0");
        try {
            String url = "https://127.0.0.1:" + server.webPort() + "/";
            assertEquals(200, get(https(certs.caCert, true), url));
            assertEquals(-1, get(https(certs.caCert, false), url));
        } finally {
            server.close();
        }
    }
}
