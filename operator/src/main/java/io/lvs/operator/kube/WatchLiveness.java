package io.lvs.operator.kube;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness fails when a watch has stopped for good: an informer that listed once and no longer runs (the client gave
 * up on it), so that the kubelet restarts an operator that would otherwise go on blind to that kind. A watch that is
 * only reconnecting (an API server that stalls) does not count: it comes back by itself, and restarting would not
 * help. A standby replica has not started its watches yet and is alive.
 */
@Liveness
@ApplicationScoped
public class WatchLiveness implements HealthCheck {
    private final Operator operator;

    public WatchLiveness(Operator operator) {
        this.operator = operator;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Map<String, InformerWrappingEventSourceHealthIndicator>> byController = new TreeMap<>();
        for (RegisteredController<?> c : operator.getRuntimeInfo().getRegisteredControllers()) {
            byController.put(c.getConfiguration().getName(), c.getControllerHealthInfo().informerEventSourceHealthIndicators());
        }
        List<String> dead = dead(byController);
        return HealthCheckResponse.named("watches").status(dead.isEmpty())
                .withData("stopped", dead.isEmpty() ? "none" : String.join("; ", dead)).build();
    }

    /** The watches that ran and stopped, as "controller/event source (namespace)". */
    static List<String> dead(Map<String, Map<String, InformerWrappingEventSourceHealthIndicator>> byController) {
        List<String> out = new ArrayList<>();
        byController.forEach((controller, sources) -> new TreeMap<>(sources).forEach((source, indicator) -> {
            Map<String, InformerHealthIndicator> informers = new TreeMap<>(indicator.informerHealthIndicators());
            informers.forEach((namespace, informer) -> {
                if (stopped(informer)) {
                    out.add(controller + "/" + source + " (" + namespaceText(namespace) + ")");
                }
            });
        }));
        return out;
    }

    private static boolean stopped(InformerHealthIndicator informer) {
        return informer.hasSynced() && !informer.isRunning();
    }

    private static String namespaceText(String namespace) {
        return namespace == null || namespace.isEmpty() || namespace.startsWith("JOSDK_") ? "all namespaces"
                : "namespace " + namespace;
    }
}
