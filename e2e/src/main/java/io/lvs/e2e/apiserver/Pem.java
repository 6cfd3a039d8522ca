package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text of the server's certificates and keys, written and read as openssl and kubeadm write them. */
final class Pem {
    private Pem() {
    }

    /** A certificate, a public key ("PUBLIC KEY") or a private key (PKCS#8 "PRIVATE KEY"). */
    static String of(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        }
        return out.toString();
    }

    static X509Certificate certificate(String pem) throws IOException {
        try {
            return new JcaX509CertificateConverter().getCertificate(read(pem, X509CertificateHolder.class));
        } catch (CertificateException e) {
            throw new IOException("not a certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(String pem) throws IOException {
        return new JcaPEMKeyConverter().getPrivateKey(read(pem, PrivateKeyInfo.class));
    }

    static PublicKey publicKey(String pem) throws IOException {
        return new JcaPEMKeyConverter().getPublicKey(read(pem, SubjectPublicKeyInfo.class));
    }

    static KeyPair keyPair(String publicPem, String privatePem) throws IOException {
        return new KeyPair(publicKey(publicPem), privateKey(privatePem));
    }

    private static <T> T read(String pem, Class<T> type) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (!type.isInstance(object)) {
                throw new IOException("expected PEM of " + type.getSimpleName() + ", found "
                        + (object == null ? "nothing" : object.getClass().getSimpleName()));
            }
            return type.cast(object);
        }
    }
}
