/** The agent process: its settings, and wiring the rooms together for {@code lvs-node-agent run} and {@code cleanup}. */
package io.lvs.agent.app;
