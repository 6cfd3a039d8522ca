package io.lvs.apiserver.model;

import com.google.common.net.InetAddresses;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CEL environments kube-apiserver gives CRD validation rules ({@code self}, {@code oldSelf}) and
 * ValidatingAdmissionPolicy expressions ({@code object}, {@code oldObject}, {@code request}, {@code params},
 * {@code namespaceObject}, {@code variables}): standard CEL and macros, the strings extension, and the Kubernetes IP
 * library functions the project's rules use ({@code isIP}, {@code ip}, {@code family}, {@code isGlobalUnicast}, ...).
 * Not provided to policies: {@code authorizer}, and the Kubernetes libraries beyond strings and IPs (lists, regex,
 * URLs, quantities, sets). The IP functions follow k8s.io/apiserver/pkg/cel/library/ip.go
 * (netip parsing; zones and IPv4-mapped IPv6 refused), implemented here with Guava so that they do not share code
 * with the operator's own validation.
 */
public final class KubernetesCel {
    private static final OpaqueType IP = OpaqueType.create("net.IP");
    private static final OpaqueType CIDR = OpaqueType.create("net.CIDR");
    /** CRD validation rules: {@code self} and {@code oldSelf}. */
    private static final Cel CEL = environment(List.of("self", "oldSelf"));
    /**
     * ValidatingAdmissionPolicy expressions: {@code object}, {@code oldObject}, {@code request}, {@code params},
     * {@code namespaceObject} and {@code variables}, the same libraries as the rules.
     */
    private static final Cel ADMISSION = environment(List.of("object", "oldObject", "request", "params",
            "namespaceObject", "variables"));

