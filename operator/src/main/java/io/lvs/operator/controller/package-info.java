/**
 * The operator's JOSDK controllers: they read informer caches, hand them to the pure functions of
 * {@link io.lvs.operator.model}, and write the results (status, events, the agents' DaemonSet, metrics).
 */
package io.lvs.operator.controller;
