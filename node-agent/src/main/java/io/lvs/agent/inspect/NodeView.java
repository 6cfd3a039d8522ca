package io.lvs.agent.inspect;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One node's kernel state as {@code inspect} shows it, read once, section by section; a section that
 * could not be read says why and the others are still there.
 *
 * @param node            the node's name ({@code NODE_NAME}), empty when not set
 * @param namespace       which network namespace was read, for people
 * @param ipvs            IPVS, or why it is not there
 * @param schedulers      which schedulers the kernel can provide
 * @param loopback        {@code lo} and its addresses
 * @param sysctlDirectory where the {@code net.*} parameters were read
 * @param sysctls         the parameters the product uses, in a fixed order
 */
public record NodeView(Optional<String> node, String namespace, Reading<IpvsView> ipvs,
                       Reading<SchedulerAvailability> schedulers, Reading<Loopback> loopback, Path sysctlDirectory,
                       Reading<List<SysctlReading>> sysctls) {
    public NodeView {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(ipvs, "ipvs");
        Objects.requireNonNull(schedulers, "schedulers");
        Objects.requireNonNull(loopback, "loopback");
        Objects.requireNonNull(sysctlDirectory, "sysctlDirectory");
        Objects.requireNonNull(sysctls, "sysctls");
    }

    /** True when some part could not be read (what makes {@code inspect} exit non-zero). */
    public boolean incomplete() {
        Stream<Reading<?>> parameters = sysctls instanceof Reading.Read<List<SysctlReading>> r
                ? r.value().stream().map(SysctlReading::value) : Stream.empty();
        return Stream.concat(Stream.of(ipvs, schedulers, loopback, sysctls), parameters).anyMatch(Reading::failed);
    }
}
