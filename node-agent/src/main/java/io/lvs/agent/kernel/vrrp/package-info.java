/**
 * VRRPv3 (RFC 5798) advertisements: their codec, with this project's optional HMAC-SHA256 trailer against forged and
 * replayed adverts, and the checks a received one must pass. Pure: the raw sockets that send and receive them are
 * not here yet.
 */
package io.lvs.agent.kernel.vrrp;
