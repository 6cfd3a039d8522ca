package io.lvs.agent.health;

/** The caller's stable, opaque name for one health check target (e.g. a real server and port of a VirtualService). */
public record CheckKey(String value) {
    public CheckKey {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a check key must not be empty");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
