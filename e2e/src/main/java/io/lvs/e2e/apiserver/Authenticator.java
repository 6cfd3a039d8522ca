package io.lvs.e2e.apiserver;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer-token authentication, as kube-apiserver's token authenticators do it with anonymous requests disabled: a
 * request whose {@code Authorization: Bearer} token is in the static table (the administrator's, and those the server
 * was started with) or is a service-account token this control plane signed ({@link ServiceAccountTokens}) is that
 * token's user; any other request is unauthenticated (401).
 */
final class Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, UserInfo> table;
    private final ServiceAccountTokens serviceAccounts;

    Authenticator(Map<String, UserInfo> table, ServiceAccountTokens serviceAccounts) {
        this.table = Map.copyOf(table);
        this.serviceAccounts = serviceAccounts;
    }

    /** The user an {@code Authorization} header names, or empty when it names nobody. */
    Optional<UserInfo> authenticate(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = authorization.get().strip().split("\\s+");
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            return Optional.empty();
        }
        UserInfo known = table.get(parts[1]);
        return known != null ? Optional.of(known) : serviceAccounts.verify(parts[1]);
    }

    /** A new static token: 32 random bytes, base64url. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
