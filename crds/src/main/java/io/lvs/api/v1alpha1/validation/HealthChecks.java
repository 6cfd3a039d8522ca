package io.lvs.api.v1alpha1.validation;

import io.lvs.api.v1alpha1.HealthCheckSpec;
import io.lvs.api.v1alpha1.HealthCheckType;
import io.lvs.api.v1alpha1.HttpCheckSpec;
import io.lvs.api.v1alpha1.Messages;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of a health check, shared by VirtualService (default check) and RealServer (override). */
final class HealthChecks {
    private static final Pattern STATUS = Pattern.compile("^[1-5][0-9][0-9](-[1-5][0-9][0-9])?$");
    private static final Pattern PATH = Pattern.compile("^/\\S*$");
    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.:\\[\\]-]+$");

    private HealthChecks() {
    }

    static void validate(Violations v, HealthCheckSpec hc, String f) {
        if (hc == null) {
            return;
        }
        HealthCheckType type = hc.getType();
        v.known(type, HealthCheckType.class, f + ".type");
        Optional<Duration> interval = Durations.parse(v, hc.getInterval(), f + ".interval");
        Optional<Duration> timeout = Durations.parse(v, hc.getTimeout(), f + ".timeout");
        interval.ifPresent(d -> v.check(d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
                f + ".interval", Messages.HC_INTERVAL));
        timeout.ifPresent(d -> v.check(d.compareTo(Duration.ofMillis(10)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
                f + ".timeout", Messages.HC_TIMEOUT));
        if (interval.isPresent() && timeout.isPresent()) {
            v.check(timeout.get().compareTo(interval.get()) <= 0, f, Messages.HC_TIMEOUT_OVER_INTERVAL);
        }
        v.range(hc.getRise(), 1, 100, f + ".rise", f + ".rise");
        v.range(hc.getFall(), 1, 100, f + ".fall", f + ".fall");
        v.range(hc.getPort(), 1, 65535, f + ".port", f + ".port");
        HttpCheckSpec http = hc.getHttp();
        if (http == null) {
            return;
        }
        v.check(type == null || type == HealthCheckType.HTTP || type == HealthCheckType.HTTPS, f, Messages.HC_HTTP_ONLY);
        v.check(type == null || type == HealthCheckType.HTTPS || (http.getServerName() == null && !Boolean.TRUE.equals(http.getVerifyCertificate())),
                f, Messages.HC_HTTPS_ONLY);
        String hf = f + ".http";
        if (http.getPath() != null) {
            v.check(http.getPath().length() <= 1024 && PATH.matcher(http.getPath()).matches(), hf + ".path",
                    hf + ".path must start with / and contain no spaces (got \"" + http.getPath() + "\")");
        }
        if (http.getHost() != null) {
            v.check(http.getHost().length() <= 253 && HOST.matcher(http.getHost()).matches(), hf + ".host",
                    hf + ".host must be a host name or address (got \"" + http.getHost() + "\")");
        }
        v.maxLength(http.getBodyContains(), 1024, hf + ".bodyContains");
        v.maxLength(http.getServerName(), 253, hf + ".serverName");
        List<String> statuses = http.getExpectedStatuses();
        if (statuses != null) {
            v.check(!statuses.isEmpty() && statuses.size() <= 16, hf + ".expectedStatuses",
                    hf + ".expectedStatuses must list 1 to 16 codes or ranges");
            for (int i = 0; i < statuses.size(); i++) {
                String s = statuses.get(i);
                String sf = hf + ".expectedStatuses[" + i + "]";
                if (v.check(s != null && STATUS.matcher(s).matches(), sf,
                        sf + " must be a status code such as 200 or a range such as 200-399 (got \"" + s + "\")")
                        && s.length() == 7) {
                    v.check(Integer.parseInt(s.substring(0, 3)) <= Integer.parseInt(s.substring(4, 7)),
                            hf + ".expectedStatuses", Messages.HC_STATUS_RANGE);
                }
            }
        }
    }
}
