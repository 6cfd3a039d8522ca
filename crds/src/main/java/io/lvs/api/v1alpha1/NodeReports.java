package io.lvs.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/** Naming of NodeReports, shared by the agents that write them and the operator that reads them. */
public final class NodeReports {
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final int MAX_NAME = 253;

    private NodeReports() {
    }

    /** The report of {@code node} about {@code virtualService}: "{virtualService}.{node}", hashed if too long. */
    public static String name(String virtualService, String node) {
        String plain = virtualService + "." + node;
        if (plain.length() <= MAX_NAME) {
            return plain;
        }
        String h = hash(plain, 16);
        return plain.substring(0, MAX_NAME - h.length() - 1) + "-" + h;
    }

    /** A label value naming {@code name}: the name itself when it is a valid label value, else a stable hash. */
    public static String labelValue(String name) {
        return name.length() <= 63 && LABEL_VALUE.matcher(name).matches() ? name : "h-" + hash(name, 40);
    }

    /** The labels every report carries, so the operator can list a VirtualService's reports. */
    public static Map<String, String> labels(String virtualService, String node) {
        return Map.of(NodeReport.VIRTUAL_SERVICE_LABEL, labelValue(virtualService), NodeReport.NODE_LABEL, labelValue(node));
    }

    static String hash(String s, int hexChars) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
