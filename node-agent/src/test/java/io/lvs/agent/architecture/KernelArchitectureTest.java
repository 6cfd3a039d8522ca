package io.lvs.agent.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.KernelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rooms of the agent, held by reading its compiled classes (the JDK's class-file API): every class another class
 * names in its constant pool, descriptors and generic signatures included. The kernel library is a library: it names
 * no Kubernetes, Quarkus or API type, and its public surface is its façades and their values - no other room names
 * its libc bindings, codecs, netlink internals or constants classes (some of which must be public for Java's package
 * rules: this test is the boundary). The model decides and does no I/O.
 */
class KernelArchitectureTest {
    private static final String KERNEL = "io/lvs/agent/kernel/";
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+)[;<]");
    private static List<Compiled> classes;

    /** One compiled class and every class it names (internal names, nested classes as Outer$Inner). */
    record Compiled(String name, Set<String> references) {
        boolean in(String packagePrefix) {
            return name.startsWith(packagePrefix);
        }
    }

    @BeforeAll
    static void readTheAgentsClasses() throws IOException, URISyntaxException {
        Path root = Path.of(KernelException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(root)) {
            classes = files.filter(p -> p.toString().endsWith(".class")).map(KernelArchitectureTest::read).toList();
        }
        assertTrue(classes.size() > 100, "read the agent's classes from " + root + ": " + classes.size());
    }

    private static Compiled read(Path file) {
        try {
            ClassModel m = ClassFile.of().parse(Files.readAllBytes(file));
            Set<String> refs = new TreeSet<>();
            for (PoolEntry e : m.constantPool()) {
                if (e instanceof ClassEntry c) {
                    String n = c.asInternalName();
                    refs.add(n.startsWith("[") ? stripArray(n) : n);
                } else if (e instanceof Utf8Entry u) {
                    Matcher d = DESCRIPTOR_CLASS.matcher(u.stringValue()); // descriptors and generic signatures
                    while (d.find()) {
                        refs.add(d.group(1));
                    }
                }
            }
            String self = m.thisClass().asInternalName();
            refs.remove(self);
            return new Compiled(self, refs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripArray(String n) {
        Matcher d = DESCRIPTOR_CLASS.matcher(n);
        return d.find() ? d.group(1) : n;
    }

    @Test
    void theKernelLibraryNamesNoKubernetesQuarkusOrApiTypeAndNothingOfTheAgentAboveIt() {
        List<String> found = violations(c -> c.in(KERNEL), r -> r.startsWith("io/fabric8/") || r.startsWith("io/quarkus/")
                || r.startsWith("io/lvs/api/") || (r.startsWith("io/lvs/") && !r.startsWith(KERNEL)));
        assertEquals(List.of(), found);
    }

    @Test
    void outsideTheKernelLibraryNobodyNamesLibcCodecsNetlinkInternalsOrConstants() {
        List<String> found = violations(c -> !c.in(KERNEL), r -> r.startsWith(KERNEL) && internal(r));
        assertEquals(List.of(), found);
    }

    @Test
    void theModelDoesNoIo() {
        List<String> found = violations(c -> c.in("io/lvs/agent/model/"), KernelArchitectureTest::io);
        assertEquals(List.of(), found);
    }

    /** The kernel library's insides: what only its own packages may name. */
    static boolean internal(String r) {
        String outer = r.contains("$") ? r.substring(0, r.indexOf('$')) : r;
        String simple = outer.substring(outer.lastIndexOf('/') + 1);
        return outer.equals(KERNEL + "sys/Libc")
                || simple.endsWith("Codec")
                || outer.startsWith(KERNEL + "netlink/")
                || simple.endsWith("Constants")
                || outer.equals(KERNEL + "rtnl/Rtnetlink");
    }

    /** A type through which code reaches the kernel, the network, files or the API server. */
    static boolean io(String r) {
        return (r.startsWith(KERNEL) && (r.endsWith("/Ipvs") || r.endsWith("/Rtnl") || r.endsWith("/Sysctls")
                        || r.endsWith("/Announcer") || r.endsWith("/IcmpProber") || r.endsWith("/VrrpSocket")
                        || r.endsWith("/NetworkNamespace") || r.endsWith("/KernelModules") || internal(r)))
                || r.startsWith("io/fabric8/kubernetes/client/")
                || r.startsWith("java/net/Socket") || r.startsWith("java/net/ServerSocket")
                || r.startsWith("java/net/DatagramSocket") || r.startsWith("java/net/http/")
                || r.startsWith("java/nio/channels/") || r.equals("java/nio/file/Files")
                || r.startsWith("java/io/File") || r.startsWith("java/lang/foreign/");
    }

    @Test
    void theRulesSeeWhatTheyLookFor() {
        // the test reads real references: a kernel façade names its codec, the loop names the façades
        assertTrue(named("io/lvs/agent/kernel/ipvs/Ipvs").references().contains(KERNEL + "ipvs/IpvsCodec"));
        assertTrue(named("io/lvs/agent/node/NodeKernel").references().contains(KERNEL + "ipvs/Ipvs"));
        assertTrue(internal(KERNEL + "vrrp/VrrpCodec$Accepted"));
        assertTrue(internal(KERNEL + "sys/Libc$MsgHdr"));
        assertTrue(io("java/nio/file/Files"));
    }

    private static Compiled named(String name) {
        return classes.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    private static List<String> violations(Predicate<Compiled> which, Predicate<String> forbidden) {
        List<String> out = new ArrayList<>();
        for (Compiled c : classes) {
            if (which.test(c)) {
                c.references().stream().filter(forbidden).forEach(r -> out.add(c.name() + " -> " + r));
            }
        }
        return out;
    }
}
