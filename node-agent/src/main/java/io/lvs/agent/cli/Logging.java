package io.lvs.agent.cli;

import java.util.Map;

/**
 * Configures the agent's log (slf4j-simple on stderr, one line per event with a UTC timestamp), before any logger is
 * made. {@code LVS_AGENT_LOG_LEVEL} sets the agent's level; the Kubernetes client logs warnings only.
 */
final class Logging {
    private Logging() {
    }

    static void configure(Map<String, String> env) {
        String level = env.getOrDefault("LVS_AGENT_LOG_LEVEL", "INFO").strip().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("error", "warn", "info", "debug").contains(level)) {
            level = "info";
        }
        set("org.slf4j.simpleLogger.defaultLogLevel", level);
        set("org.slf4j.simpleLogger.log.io.fabric8", "warn");
        // "resource type ... with unstable version v1alpha1", once per informer: not news to anyone running this
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
