/**
 * Rules over several API objects that both the operator and the node agents apply, so they agree: which RealServers
 * belong to which VirtualService, whether a member fits it, which node hosts a real server, label selector matching.
 * Pure functions, no I/O.
 */
package io.lvs.api.v1alpha1.rules;
