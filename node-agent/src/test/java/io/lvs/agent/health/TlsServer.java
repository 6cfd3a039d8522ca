package io.lvs.agent.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server for tests with a certificate made by the JDK's keytool: answers every request with
 * "200 ok" and records the SNI names clients sent (empty list: none). A thread per connection: fine
 * for a test.
 */
final class TlsServer implements AutoCloseable {
    static final String PASSWORD = "changeit";

    /** A self-signed certificate for {@code server.test} and 127.0.0.1, in a PKCS12 key store made by keytool. */
    record Certificate(Path keyStore) {
        static Certificate generate(Path dir) {
            Path ks = dir.resolve("server.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            try {
                Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=server.test", "-ext", "SAN=dns:server.test,ip:127.0.0.1", "-validity", "2",
                        "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("keytool failed: " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Certificate(ks);
        }

        KeyStore keys() {
            try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
                KeyStore k = KeyStore.getInstance("PKCS12");
                k.load(in, PASSWORD.toCharArray());
                return k;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A trust store holding only this certificate. */
        KeyStore trust() {
            try {
                java.security.cert.Certificate cert = keys().getCertificate("server");
                KeyStore t = KeyStore.getInstance("PKCS12");
                t.load(null, null);
                t.setCertificateEntry("server", cert);
                return t;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final SSLServerSocket server;
    private final Thread acceptor;
    private final ConcurrentLinkedQueue<List<String>> serverNames = new ConcurrentLinkedQueue<>();

    TlsServer(Certificate certificate, InetAddress address) {
        this(certificate, address, 0);
    }

    /** A server on {@code port} of {@code address} (to bring a "killed" server back on its port). */
    TlsServer(Certificate certificate, InetAddress address, int port) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(certificate.keys(), PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 128, address);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        acceptor = Thread.ofPlatform().daemon().name("test-tls-server").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The SNI names of each completed handshake, in order. */
    List<List<String>> serverNames() {
        return List.copyOf(serverNames);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                Thread.ofPlatform().daemon().name("test-tls-conn").start(() -> serve(s));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a client that went away mid-accept: go on
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(5000);
            s.startHandshake();
            List<SNIServerName> names = ((ExtendedSSLSession) s.getSession()).getRequestedServerNames();
            serverNames.add(names.stream().map(n -> ((SNIHostName) n).getAsciiName()).toList());
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
                head.append((char) b);
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the client refused the certificate, or reset after its verdict: both are part of the tests
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
