package io.lvs.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.testing.Netns;
import io.lvs.agent.kernel.testing.Root;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP endpoints as the kubelet and Prometheus use them, and {@code /inspect}, which shows the node's whole
 * kernel state, only to a caller on the node itself: the agent listens on the node's address (host network), so a
 * request from another machine must be refused.
 */
class AgentHttpTest {
    private static final AgentHttp.Endpoints ENDPOINTS = new AgentHttp.Endpoints() {
        @Override
        public AgentHttp.Probe liveness() {
            return new AgentHttp.Probe(true, "alive");
        }

        @Override
        public AgentHttp.Probe readiness() {
            return new AgentHttp.Probe(false, "not ready: waiting for the Kubernetes caches to sync");
        }

        @Override
        public void metrics(PrometheusText out) {
            out.single("lvs_agent_passes_total", "counter", "Control-loop passes.", 3);
        }

        @Override
        public String inspect() {
            return "IP Virtual Server version 1.2.1\n";
        }
    };

    /** Status line and body of {@code GET path} from a socket in {@code ns}. */
    private static String[] get(Netns ns, InetSocketAddress to, String path) {
        // the whole request on a thread in the namespace: a Socket makes its descriptor only when it connects
        return ns.namespace().call(() -> request(to, path));
    }

    private static String[] request(InetSocketAddress to, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: agent\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new String[] {reply.lines().findFirst().orElse(""), reply.substring(reply.indexOf("\r\n\r\n") + 4)};
        }
    }

    @Test
    void metricsThatFailHalfWayEndTheConnectionInsteadOfAnsweringACutOffText() throws Exception {
        AgentHttp.Endpoints failing = new AgentHttp.Endpoints() {
            @Override
            public AgentHttp.Probe liveness() {
                return ENDPOINTS.liveness();
            }

            @Override
            public AgentHttp.Probe readiness() {
                return ENDPOINTS.readiness();
            }

            @Override
            public void metrics(PrometheusText out) {
                for (int i = 0; i < 5000; i++) { // more than one chunk is on the wire before the failure
                    out.single("lvs_test_" + i, "gauge", "A sample.", i);
                }
                throw new IllegalStateException("a metric source broke");
            }

            @Override
            public String inspect() {
                return ENDPOINTS.inspect();
            }
        };
        try (AgentHttp http = AgentHttp.start(new InetSocketAddress("127.0.0.1", 0), failing)) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + http.address().getPort() + "/metrics");
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> client.send(
                    java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString()),
                    "a scrape of a cut-off answer must fail, not read part of the metrics as all of them");
        }
    }

    @Test
    void probesAndMetricsAnswerAndInspectAnswersOnlyTheNodeItself() throws Exception {
        Root.assume("network namespaces");
        try (Netns.Pair pair = Netns.pair("http", "eth0", "eth0")) {
            Netns node = pair.a();
            node.ip("addr", "add", "192.0.2.2/24", "dev", "eth0");
            pair.b().ip("addr", "add", "192.0.2.50/24", "dev", "eth0");
            // the agent listens on every address of its node (host network), as the chart runs it
            AgentHttp http = node.namespace().call(() -> AgentHttp.start(new InetSocketAddress("0.0.0.0", 0), ENDPOINTS));
            try {
                int port = http.address().getPort();
                InetSocketAddress viaLoopback = new InetSocketAddress("127.0.0.1", port);
                InetSocketAddress viaNodeAddress = new InetSocketAddress("192.0.2.2", port);

                String[] live = get(node, viaLoopback, "/healthz");
                assertTrue(live[0].contains(" 200 "), live[0]);
                String[] ready = get(node, viaLoopback, "/readyz");
                assertTrue(ready[0].contains(" 503 "), ready[0]);
                assertEquals("not ready: waiting for the Kubernetes caches to sync", ready[1].strip());
                String[] metrics = get(pair.b(), viaNodeAddress, "/metrics");
                assertTrue(metrics[0].contains(" 200 ") && metrics[1].contains("lvs_agent_passes_total 3"), metrics[0]);

                String[] local = get(node, viaLoopback, "/inspect");
                assertTrue(local[0].contains(" 200 "), local[0]);
                assertEquals("IP Virtual Server version 1.2.1\n", local[1]);
                String[] remote = get(pair.b(), viaNodeAddress, "/inspect");
                assertTrue(remote[0].contains(" 403 "), remote[0]);
                assertTrue(remote[1].startsWith("/inspect answers only on the node itself"), remote[1]);
                String[] nodeAddressFromTheNode = get(node, viaNodeAddress, "/inspect");
                assertTrue(nodeAddressFromTheNode[0].contains(" 403 "), "only loopback counts as the node: "
                        + nodeAddressFromTheNode[0]);
            } finally {
                http.close();
            }
        }
    }
}