    private static Cel environment(List<String> variables) {
        var builder = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings());
        variables.forEach(v -> builder.addVar(v, SimpleType.DYN));
        return builder
                .addFunctionDeclarations(
                        CelFunctionDecl.newFunctionDeclaration("isIP",
                                CelOverloadDecl.newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)),
                        CelFunctionDecl.newFunctionDeclaration("ip",
                                CelOverloadDecl.newGlobalOverload("string_to_ip", IP, SimpleType.STRING)),
                        CelFunctionDecl.newFunctionDeclaration("family",
                                CelOverloadDecl.newMemberOverload("ip_family", SimpleType.INT, IP)),
                        CelFunctionDecl.newFunctionDeclaration("isUnspecified",
                                CelOverloadDecl.newMemberOverload("ip_is_unspecified", SimpleType.BOOL, IP)),
                        CelFunctionDecl.newFunctionDeclaration("isLoopback",
                                CelOverloadDecl.newMemberOverload("ip_is_loopback", SimpleType.BOOL, IP)),
                        CelFunctionDecl.newFunctionDeclaration("isGlobalUnicast",
                                CelOverloadDecl.newMemberOverload("ip_is_global_unicast", SimpleType.BOOL, IP)),
                        CelFunctionDecl.newFunctionDeclaration("isCIDR",
                                CelOverloadDecl.newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
                        CelFunctionDecl.newFunctionDeclaration("cidr",
                                CelOverloadDecl.newGlobalOverload("string_to_cidr", CIDR, SimpleType.STRING)),
                        CelFunctionDecl.newFunctionDeclaration("masked",
                                CelOverloadDecl.newMemberOverload("cidr_masked", CIDR, CIDR)))
                .addFunctionBindings(
                        CelFunctionBinding.from("is_ip", String.class, s -> parse(s) != null),
                        CelFunctionBinding.from("string_to_ip", String.class, KubernetesCel::ip),
                        CelFunctionBinding.from("ip_family", InetAddress.class, a -> a instanceof Inet6Address ? 6L : 4L),
                        CelFunctionBinding.from("ip_is_unspecified", InetAddress.class, InetAddress::isAnyLocalAddress),
                        CelFunctionBinding.from("ip_is_loopback", InetAddress.class, InetAddress::isLoopbackAddress),
                        CelFunctionBinding.from("ip_is_global_unicast", InetAddress.class, KubernetesCel::globalUnicast),
                        CelFunctionBinding.from("is_cidr", String.class, s -> parseCidr(s) != null),
                        CelFunctionBinding.from("string_to_cidr", String.class, KubernetesCel::cidr),
                        CelFunctionBinding.from("cidr_masked", Prefix.class, Prefix::masked))
                .build();
    }

    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private KubernetesCel() {
    }

    /**
     * netip.ParseAddr semantics as Kubernetes applies them: ASCII digits only (Guava, like Java, takes a digit of any
     * script: "１９２.０.２.１"), no leading zeros, no zones, no IPv4-mapped IPv6.
     */
    private static InetAddress parse(String s) {
        if (!s.chars().allMatch(c -> c < 0x80) || s.contains("%") || !InetAddresses.isInetAddress(s)) {
            return null;
        }
        InetAddress a = InetAddresses.forString(s);
        if (s.contains(":") && a instanceof Inet4Address) {
            return null; // IPv4-mapped
        }
        return a;
    }

    private static InetAddress ip(String s) throws CelEvaluationException {
        InetAddress a = parse(s);
        if (a == null) {
            throw new CelEvaluationException("IP Address \"" + s + "\" parse error during conversion from string");
        }
        return a;
    }

    /** A parsed CIDR (the model's net.CIDR): equal when address and length are. */
    record Prefix(InetAddress address, int bits) {
        Prefix masked() {
            int width = address.getAddress().length * 8;
            java.math.BigInteger mask = java.math.BigInteger.ONE.shiftLeft(width).subtract(java.math.BigInteger.ONE)
                    .shiftRight(bits).not();
            byte[] value = new java.math.BigInteger(1, address.getAddress()).and(mask).toByteArray();
            byte[] out = new byte[width / 8];
            for (int i = 0; i < Math.min(value.length, out.length); i++) {
                out[out.length - 1 - i] = value[value.length - 1 - i];
            }
            try {
                return new Prefix(InetAddress.getByAddress(out), bits);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // 4 or 16 bytes are always an address
            }
        }
    }

    /** netip.ParsePrefix as Kubernetes' isCIDR applies it: the address as {@link #parse}, bits without sign or leading zero. */
    private static Prefix parseCidr(String s) {
        int slash = s.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String bits = s.substring(slash + 1);
        InetAddress a = parse(s.substring(0, slash));
        if (a == null || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                || bits.length() > 1 && bits.charAt(0) == '0') {
            return null;
        }
        int n = Integer.parseInt(bits);
        return n > a.getAddress().length * 8 ? null : new Prefix(a, n);
    }

    private static Prefix cidr(String s) throws CelEvaluationException {
        Prefix p = parseCidr(s);
        if (p == null) {
            throw new CelEvaluationException("network address parse error during conversion from string: " + s);
        }
        return p;
    }

    /** Go's netip.Addr.IsGlobalUnicast. */
    private static boolean globalUnicast(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            boolean zero = b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0;
            boolean broadcast = b[0] == -1 && b[1] == -1 && b[2] == -1 && b[3] == -1;
            return !zero && !broadcast && !a.isLoopbackAddress() && !a.isMulticastAddress() && !a.isLinkLocalAddress();
        }
        return !a.isAnyLocalAddress() && !a.isLoopbackAddress() && !a.isMulticastAddress() && !a.isLinkLocalAddress();
    }

    /**
     * Compiles (once) and runs a rule; returns its boolean result.
     *
     * @param self    the value the rule's schema node holds, as plain Java values ({@link CelValues#of})
     * @param oldSelf the value it held before an update, or null (a rule using oldSelf then must not run)
     */
    public static boolean evaluate(String rule, Object self, Object oldSelf) throws CelEvaluationException {
        Object result = run(rule, self, oldSelf);
        if (!(result instanceof Boolean b)) {
            throw new CelEvaluationException("rule \"" + rule + "\" returned " + result + ", not a bool");
        }
        return b;
    }

    /** Runs a {@code messageExpression}; returns the message it builds. */
    public static String message(String expression, Object self, Object oldSelf) throws CelEvaluationException {
        Object result = run(expression, self, oldSelf);
        if (!(result instanceof String s)) {
            throw new CelEvaluationException("messageExpression \"" + expression + "\" returned " + result
                    + ", not a string");
        }
        return s;
    }

    private static Object run(String expression, Object self, Object oldSelf) throws CelEvaluationException {
        CelRuntime.Program p = PROGRAMS.computeIfAbsent(expression, KubernetesCel::compile);
        Map<String, Object> vars = oldSelf == null ? Map.of("self", self) : Map.of("self", self, "oldSelf", oldSelf);
        return p.eval(vars);
    }

    private static final Map<String, Compiled> ADMISSION_PROGRAMS = new ConcurrentHashMap<>();

    /** A compiled admission expression, or why it does not compile. */
    private record Compiled(CelRuntime.Program program, String error) {
    }

    /** Why a ValidatingAdmissionPolicy expression does not compile, or "" when it does. */
    public static String admissionCompileError(String expression) {
        return admissionProgram(expression).error();
    }

    /**
     * The value of a ValidatingAdmissionPolicy expression (a validation, condition, variable or message).
     *
     * @param inputs the admission variables by name, as plain values ({@link CelValues#unstructured}); a variable
     *     without a value is {@link CelValues#NULL}
     * @throws CelEvaluationException when it does not compile or fails while evaluated
     */
    public static Object evaluateAdmission(String expression, Map<String, Object> inputs)
            throws CelEvaluationException {
        Compiled c = admissionProgram(expression);
        if (c.program() == null) {
            throw new CelEvaluationException("compilation failed: " + c.error());
        }
        return c.program().eval(inputs);
    }

    private static Compiled admissionProgram(String expression) {
        return ADMISSION_PROGRAMS.computeIfAbsent(expression, e -> {
            try {
                return new Compiled(ADMISSION.createProgram(ADMISSION.compile(e).getAst()), "");
            } catch (CelValidationException | CelEvaluationException ex) {
                return new Compiled(null, ex.getMessage());
            }
        });
    }

    /** Compiles a rule, failing with the compiler's message when it does not compile. */
    public static CelRuntime.Program compile(String rule) {
        try {
            CelAbstractSyntaxTree ast = CEL.compile(rule).getAst();
            return CEL.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("CEL rule does not compile: " + rule + "\n" + e.getMessage(), e);
        }
    }
}
