package io.lvs.agent.kernel.sysctl;

/** Which entry of {@code net.ipv4.conf} / {@code net.ipv6.conf} a parameter is for: all, default, or one interface. */
public record ConfScope(String segment) {
    /** Every interface (combined with each interface's own value, see the parameter). */
    public static final ConfScope ALL = new ConfScope("all");
    /** Interfaces created from now on. */
    public static final ConfScope DEFAULT = new ConfScope("default");

    public ConfScope {
        if (segment.isEmpty() || segment.length() > 15 || segment.contains("/") || segment.equals(".")
                || segment.equals("..")) {
            throw new IllegalArgumentException("invalid interface name '" + segment + "'");
        }
    }

    /** One interface by name. */
    public static ConfScope of(String interfaceName) {
        return new ConfScope(interfaceName);
    }
}
