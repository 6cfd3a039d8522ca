package io.lvs.e2e.guest.programs;

import io.lvs.agent.kernel.sys.Errno;
import io.lvs.agent.kernel.sys.NetworkNamespace;
import io.lvs.agent.kernel.sysctl.Sysctl;
import io.lvs.agent.kernel.sysctl.SysctlChange;
import io.lvs.agent.kernel.sysctl.SysctlException;
import io.lvs.agent.kernel.sysctl.SysctlSetting;
import io.lvs.agent.kernel.sysctl.Sysctls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Inside the guest (scenario {@code vs-sysctls}), in the namespace named by the first argument:
 * before ip_vs is loaded the IPVS parameters are reported absent with the reason; after
 * {@code modprobe ip_vs} they are set, checked with {@code sysctl -n} in the namespace, and restored.
 */
public final class VsSysctls {
    private VsSysctls() {
    }

    public static void main(String[] args) throws Exception {
        Checks checks = new Checks();
        String ns = args[0];
        Sysctls sysctls = Sysctls.in(NetworkNamespace.named(ns));

        try {
            sysctls.read(Sysctl.vsConntrack());
            checks.check("IPVS parameters absent before modprobe", false, "read succeeded: is ip_vs loaded already?");
        } catch (SysctlException e) {
            System.out.println(e.getMessage());
            checks.check("IPVS parameters absent before modprobe", e.is(Errno.ENOENT)
                    && e.getMessage().contains("ip_vs module is not loaded"), e.getMessage());
        }
        checks.check("modprobe ip_vs", run("modprobe", "ip_vs").exit == 0, "modprobe failed");

        List<SysctlSetting> director = List.of(
                new SysctlSetting(Sysctl.vsConntrack(), 1),
                new SysctlSetting(Sysctl.vsSloppyTcp(), 1),
                new SysctlSetting(Sysctl.vsExpireNodestConn(), 1),
                new SysctlSetting(Sysctl.vsConnReuseMode(), 0),
                new SysctlSetting(Sysctl.ipForward(), 1));
        List<SysctlChange> changes = checks.step("IPVS parameters set", () -> sysctls.apply(director));
        if (changes != null) {
            changes.forEach(c -> System.out.println(c.key().name() + ": " + c.previous() + " -> " + c.value()));
            for (SysctlSetting s : director) {
                String seen = run("ip", "netns", "exec", ns, "sysctl", "-n", s.key().name()).out.trim();
                checks.check("sysctl -n " + s.key().name() + " = " + s.value(), seen.equals(Integer.toString(s.value())),
                        "sysctl -n printed '" + seen + "'");
            }
            List<SysctlChange> again = checks.step("IPVS parameters re-applied", () -> sysctls.apply(director));
            checks.check("re-apply changes nothing", again != null && again.stream().noneMatch(SysctlChange::changed),
                    String.valueOf(again));
            checks.step("IPVS parameters restored", () -> sysctls.restore(changes));
            for (SysctlChange c : changes) {
                String seen = run("ip", "netns", "exec", ns, "sysctl", "-n", c.key().name()).out.trim();
                checks.check("restored " + c.key().name() + " = " + c.previous(), seen.equals(Integer.toString(c.previous())),
                        "sysctl -n printed '" + seen + "'");
            }
        }
        checks.exit();
    }

    private record Ran(int exit, String out) {
    }

    private static Ran run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Ran(-1, out);
        }
        return new Ran(p.exitValue(), out);
    }
}
