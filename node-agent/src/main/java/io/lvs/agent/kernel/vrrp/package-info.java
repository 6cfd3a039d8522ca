/**
 * VRRPv3 (RFC 5798) advertisements: their codec, with this project's optional HMAC-SHA256 trailer against forged and
 * replayed adverts, the checks a received one must pass, and {@link io.lvs.agent.kernel.vrrp.VrrpSocket}, the raw IP
 * (protocol 112) socket that sends and receives them with TTL / hop limit 255.
 */
package io.lvs.agent.kernel.vrrp;
