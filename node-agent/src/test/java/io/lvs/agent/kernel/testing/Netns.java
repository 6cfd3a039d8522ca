package io.lvs.agent.kernel.testing;

import io.lvs.agent.kernel.sys.NetworkNamespace;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace for one test, made with {@code ip netns add} under a unique name and removed
 * (with everything in it) on close. {@code lo} is up.
 */
public final class Netns implements AutoCloseable {
    private static final Pattern ADDR_INFO = Pattern.compile("\\{\"family\":\"(inet6?)\",\"local\":\"([^\"]+)\",\"prefixlen\":(\\d+)([^}]*)}");
    private static final Pattern FLAG = Pattern.compile("\"(\\w+)\":true");
    private static final Pattern SCOPE = Pattern.compile("\"scope\":\"(\\w+)\"");

    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates {@code lvs-PREFIX-XXXXXX} (random suffix, so parallel runs do not collide). */
    public static Netns create(String prefix) {
        String name = "lvs-" + prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        Cmd.ok("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Two fresh namespaces joined by a veth pair; closing it removes both (and the pair). */
    public record Pair(Netns a, Netns b) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    /** Creates {@code PREFIX-a} and {@code PREFIX-b} namespaces joined by {@code aDevice} / {@code bDevice}, both up. */
    public static Pair pair(String prefix, String aDevice, String bDevice) {
        Netns a = create(prefix + "-a");
        Netns b;
        try {
            b = create(prefix + "-b");
        } catch (RuntimeException | AssertionError e) {
            a.close();
            throw e;
        }
        Pair p = new Pair(a, b);
        try {
            veth(a, aDevice, b, bDevice);
        } catch (RuntimeException | AssertionError e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Creates a veth pair: {@code aName} in {@code a}, {@code bName} in {@code b}, both up. */
    public static void veth(Netns a, String aName, Netns b, String bName) {
        a.ip("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.name);
        a.ip("link", "set", aName, "up");
        b.ip("link", "set", bName, "up");
    }

    public String name() {
        return name;
    }

    public NetworkNamespace namespace() {
        return NetworkNamespace.named(name);
    }

    /** {@code ip -n NAME ARGS...}; fails the test unless it exits 0. */
    public String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(Arrays.asList(args));
        return Cmd.ok(cmd.toArray(String[]::new));
    }

    /** {@code ip netns exec NAME COMMAND...}, whatever its exit status. */
    public Cmd.Result exec(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(Arrays.asList(command));
        return Cmd.run(cmd.toArray(String[]::new));
    }

    /** An address as {@code ip -j addr} shows it: family "inet"/"inet6", the boolean flags set ("nodad", "tentative"...). */
    public record OracleAddress(String family, String local, int prefixLength, String scope, List<String> flags) {
        public InetAddress address() {
            return InetAddress.ofLiteral(local);
        }
    }

    /** The addresses of {@code device} according to {@code ip -j addr show dev DEVICE}. */
    public List<OracleAddress> addresses(String device) {
        String json = ip("-j", "addr", "show", "dev", device);
        List<OracleAddress> out = new ArrayList<>();
        Matcher m = ADDR_INFO.matcher(json);
        while (m.find()) {
            List<String> flags = new ArrayList<>();
            Matcher f = FLAG.matcher(m.group(4));
            while (f.find()) {
                flags.add(f.group(1));
            }
            Matcher s = SCOPE.matcher(m.group(4));
            out.add(new OracleAddress(m.group(1), m.group(2), Integer.parseInt(m.group(3)), s.find() ? s.group(1) : "", flags));
        }
        return out;
    }

    /** The oracle's entry for {@code address} on {@code device}, if any. */
    public Optional<OracleAddress> address(String device, InetAddress address) {
        return addresses(device).stream().filter(a -> a.address().equals(address)).findFirst();
    }

    @Override
    public void close() {
        namespace().release(); // so the kernel frees it now, not when the worker thread idles out
        Cmd.run("ip", "netns", "del", name);
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
