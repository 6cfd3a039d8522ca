package io.lvs.agent.election;

import io.lvs.agent.kernel.vrrp.VrrpKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directors' advert keys, as the key file (a mounted Secret) lists them: one key per line, {@code <id>:<base64
 * secret>}, blank lines and {@code #} comments ignored. The first key signs this node's adverts; every listed key is
 * accepted on receipt. A rotation without a failover therefore goes in three steps, each reaching every node before
 * the next: add the new key as a second line (all accept it), move it to the first line (all sign with it, the old
 * one still accepted), remove the old line.
 *
 * @param keys the keys in file order: the first signs
 */
public record VrrpKeyRing(List<VrrpKey> keys) {
    public VrrpKeyRing {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs at least one key");
        }
        Set<Integer> ids = new HashSet<>();
        for (VrrpKey k : keys) {
            if (!ids.add(k.id())) {
                throw new IllegalArgumentException("key id " + k.id() + " is listed twice");
            }
        }
    }

    /** The key this node signs with. */
    public VrrpKey signing() {
        return keys.getFirst();
    }

    /** Reads {@code file}; IllegalArgumentException naming the file and line when it is malformed. */
    public static VrrpKeyRing read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the VRRP key file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses the key file's text; {@code origin} names it in errors. */
    public static VrrpKeyRing parse(String text, String origin) {
        List<VrrpKey> keys = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = origin + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(where + ": expected <id>:<base64 secret>");
            }
            int id;
            try {
                id = Integer.parseInt(line.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": the key id must be a number");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(line.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": the secret is not base64");
            }
            try {
                keys.add(new VrrpKey(id, secret));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(origin + " lists no key");
        }
        try {
            return new VrrpKeyRing(keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }
}
