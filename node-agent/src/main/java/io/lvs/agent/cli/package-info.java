/**
 * The node agent's command line ({@code lvs-node-agent}, the image's entry point): parses a command
 * and wires it to the packages that do the work; no logic of its own beyond exit statuses.
 */
package io.lvs.agent.cli;
