package dev.licnn.cli;

import dev.licnn.client.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command connects to a remote server: TLS, the trusted CA, a client certificate. */
public final class ClientSecurity {

    @Option(
            names = "--tls",
            description = "Connect with TLS, trusting the JVM's CA certificates (implied by --ca).")
    boolean tls;

    @Option(
            names = "--ca",
            description = "Connect with TLS, trusting the CA certificates in this PEM file.")
    Path ca;

    @Option(
            names = "--cert",
            description =
                    "Client certificate chain (PEM) for servers that require one (mutual TLS).")
    Path cert;

    @Option(names = "--key", description = "Private key of --cert (PEM, PKCS#8).")
    Path key;

    @Option(
            names = "--token-file",
            description =
                    "Send the bearer token in this file (its first line that is not blank or a # comment).")
    Path tokenFile;

    /** Applies these settings to {@code b}. */
    public ClientOptions.Builder apply(ClientOptions.Builder b) {
        for (Path p : new Path[] {ca, cert, key, tokenFile}) {
            if (p != null && !Files.isReadable(p)) {
                throw new CliException("cannot read " + p);
            }
        }
        if ((cert == null) != (key == null)) {
            throw new CliException("--cert and --key go together");
        }
        return b.optTls(tls)
                .optTrustedCertificates(ca)
                .optClientCertificate(cert, key)
                .optBearerToken(token());
    }

    private String token() {
        if (tokenFile == null) {
            return null;
        }
        try {
            return Files.readAllLines(tokenFile).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElseThrow(() -> new CliException("no token in " + tokenFile));
        } catch (java.io.IOException e) {
            throw new CliException("cannot read " + tokenFile + ": " + e.getMessage());
        }
    }
}
