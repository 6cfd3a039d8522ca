package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS certificate: a self-signed one made for the addresses it listens on (and loopback), which the
 * kubeconfigs name as their certificate authority; made at start, or kept from an earlier start ({@link ServerKeys}). TLS is not optional here: kubectl, helm and every client-go
 * program send a kubeconfig's token only to an https server.
 *
 * @param certificatePem the certificate (PEM), also the CA clients trust
 * @param privateKeyPem its key (PKCS#8 PEM)
 * @param certificate the certificate itself, for test clients' trust
 */
record ServerCertificate(String certificatePem, String privateKeyPem, X509Certificate certificate) {

    /** A new EC P-256 certificate valid for a year, for {@code address}, 127.0.0.1, ::1 and localhost. */
    static ServerCertificate forAddress(InetAddress address) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=lvs-embedded-apiserver");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, keys.getPublic());
            Set<String> ips = new LinkedHashSet<>(List.of(address.getHostAddress(), "127.0.0.1", "::1"));
            List<GeneralName> names = new ArrayList<>();
            ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new ServerCertificate(Pem.of(certificate), Pem.of(keys.getPrivate()), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the API server's certificate", e);
        }
    }

    /** A certificate and key kept from an earlier start ({@link ServerKeys}). */
    static ServerCertificate of(String certificatePem, String privateKeyPem) throws IOException {
        Pem.privateKey(privateKeyPem); // a key that does not read fails here, not in the TLS handshake
        return new ServerCertificate(certificatePem, privateKeyPem, Pem.certificate(certificatePem));
    }

    /** A TLS context that trusts this certificate only, for test clients of the server. */
    SSLContext clientContext() {
        return trusting(certificate);
    }

    /** A TLS context that trusts {@code certificate} only. */
    static SSLContext trusting(X509Certificate certificate) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("lvs-embedded-apiserver", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the API server's certificate", e);
        }
    }
}
