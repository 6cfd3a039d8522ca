/**
 * The lvs.io/v1alpha1 API: {@link io.lvs.api.v1alpha1.VirtualService} (a VIP with its ports, served by a
 * group of director nodes), {@link io.lvs.api.v1alpha1.RealServer} (one backend), and
 * {@link io.lvs.api.v1alpha1.NodeReport} (what one node's agent observes for one VirtualService; written
 * only by that agent, aggregated by the operator).
 *
 * <p>Defaults are declared twice on purpose: {@code @Default} puts them in the CRD so a real API server
 * fills them in, and Java field initializers give the same values when an object arrives without them
 * (some API servers and tools bypass the schema). A test keeps the two equal.
 */
package io.lvs.api.v1alpha1;
