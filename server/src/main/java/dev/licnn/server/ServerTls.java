package dev.licnn.server;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * TLS for the gRPC port: a certificate chain and its private key (PEM; the key in PKCS#8, as {@code
 * openssl genpkey} writes it), and optionally the CA whose client certificates are required (mutual
 * TLS).
 *
 * <pre>{@code
 * ServerCredentials creds = ServerTls.credentials(Path.of("server.pem"), Path.of("server.key"), null);
 * server.start(NettyServerBuilder.forAddress(new InetSocketAddress(50051), creds));
 * }</pre>
 */
public final class ServerTls {

    private ServerTls() {}

    /**
     * The TLS files of a port: a certificate chain, its private key, and optionally the CA whose
     * client certificates are required.
     */
    public record TlsFiles(Path certChain, Path privateKey, @Nullable Path clientCa) {
        public TlsFiles {
            java.util.Objects.requireNonNull(certChain, "certChain");
            java.util.Objects.requireNonNull(privateKey, "privateKey");
        }

        /** The same files for the web port. */
        public dev.licnn.server.web.GrpcWebServer.Tls forWeb() {
            return new dev.licnn.server.web.GrpcWebServer.Tls(certChain, privateKey, clientCa);
        }
    }

    /** {@link #credentials(Path, Path, Path)} of {@code files}. */
    public static ServerCredentials credentials(TlsFiles files) {
        return credentials(files.certChain(), files.privateKey(), files.clientCa());
    }

    /**
     * Credentials that serve {@code certChain} with {@code privateKey}; with {@code clientCa},
     * every client must present a certificate that CA signed.
     *
     * @throws IllegalArgumentException naming the file that is missing or cannot be used
     */
    public static ServerCredentials credentials(
            Path certChain, Path privateKey, @Nullable Path clientCa) {
        for (Path p :
                clientCa == null
                        ? new Path[] {certChain, privateKey}
                        : new Path[] {certChain, privateKey, clientCa}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read TLS file " + p);
            }
        }
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
        try {
            b.keyManager(certChain.toFile(), privateKey.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "TLS certificate "
                            + certChain
                            + " or key "
                            + privateKey
                            + " cannot be used (the key must be PEM PKCS#8): "
                            + e.getMessage(),
                    e);
        }
        if (clientCa != null) {
            try {
                b.trustManager(clientCa.toFile());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "client CA " + clientCa + " cannot be used: " + e.getMessage(), e);
            }
            b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return b.build();
    }
}
