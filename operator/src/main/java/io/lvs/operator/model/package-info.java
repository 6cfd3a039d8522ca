/**
 * What the operator decides, as pure functions over Kubernetes objects (no I/O): which VirtualService holds which
 * VIP and ports, which RealServers belong to which VirtualService and whether they fit it, which nodes need a node
 * agent, and what the status of each object says. The controllers feed these functions from informer caches and
 * write their results; everything here is tested without an API server.
 */
package io.lvs.operator.model;
