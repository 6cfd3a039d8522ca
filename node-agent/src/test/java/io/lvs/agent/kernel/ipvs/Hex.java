package io.lvs.agent.kernel.ipvs;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Hex dumps written by hand in tests: whitespace separates bytes, '#' starts a comment to the line end. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String annotated) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : annotated.split("\n")) {
            int hash = line.indexOf('#');
            String data = hash >= 0 ? line.substring(0, hash) : line;
            for (String tok : data.trim().split("\\s+")) {
                if (!tok.isEmpty()) {
                    out.writeBytes(HexFormat.of().parseHex(tok));
                }
            }
        }
        return out.toByteArray();
    }

    static String dump(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            s.append(i % 8 == 0 ? (i == 0 ? "" : "\n") : " ").append(HexFormat.of().toHexDigits(b[i]));
        }
        return s.toString();
    }
}
