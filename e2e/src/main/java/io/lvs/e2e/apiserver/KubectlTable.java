package io.lvs.e2e.apiserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tables {@code kubectl get} prints, read back into headers and cells by column position
 * (kubectl aligns every cell under its header; a category prints one table per kind, separated by
 * a blank line).
 *
 * @param headers as printed, e.g. "NAME", "VIP", "READY BACKENDS"
 * @param rows one map per row from header to cell text ("" for an empty cell)
 */
public record KubectlTable(List<String> headers, List<Map<String, String>> rows) {

    public KubectlTable {
        headers = List.copyOf(headers);
        rows = List.copyOf(rows);
    }

    /** Every table in {@code output}, in order. */
    public static List<KubectlTable> parseAll(String output) {
        List<KubectlTable> tables = new ArrayList<>();
        List<String> block = new ArrayList<>();
        for (String line : (output + "\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (!block.isEmpty()) {
                    tables.add(parseBlock(block));
                    block.clear();
                }
            } else {
                block.add(line);
            }
        }
        return List.copyOf(tables);
    }

    /** The only table in {@code output}; fails if there is not exactly one. */
    public static KubectlTable parse(String output) {
        List<KubectlTable> tables = parseAll(output);
        if (tables.size() != 1) {
            throw new IllegalArgumentException("expected one table, found " + tables.size() + " in:\n" + output);
        }
        return tables.getFirst();
    }

    private static KubectlTable parseBlock(List<String> lines) {
        String header = lines.getFirst();
        List<Integer> starts = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        int i = 0;
        while (i < header.length()) {
            while (i < header.length() && header.charAt(i) == ' ') {
                i++;
            }
            if (i >= header.length()) {
                break;
            }
            int start = i;
            // A header ends at two spaces in a row; single spaces belong to it ("READY BACKENDS").
            while (i < header.length() && !(header.charAt(i) == ' '
                    && (i + 1 >= header.length() || header.charAt(i + 1) == ' '))) {
                i++;
            }
            starts.add(start);
            headers.add(header.substring(start, i));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < starts.size(); c++) {
                int from = Math.min(starts.get(c), line.length());
                int to = c + 1 < starts.size() ? Math.min(starts.get(c + 1), line.length()) : line.length();
                row.put(headers.get(c), line.substring(from, to).strip());
            }
            rows.add(row);
        }
        return new KubectlTable(headers, rows);
    }

    /** The row whose NAME cell is {@code name} (kubectl may print "kind.group/name" there). */
    public Optional<Map<String, String>> row(String name) {
        return rows.stream()
                .filter(r -> {
                    String cell = r.getOrDefault("NAME", "");
                    return cell.equals(name) || cell.endsWith("/" + name);
                })
                .findFirst();
    }
}
